"""Issue 10, point 3: the outbox counts a failed send although the send's transaction rolled
back, backs off, gives up after the limit, and 500 refused rows never starve a new message."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import notifications, outbox
from accounts.models import OutboxMessage
from accounts.tasks import deliver_outbox_message, deliver_pending_outbox
from tests.factories import PASSWORD, staff
from tests.support.mail import REFUSED_DOMAIN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.support.mail.RefusingBackend"


def refused_rows(owner, count):
    past = timezone.now() - datetime.timedelta(hours=1)
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(
            recipient=owner,
            address=f"borte{i}{REFUSED_DOMAIN}",
            kind="reminder",
            link="/",
            dedupe_key=f"refused-{i}",
            next_attempt_at=past + datetime.timedelta(seconds=i),
            created_at=past,
        )
        for i in range(count)
    )


def test_a_refused_send_is_counted_and_backs_off(owner):
    (row,) = refused_rows(owner, 1)
    assert deliver_outbox_message(row.pk) is False
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error == "SMTPRecipientsRefused"
    assert row.sent_at is None and row.failed_at is None
    assert row.next_attempt_at > timezone.now()  # not retried before it is due
    assert outbox.due_ids(10) == []


def test_after_the_limit_the_message_is_marked_failed_and_never_tried_again(owner, settings):
    settings.IPPLAN_OUTBOX_MAX_ATTEMPTS = 3
    (row,) = refused_rows(owner, 1)
    for _ in range(5):
        OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        deliver_pending_outbox()
    row.refresh_from_db()
    assert row.attempts == 3 and row.failed_at is not None and row.sent_at is None


def test_500_refused_rows_never_starve_a_new_message(owner, coordinator, settings):
    settings.IPPLAN_OUTBOX_SWEEP_BATCH = 100
    refused_rows(owner, 500)
    deliver_pending_outbox()  # beat's sweep: every refused row is tried once and moves back
    assert OutboxMessage.objects.filter(attempts=1).count() == 500
    new = notifications.notify(kind="reminder", user=coordinator, link="/", dedupe_key="ny")
    # its own task waits for a commit that never comes in this test: as if the broker lost it
    mail.outbox.clear()
    deliver_pending_outbox()  # the next sweep
    new.refresh_from_db()
    assert new.sent_at is not None
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert OutboxMessage.objects.filter(attempts=1, sent_at__isnull=True).count() == 500


# --- The administrator's page ---------------------------------------------------------------


@pytest.fixture
def given_up(owner, settings):
    settings.IPPLAN_OUTBOX_MAX_ATTEMPTS = 1
    owner.email = f"ingrid{REFUSED_DOMAIN}"
    owner.save()
    message = notifications.notify(
        kind="new_message", user=owner, link="/meldinger/SENTINEL-LINK/", dedupe_key="gitt-opp"
    )
    deliver_pending_outbox()
    message.refresh_from_db()
    assert message.failed_at is not None
    return message


def test_the_administrator_sees_which_address_bounced_but_not_the_content(
    client, administrator, given_up
):
    client.force_login(administrator)
    page = client.get(reverse("administration:failed_notifications")).content.decode()
    assert f"ingrid{REFUSED_DOMAIN}" in page and "SMTPRecipientsRefused" in page
    assert "SENTINEL-LINK" not in page and "Ny melding" not in page


def test_after_the_person_corrects_the_address_it_is_sent_again_once(
    client, administrator, owner, given_up
):
    owner.email = "ingrid@example.org"
    owner.save()
    client.force_login(administrator)
    url = reverse("administration:failed_notification_resend", args=[given_up.pk])
    assert client.post(url).status_code == 302
    deliver_pending_outbox()
    deliver_pending_outbox()
    assert [m.to for m in mail.outbox] == [["ingrid@example.org"]]
    given_up.refresh_from_db()
    assert given_up.sent_at is not None and given_up.address == "ingrid@example.org"


def test_other_municipalities_and_non_administrators_get_404(
    client, other_coordinator, coordinator, given_up
):
    other_admin = staff("administrator", other_coordinator.memberships.get().municipality)
    for user in (other_admin, coordinator):
        client.force_login(user)
        url = reverse("administration:failed_notification_resend", args=[given_up.pk])
        assert client.post(url).status_code == 404
        if user is other_admin:
            page = client.get(reverse("administration:failed_notifications")).content.decode()
            assert REFUSED_DOMAIN not in page
    given_up.refresh_from_db()
    assert given_up.failed_at is not None


# --- The person corrects their address --------------------------------------------------------


def logged_in_again(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("accounts:contact_details")).status_code == 200  # the form


def test_the_person_corrects_the_address_and_what_bounced_goes_out_once(client, owner, given_up):
    logged_in_again(client, owner)
    url = reverse("accounts:contact_details")
    response = client.post(url, {"email": "ingrid@example.org", "phone": ""})
    assert response.status_code == 302
    deliver_pending_outbox()
    (confirm,) = mail.outbox  # the new address is asked first; nothing else moves yet
    assert confirm.to == ["ingrid@example.org"]
    given_up.refresh_from_db()
    assert given_up.sent_at is None and given_up.failed_at is not None
    link = re.search(r"https?://\S+(/konto/profil/kontakt/bekreft/\S+/)", confirm.body).group(1)
    assert client.post(link).status_code == 302
    mail.outbox.clear()
    deliver_pending_outbox()
    deliver_pending_outbox()
    assert ["ingrid@example.org"] in [m.to for m in mail.outbox]
    assert [m.to for m in mail.outbox].count(["ingrid@example.org"]) == 1
    given_up.refresh_from_db()
    assert given_up.sent_at is not None and given_up.failed_at is None


def test_changing_contact_details_needs_a_recent_login(client, owner, settings):
    client.force_login(owner)
    session = client.session
    session.pop("account_authentication_methods", None)
    session.save()
    response = client.post(
        reverse("accounts:contact_details"), {"email": "ny@example.org", "phone": ""}
    )
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    owner.refresh_from_db()
    assert owner.email != "ny@example.org"


def test_the_failed_list_has_a_query_budget(
    client, administrator, owner, municipality, django_assert_max_num_queries
):
    people = [staff("professional", municipality, username=f"p{i}") for i in range(15)]
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            recipient=person,
            address=f"p{i}{REFUSED_DOMAIN}",
            kind="reminder",
            link="/",
            attempts=8,
            last_error="SMTPRecipientsRefused",
            failed_at=now,
        )
        for i, person in enumerate([*people, owner])
    )
    client.force_login(administrator)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("administration:failed_notifications"))
    assert page.content.decode().count(REFUSED_DOMAIN) >= 16
