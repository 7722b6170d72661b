"""No oracle on identity numbers: every form that takes a fødselsnummer (referral, paper
application, new plan) answers alike for a registered and an unknown number, and the caller's
rate limit is counted before the number is looked up."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework.models import Case
from ipplan import ratelimit
from plans.models import Plan
from tests.factories import synthetic_national_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LOOKUP = re.compile(r"WHERE.*national_id_digest", re.S)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _visible(response) -> str:
    """What the user sees, with the per-response tokens (CSRF, CSP nonce) and ids blanked."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', text)
    location = re.sub(r"\d+", "N", response.get("Location", ""))
    return f"{response.status_code} {location}\n{text}"


def _referral(number, municipality):
    return {
        "national_id": number,
        "first_name": "Nils",
        "last_name": "Berntsen",
        "municipality": municipality.pk,
        "relation": "professional",
        "wants": ["wants_plan"],
        "needs": "Sammensatte behov.",
        "consent_to_contact": "on",
        "consent_note": "Muntlig samtykke 3. mars",
    }


def _paper(number):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "national_id": number,
        "first_name": "Nils",
        "last_name": "Berntsen",
        "received_on": TODAY.isoformat(),
        "wants": ["wants_plan"],
        "needs": "Fra søknadsskjemaet",
        "scanned_form": SimpleUploadedFile("soknad.pdf", PDF, "application/pdf"),
    }


def _new_plan(number):
    return {"national_id": number, "first_name": "Nils", "last_name": "Berntsen"}


def _unknown():
    return synthetic_national_id(datetime.date(1961, 5, 17))


def test_it_answers_a_referral_alike_for_a_known_and_an_unknown_number(
    client, professional, owner, municipality
):
    client.force_login(professional)
    known = client.post(
        reverse("casework:referral"), _referral(owner.get_national_id(), municipality)
    )
    unknown = client.post(reverse("casework:referral"), _referral(_unknown(), municipality))
    assert known.status_code == 200
    assert _visible(known) == _visible(unknown)
    # The unknown person is registered (no login) so the coordinating unit can resolve it;
    # the name given for a known number changes nothing.
    assert Case.objects.count() == 2
    owner.refresh_from_db()
    assert owner.first_name == "Ingrid"
    assert not User.objects.get(first_name="Nils").has_usable_password()


FORMS = [
    ("professional", "casework:referral", "referral"),
    ("case_handler", "casework:paper_application", "paper"),
    ("coordinator", "plans:create", "plan"),
]


def _payload(kind, number, municipality):
    return {
        "referral": lambda: _referral(number, municipality),
        "paper": lambda: _paper(number),
        "plan": lambda: _new_plan(number),
    }[kind]()


@pytest.mark.parametrize(("persona", "url", "kind"), FORMS)
def test_it_asks_for_the_name_whether_or_not_the_number_is_known(
    request, client, owner, municipality, persona, url, kind
):
    client.force_login(request.getfixturevalue(persona))
    nameless = {"first_name": "", "last_name": ""}
    number = _unknown()
    known = client.post(
        reverse(url), _payload(kind, owner.get_national_id(), municipality) | nameless
    )
    unknown = client.post(reverse(url), _payload(kind, number, municipality) | nameless)
    assert known.status_code == 400
    assert "Vi fant ingen" not in unknown.content.decode()
    assert _visible(known).replace(owner.get_national_id(), "X") == _visible(unknown).replace(
        number, "X"
    )
    assert not Case.objects.exists() and not Plan.objects.exists()
    assert not User.objects.filter(national_id_digest__isnull=False).exclude(pk=owner.pk).exists()


def test_it_answers_a_paper_application_alike_for_a_known_and_an_unknown_number(
    client, case_handler, owner
):
    client.force_login(case_handler)
    known = client.post(reverse("casework:paper_application"), _paper(owner.get_national_id()))
    unknown = client.post(reverse("casework:paper_application"), _paper(_unknown()))
    assert known.status_code == 302
    assert _visible(known) == _visible(unknown)
    assert Case.objects.count() == 2


def test_it_answers_a_new_plan_alike_for_a_known_and_an_unknown_number(client, coordinator, owner):
    client.force_login(coordinator)
    known = client.post(reverse("plans:create"), _new_plan(owner.get_national_id()))
    unknown = client.post(reverse("plans:create"), _new_plan(_unknown()))
    assert known.status_code == 302
    assert _visible(known) == _visible(unknown)
    assert Plan.objects.count() == 2


def _exhaust(user):
    limit, _window = ratelimit.LIMITS["person_lookup"]
    for _ in range(limit):
        ratelimit.hit("person_lookup", user.pk)


@pytest.mark.parametrize(("persona", "url", "kind"), FORMS)
def test_it_counts_the_rate_limit_before_looking_the_number_up(
    request, client, owner, municipality, persona, url, kind
):
    user = request.getfixturevalue(persona)
    payload = _payload(kind, owner.get_national_id(), municipality)
    _exhaust(user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse(url), payload)
    assert response.status_code == 400
    assert str(ratelimit.RATE_LIMITED) in response.content.decode()
    lookups = [q["sql"] for q in queries.captured_queries if LOOKUP.search(q["sql"])]
    assert lookups == []
    assert not Case.objects.exists() and not Plan.objects.exists()
