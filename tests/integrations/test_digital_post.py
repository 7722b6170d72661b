"""Decision letters and interim replies to the digital mailbox through Fiks SvarUt, end to end
against a local SvarUt and KRR speaking the published protocols: the delivery row is written
with the letter, sent by a task with our reference (never twice), retried with backoff and,
when given up, shown to the administrator; people reserved in KRR or without a mailbox get the
letter on paper through the case handler's print queue. The ipplan inbox keeps its copy."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.contact_registry import registry_refresh
from casework.models import CaseAccessLogEntry, Letter, LetterDelivery
from casework.services import deliveries
from casework.services.cases import interim_reply_send
from casework.services.letters import letter_open
from tests.casework import conftest as casework_fixtures
from tests.casework.conftest import apply, decide
from tests.casework.test_access_and_statistics import QUEUE_BUDGET
from tests.factories import MunicipalityFactory, UserFactory, represent, staff, with_national_id
from tests.support.local_http import Response

pytestmark = pytest.mark.django_db
State, Reason = LetterDelivery.State, LetterDelivery.PrintReason
rules, rule = casework_fixtures.rules, casework_fixtures.rule


def number(user) -> str:
    return user.get_national_id()


def in_krr(krr_server, user, **kwargs):
    from tests.support.national_services import krr_person

    krr_server.people[number(user)] = krr_person(number(user), email="x@krr.example", **kwargs)


@pytest.fixture
def decided(owner, municipality, case_handler, rule, django_capture_on_commit_callbacks):
    """Ingrid's decision letter, with the commit's callbacks run (the task is eager here)."""

    def make():
        case = apply(owner, municipality)
        with django_capture_on_commit_callbacks(execute=True):
            decision = decide(case, case_handler, rule)
        return decision.letter

    return make


def test_a_decision_letter_goes_to_the_digital_mailbox_with_our_reference(
    svarut_server, krr_server, owner, decided
):
    in_krr(krr_server, owner)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.state, delivery.addressee) == (State.SENT, owner)
    assert delivery.reference == f"ipplan-{letter.pk}-{owner.pk}"
    sent = svarut_server.sent[delivery.external_id]
    metadata = sent["metadata"]
    assert metadata["mottaker"] == {"digitalId": number(owner), "navn": owner.display_name}
    assert metadata["eksternReferanse"] == delivery.reference
    assert metadata["kunDigitalLevering"] is True
    assert metadata["tittel"] == letter.title
    pdf = sent["files"][f"brev-{letter.pk}.pdf"]
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    # The inbox keeps its copy.
    with letter_open(letter) as handle:
        assert handle.read() == pdf


def test_an_interim_reply_goes_out_too(
    svarut_server, krr_server, owner, municipality, case_handler, django_capture_on_commit_callbacks
):
    in_krr(krr_server, owner)
    case = apply(owner, municipality)
    with django_capture_on_commit_callbacks(execute=True):
        letter = interim_reply_send(
            case=case,
            expected_by=timezone.localdate() + datetime.timedelta(days=30),
            reason="Vi venter på opplysninger.",
            acting_user=case_handler,
        )
    assert letter.kind == Letter.Kind.INTERIM
    assert LetterDelivery.objects.get(letter=letter).state == State.SENT


def test_a_childs_letter_goes_to_both_parents_with_parental_responsibility(
    svarut_server,
    krr_server,
    child,
    guardian,
    municipality,
    case_handler,
    rule,
    django_capture_on_commit_callbacks,
):
    mother = with_national_id(
        UserFactory(first_name="Siri", last_name="Berg"), datetime.date(1984, 5, 6)
    )
    represent(child, mother)
    with_national_id(guardian, datetime.date(1982, 3, 4))
    for parent in (guardian, mother):
        in_krr(krr_server, parent)
    case = apply(child, municipality, by=guardian, coordinator=False)
    with django_capture_on_commit_callbacks(execute=True):
        letter = decide(case, case_handler, rule).letter
    addressed = {d.addressee for d in LetterDelivery.objects.filter(letter=letter)}
    assert addressed == {guardian, mother}
    ids = {m["metadata"]["mottaker"]["digitalId"] for m in svarut_server.sent.values()}
    assert ids == {number(guardian), number(mother)}


@pytest.mark.parametrize(
    ("krr", "reason"),
    [({"reserved": True}, Reason.RESERVED), ({"mailbox": False}, Reason.NO_MAILBOX)],
)
def test_reserved_or_without_mailbox_goes_to_the_print_queue(
    client, svarut_server, krr_server, owner, decided, case_handler, krr, reason
):
    in_krr(krr_server, owner, **krr)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.state, delivery.print_reason) == (State.PRINT, reason)
    assert svarut_server.sends() == []
    client.force_login(case_handler)
    queue = " ".join(client.get(reverse("casework:case_queue")).content.decode().split())
    assert "Brev som skal sendes med post" in queue and owner.display_name in queue
    case_page = client.get(reverse("casework:case", args=[letter.case_id])).content.decode()
    assert "Skal skrives ut og sendes med post" in case_page


def test_the_case_shows_staff_that_a_reserved_person_must_get_paper(
    client, krr_server, owner, municipality, case_handler
):
    in_krr(krr_server, owner, reserved=True)
    registry_refresh([owner])
    case = apply(owner, municipality)
    client.force_login(case_handler)
    text = " ".join(client.get(reverse("casework:case", args=[case.pk])).content.decode().split())
    assert "er reservert mot digital kommunikasjon i Kontakt- og reservasjonsregisteret" in text


def test_the_case_handler_marks_a_printed_letter_as_posted(
    client, svarut_server, krr_server, owner, decided, case_handler
):
    in_krr(krr_server, owner, reserved=True)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    client.force_login(case_handler)
    url = reverse("casework:delivery_printed", args=[letter.case_id])
    response = client.post(url, {"delivery": delivery.pk, "back": "queue"})
    assert response.status_code == 302 and response.url == reverse("casework:case_queue")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.printed_by) == (State.PRINTED, case_handler)
    assert CaseAccessLogEntry.objects.filter(case=letter.case, action="letter_printed").exists()
    # Twice is refused with a message, and changes nothing.
    client.post(url, {"delivery": delivery.pk})
    assert LetterDelivery.objects.get(pk=delivery.pk).printed_by == case_handler


@pytest.mark.parametrize("who", ["coordinator", "administrator", "stranger", "other_handler"])
def test_nobody_but_the_municipality_s_case_handler_marks_a_letter_posted(
    client, svarut_server, krr_server, owner, decided, who, request
):
    in_krr(krr_server, owner, reserved=True)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    if who == "other_handler":
        user = staff("case_handler", MunicipalityFactory(name="Annenby", slug="annenby"))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    url = reverse("casework:delivery_printed", args=[letter.case_id])
    assert client.post(url, {"delivery": delivery.pk}).status_code == 404
    assert LetterDelivery.objects.get(pk=delivery.pk).state == State.PRINT


def test_svarut_down_never_fails_the_letter_and_retries_with_backoff(
    svarut_server, krr_server, owner, decided
):
    in_krr(krr_server, owner)
    svarut_server.server.route("POST", svarut_server.send_path, Response(503, {"status": 503}))
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    assert Letter.objects.filter(pk=letter.pk).exists()
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    assert "503" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    # Not due yet: the sweep leaves it.
    assert deliveries.deliveries_send_due() == 0


def test_a_given_up_letter_is_shown_to_the_administrator_who_can_send_it_again(
    client,
    settings,
    svarut_server,
    krr_server,
    owner,
    decided,
    administrator,
    django_capture_on_commit_callbacks,
):
    settings.IPPLAN_LETTER_DELIVERY_MAX_ATTEMPTS = 2
    in_krr(krr_server, owner)
    svarut_server.server.route("POST", svarut_server.send_path, Response(500, {"status": 500}))
    letter = decided()
    LetterDelivery.objects.update(next_attempt_at=timezone.now())
    deliveries.deliveries_send_due()
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.state, delivery.attempts) == (State.FAILED, 2)
    client.force_login(administrator)
    tasks = " ".join(client.get(reverse("administration:index")).content.decode().split())
    assert "1 brev kom ikke fram til digital postkasse." in tasks
    page = client.get(reverse("casework:failed_deliveries")).content.decode()
    assert letter.case.number in page and owner.display_name in page
    assert letter.title not in page  # who and which case, never what the letter says
    svarut_server.server.route("POST", svarut_server.send_path, svarut_server._send)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("casework:failed_delivery_retry"), {"delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.state == State.SENT


def test_an_administrator_of_another_municipality_sees_and_retries_nothing(
    client, settings, svarut_server, krr_server, owner, decided
):
    settings.IPPLAN_LETTER_DELIVERY_MAX_ATTEMPTS = 1
    in_krr(krr_server, owner)
    svarut_server.server.route("POST", svarut_server.send_path, Response(500, {}))
    decided()
    delivery = LetterDelivery.objects.get()
    assert delivery.state == State.FAILED
    other = staff("administrator", MunicipalityFactory(name="Annenby", slug="annenby"))
    client.force_login(other)
    assert (
        owner.display_name not in client.get(reverse("casework:failed_deliveries")).content.decode()
    )
    response = client.post(reverse("casework:failed_delivery_retry"), {"delivery": delivery.pk})
    assert response.status_code == 404
    assert LetterDelivery.objects.get().state == State.FAILED


def test_a_lost_answer_is_not_sent_twice(svarut_server, krr_server, owner, decided):
    """SvarUt took the letter but the answer came too late: the retry finds it by our
    reference (eksternReferanse) instead of sending a second letter."""
    in_krr(krr_server, owner)
    accept = svarut_server._send

    def slow(request):
        accept(request)
        return Response(200, {"id": "late"}, delay=3)

    svarut_server.server.route("POST", svarut_server.send_path, slow)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.state, len(svarut_server.sent)) == (State.PENDING, 1)
    LetterDelivery.objects.update(next_attempt_at=timezone.now())
    svarut_server.server.route("POST", svarut_server.send_path, accept)
    deliveries.deliveries_send_due()
    delivery.refresh_from_db()
    assert delivery.state == State.SENT
    assert len(svarut_server.sent) == 1 and delivery.external_id in svarut_server.sent


def test_delivery_states_come_from_the_service_and_show_on_the_case(
    client, svarut_server, krr_server, owner, decided, case_handler
):
    in_krr(krr_server, owner)
    letter = decided()
    delivery = LetterDelivery.objects.get(letter=letter)
    svarut_server.states[delivery.external_id] = "LEVERT_SDP"
    assert deliveries.delivery_states_poll() == 1
    assert LetterDelivery.objects.get(pk=delivery.pk).state == State.DELIVERED
    svarut_server.states[delivery.external_id] = "LEST"
    deliveries.delivery_states_poll()
    assert LetterDelivery.objects.get(pk=delivery.pk).state == State.READ
    svarut_server.states[delivery.external_id] = "LEVERT_SDP"  # never backwards
    assert deliveries.delivery_states_poll() == 0
    client.force_login(case_handler)
    page = client.get(reverse("casework:case", args=[letter.case_id])).content.decode()
    assert "Lest" in page


def test_a_letter_the_service_could_not_deliver_goes_to_the_print_queue(
    svarut_server, krr_server, owner, decided
):
    in_krr(krr_server, owner)
    delivery = LetterDelivery.objects.get(letter=decided())
    svarut_server.states[delivery.external_id] = "IKKE_LEVERT"
    deliveries.delivery_states_poll()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.print_reason) == (State.PRINT, Reason.REFUSED)


def test_without_digital_post_only_people_reserved_in_krr_get_a_paper_marking(
    krr_server, owner, decided
):
    in_krr(krr_server, owner)
    registry_refresh([owner])
    assert LetterDelivery.objects.filter(letter=decided()).count() == 0
    in_krr(krr_server, owner, reserved=True)
    registry_refresh([owner])
    delivery = LetterDelivery.objects.get(letter=decided())
    assert (delivery.state, delivery.print_reason) == (State.PRINT, Reason.RESERVED)


def test_the_queue_lists_letters_to_print_in_a_fixed_number_of_queries(
    client, krr_server, municipality, case_handler, rule, django_assert_max_num_queries
):
    people = []
    for n in range(6):
        person = with_national_id(UserFactory(), datetime.date(1970 + n, 1, 2))
        in_krr(krr_server, person, reserved=True)
        people.append(person)
    registry_refresh(people)
    for person in people:
        decide(apply(person, municipality), case_handler, rule)
    assert LetterDelivery.objects.filter(state=State.PRINT).count() == 6
    client.force_login(case_handler)
    with django_assert_max_num_queries(QUEUE_BUDGET):
        page = client.get(reverse("casework:case_queue")).content.decode()
    assert all(p.display_name in page for p in people)
