"""A person's own e-mail address changes only when its owner opens the link sent to it; the
page never tells whether another account uses an address; the old address hears of it."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from accounts.contact import CONFIRM_MAX_AGE, CONFIRM_SALT
from accounts.models import OutboxMessage, SecurityEvent
from accounts.tasks import deliver_pending_outbox
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "accounts:contact_details"
LINK = re.compile(r"https?://\S+?(/konto/profil/kontakt/bekreft/\S+/)")


def logged_in_again(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def ask_for(client, user, email, phone=""):
    logged_in_again(client, user)
    response = client.post(reverse(URL), {"email": email, "phone": phone}, follow=True)
    deliver_pending_outbox()
    return response


def sent_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_new_address_counts_only_after_the_link_is_opened(client, owner):
    old = owner.email
    page = ask_for(client, owner, "ny.adresse@example.org")
    assert "Vi har sendt en lenke til ny.adresse@example.org" in page.content.decode()
    owner.refresh_from_db()
    assert owner.email == old  # nothing changes until the mailbox's owner answers
    (message,) = sent_to("ny.adresse@example.org")
    link = LINK.search(message.body).group(1)

    shown = client.get(link)  # a mail scanner opening the link changes nothing
    assert shown.status_code == 200 and "ny.adresse@example.org" in shown.content.decode()
    owner.refresh_from_db()
    assert owner.email == old

    assert client.post(link).status_code == 302
    owner.refresh_from_db()
    assert owner.email == "ny.adresse@example.org"
    assert SecurityEvent.objects.filter(user=owner, kind=SecurityEvent.Kind.EMAIL_CHANGED).exists()
    deliver_pending_outbox()
    (notice,) = sent_to(old)  # the old mailbox is told, with no link to act on the change
    assert "er endret" in notice.subject and "bekreft" not in notice.body
    # The stored link of the confirmation was a secret: blanked once sent.
    stored = OutboxMessage.objects.get(kind="email_confirm")
    assert "bekreft" not in stored.link


def test_the_page_does_not_tell_whether_another_account_uses_an_address(client, owner, coordinator):
    free = ask_for(client, owner, "ledig@example.org").content.decode()
    taken = ask_for(client, owner, coordinator.email.upper()).content.decode()
    assert "Vi har sendt en lenke til ledig@example.org" in free
    assert f"Vi har sendt en lenke til {coordinator.email.upper()}" in taken
    assert "kan ikke brukes" not in taken
    owner.refresh_from_db()
    assert owner.email != coordinator.email.upper()
    # The taken address gets a notice without any link that could move it to this account.
    (notice,) = [m for m in mail.outbox if m.to == [coordinator.email.upper()]]
    assert "allerede i bruk" in notice.body and not LINK.search(notice.body)


def test_someone_elses_link_is_404_and_changes_nothing(client, owner, coordinator):
    ask_for(client, owner, "ny@example.org")
    link = LINK.search(sent_to("ny@example.org")[0].body).group(1)
    client.force_login(coordinator)  # staff who got hold of the owner's link
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    owner.refresh_from_db()
    coordinator.refresh_from_db()
    assert "ny@example.org" not in (owner.email, coordinator.email)


@pytest.mark.parametrize("how", ["forged", "expired", "address_changed_since"])
def test_a_link_that_no_longer_holds_says_so_and_changes_nothing(client, owner, monkeypatch, how):
    ask_for(client, owner, "ny@example.org")
    link = LINK.search(sent_to("ny@example.org")[0].body).group(1)
    if how == "forged":
        token = signing.dumps({"u": owner.pk, "e": "angriper@example.org", "o": owner.email})
        link = reverse("accounts:contact_email_confirm", args=[token])  # wrong salt
    elif how == "expired":
        past = time.time() - CONFIRM_MAX_AGE - 60
        monkeypatch.setattr(signing.time, "time", lambda: past)
        token = signing.dumps(
            {"u": owner.pk, "e": "angriper@example.org", "o": owner.email}, salt=CONFIRM_SALT
        )
        monkeypatch.undo()
        link = reverse("accounts:contact_email_confirm", args=[token])
    else:
        ask_for(client, owner, "")  # the person removed the address in the meantime
    before = type(owner).objects.get(pk=owner.pk).email
    response = client.post(link)
    assert response.status_code == 400
    assert "Lenken virker ikke lenger" in response.content.decode()
    owner.refresh_from_db()
    assert owner.email == before


def test_an_address_taken_before_the_link_is_opened_is_refused(client, owner, coordinator):
    ask_for(client, owner, "ny@example.org")
    link = LINK.search(sent_to("ny@example.org")[0].body).group(1)
    coordinator.email = "ny@example.org"
    coordinator.save()
    response = client.post(link)
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.email != "ny@example.org"


def test_the_mobile_number_and_removing_the_address_apply_at_once(client, owner):
    ask_for(client, owner, "", phone="912 34 567")
    owner.refresh_from_db()
    assert owner.email == "" and owner.phone == "91234567"
    assert not mail.outbox or all("bekreft" not in m.body for m in mail.outbox)


def test_bad_input_gets_a_message_and_changes_nothing(client, owner):
    logged_in_again(client, owner)
    old = owner.email
    response = client.post(reverse(URL), {"email": "ikke en adresse", "phone": ""})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.email == old and not OutboxMessage.objects.filter(kind="email_confirm").exists()
