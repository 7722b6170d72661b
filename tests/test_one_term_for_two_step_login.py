"""Issue 11 §5: one term for two-step login. ipplan says "totrinnsinnlogging"; allauth's own
Norwegian texts say "tofaktorautentisering", so ipplan's catalogue overrides each of them."""

from pathlib import Path

import allauth
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

ALLAUTH_NB = Path(allauth.__file__).parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def allauth_msgids_about_two_factor() -> list[str]:
    """allauth's msgids whose Norwegian text names two-factor authentication."""
    found, msgid, reading = [], [], None
    for line in [*ALLAUTH_NB.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, reading = [line[7:-1]], "id"
        elif line.startswith("msgstr "):
            reading = "str"
            text = line[8:-1]
        elif line.startswith('"') and reading == "id":
            msgid.append(line[1:-1])
        elif line.startswith('"') and reading == "str":
            text += line[1:-1]
        elif not line.strip() and reading == "str":
            if "faktor" in text.lower() and "".join(msgid):
                found.append("".join(msgid).replace('\\"', '"').replace("\\n", "\n"))
            reading = None
    return found


def test_every_allauth_text_about_it_says_totrinnsinnlogging():
    msgids = allauth_msgids_about_two_factor()
    assert len(msgids) >= 5  # allauth does name it; the test reads real texts
    with translation.override("nb"):
        for msgid in msgids:
            text = gettext(msgid)
            assert "faktor" not in text.lower(), msgid
            assert "totrinnsinnlogging" in text.lower(), msgid


@override_settings(LANGUAGE_CODE="nb")
def test_the_second_factor_page_says_it(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Totrinnsinnlogging" in page and "ofaktor" not in page
