"""Barnekoordinator for a child the parents expect: the parent's application with a due date
and no identity number, the barnekoordinator test, the letter to the parents, the family's
workspace at the appointment, and linking the record to the child after the birth."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import national_id
from accounts.models import Representation, User
from casework.models import Case, CaseAccessLogEntry
from casework.services.cases import assessment_save, decision_appoint
from casework.services.expected import (
    BIRTH_DATE_FAR_FROM_DUE_DATE,
    DUE_DATE_RANGE,
    expected_child_apply,
    expected_child_link,
)
from casework.services.letters import letter_addressees, letter_open
from complaints.models import Complaint
from complaints.services import complaint_file
from plans.models import Family, FamilyLogEntry, FamilyTask
from plans.services.family import family_create
from tests.casework.conftest import complaint_act, decide, pdf_text
from tests.factories import UserFactory, synthetic_national_id, with_national_id

BasisKind = Representation.BasisKind


def d_number(birth_date: datetime.date) -> str:
    """A valid D-nummer (the day plus 40) for the date."""
    for individual in range(500, 999):
        base = f"{birth_date.day + 40:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
        base += f"{individual:03d}"
        k1 = national_id.control_digit(base, national_id.WEIGHTS_K1)
        k2 = (
            None
            if k1 is None
            else national_id.control_digit(base + str(k1), national_id.WEIGHTS_K2)
        )
        if k1 is not None and k2 is not None:
            return f"{base}{k1}{k2}"
    raise AssertionError("no D-nummer")


@pytest.fixture
def mother(municipality):
    """Nora, expecting a child with a serious heart defect found at the ultrasound."""
    user = UserFactory(
        username="nora", first_name="Nora", last_name="Lund", home_municipality=municipality
    )
    return with_national_id(user, datetime.date(1993, 5, 2))


@pytest.fixture
def due_date():
    return timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def expected(mother, municipality, due_date):
    return expected_child_apply(
        parent=mother,
        municipality=municipality,
        expected_on=due_date,
        child_first_name="",
        other_parent_first_name="Ola",
        other_parent_last_name="Lund",
        needs="Hjertefeil oppdaget på ultralyd; operasjon rett etter fødselen.",
        current_services="Jordmor, St. Olavs hospital",
        consent_to_contact=True,
        acting_user=mother,
    )


def test_it_makes_a_case_for_the_expected_child_without_an_identity_number(
    expected, mother, due_date
):
    child = expected.person
    assert not child.has_national_id and child.birth_date == due_date
    assert not child.has_usable_password()
    assert expected.expected_on == due_date and expected.is_expected_child
    assert (expected.wants_child_coordinator, expected.wants_plan) == (True, False)
    rep = Representation.objects.get(person=child)
    assert (rep.representative, rep.basis_kind) == (mother, BasisKind.EXPECTED_CHILD)
    assert rep.other_parent_name == "Ola Lund"


def test_the_other_parent_with_an_identity_number_becomes_a_party(
    mother, municipality, due_date, client
):
    number = synthetic_national_id(datetime.date(1990, 1, 9))
    case = expected_child_apply(
        parent=mother,
        municipality=municipality,
        expected_on=due_date,
        other_parent_first_name="Ola",
        other_parent_last_name="Lund",
        other_parent_national_id=number,
        needs="Hjertefeil.",
        acting_user=mother,
    )
    ola = User.objects.get(first_name="Ola")
    assert set(
        Representation.objects.filter(person=case.person).values_list("representative", flat=True)
    ) == {mother.pk, ola.pk}
    client.force_login(ola)
    assert client.get(reverse("casework:my_case", args=[case.pk])).status_code == 200


def test_a_due_date_in_the_past_is_refused_and_nothing_is_made(mother, municipality):
    users = User.objects.count()
    with pytest.raises(ValidationError) as error:
        expected_child_apply(
            parent=mother,
            municipality=municipality,
            expected_on=timezone.localdate() - datetime.timedelta(days=1),
            needs="x",
            acting_user=mother,
        )
    assert error.value.message_dict["expected_on"] == [str(DUE_DATE_RANGE)]
    assert (Case.objects.count(), User.objects.count()) == (0, users)


def test_the_parent_applies_through_the_form_and_sees_the_case(client, mother, municipality):
    client.force_login(mother)
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    page = client.get(reverse("casework:apply_expected"))
    assert page.status_code == 200
    response = client.post(
        reverse("casework:apply_expected"),
        {"municipality": municipality.pk, "expected_on": due, "needs": "Hjertefeil."},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.expected_on.isoformat() == due
    assert client.get(reverse("casework:my_case", args=[case.pk])).status_code == 200


def test_bad_input_on_the_form_changes_nothing(client, mother, municipality):
    client.force_login(mother)
    response = client.post(
        reverse("casework:apply_expected"),
        {
            "municipality": municipality.pk,
            "expected_on": "31.02.2027",
            "needs": "x",
            "other_parent_national_id": "12345678901",
        },
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_the_assessment_asks_the_barnekoordinator_test_not_the_plan_test(
    client, expected, case_handler
):
    client.force_login(case_handler)
    page = client.get(reverse("casework:assessment", args=[expected.pk])).content.decode()
    assert 'name="serious_condition"' in page and 'name="health_and_welfare"' in page
    assert 'name="two_or_more_services"' not in page and 'name="seen_together"' not in page
    assert_checked = client.get(reverse("casework:assessment", args=[expected.pk]))
    assert assert_checked.context["form"].initial["child_under_18"] is True
    assessment_save(
        case=expected,
        acting_user=case_handler,
        child_under_18=True,
        serious_condition=True,
        long_term=True,
        health_and_welfare=True,
        parents_want_it=True,
    )
    case_page = client.get(reverse("casework:case", args=[expected.pk])).content.decode()
    assert "Vilkårene for barnekoordinator er oppfylt." in case_page


def test_the_decision_letter_is_addressed_to_the_expecting_parents(
    expected, case_handler, rule, mother, due_date
):
    decision = decide(expected, case_handler, rule, child="granted")
    addressees = letter_addressees(expected)
    assert addressees["names"] == [mother.display_name]
    assert "venter barn med termin" in addressees["capacity"]
    with letter_open(decision.letter) as handle:
        text = pdf_text(handle.read())
    assert "ventet barn, termin" in text and "født" not in text.split("Gjelder:")[1][:60]
    assert "Familien får barnekoordinator." in text
    assert decision.letter.title == "Vedtak om barnekoordinator"


def test_the_appointment_makes_the_family_workspace(
    expected, case_handler, rule, coordinator, trained, due_date
):
    decision = decide(expected, case_handler, rule, child="granted")
    decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=False,
        acting_user=case_handler,
    )
    family = Family.objects.get()
    assert (decision.family, family.child, family.coordinator) == (
        family,
        expected.person,
        coordinator,
    )
    assert family.expected_on == due_date and family.is_expected
    assert sorted(family.tasks.values_list("kind", flat=True)) == sorted(FamilyTask.Kind.values)


def test_the_case_handler_links_the_child_after_birth_with_a_d_number(
    client, expected, case_handler, rule, coordinator, trained, due_date, mother
):
    decision = decide(expected, case_handler, rule, child="granted")
    decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=False,
        acting_user=case_handler,
    )
    born = min(due_date - datetime.timedelta(days=3), timezone.localdate())
    number = d_number(born)
    client.force_login(case_handler)
    url = reverse("casework:expected_link", args=[expected.person_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "national_id": number,
            "first_name": "Lille",
            "last_name": "Lund",
            "document_reference": "Folkeregisteret 2026-12-01",
        },
    )
    assert response.status_code == 302
    child = User.objects.get(pk=expected.person_id)
    assert child.get_national_id() == number and child.birth_date == born
    assert child.first_name == "Lille"
    expected.refresh_from_db()
    assert not expected.is_expected_child and expected.needs.startswith("Hjertefeil")
    assert expected.letters.count() == 1 and expected.letters.get().recipient == child
    rep = Representation.objects.get(person=child, representative=mother)
    assert rep.basis_kind == BasisKind.POPULATION_REGISTER
    assert CaseAccessLogEntry.objects.filter(
        case=expected, what="Barnet er født og koblet til fødselsnummeret"
    ).exists()
    assert FamilyLogEntry.objects.filter(
        family__child=child, what="Barnet er født og koblet til fødselsnummeret"
    ).exists()
    # Linked once: the page is gone.
    assert client.get(url).status_code == 404


def test_a_bad_identity_number_is_refused_and_nothing_changes(client, expected, case_handler):
    client.force_login(case_handler)
    url = reverse("casework:expected_link", args=[expected.person_id])
    data = {"first_name": "A", "last_name": "B", "document_reference": "FREG"}
    bad_control = client.post(url, {**data, "national_id": "01010112345"})
    far_away = client.post(
        url, {**data, "national_id": synthetic_national_id(datetime.date(2015, 3, 3))}
    )
    assert (bad_control.status_code, far_away.status_code) == (400, 400)
    assert str(BIRTH_DATE_FAR_FROM_DUE_DATE) in far_away.content.decode()
    assert not User.objects.get(pk=expected.person_id).has_national_id


def test_linking_to_a_child_who_already_has_a_record_moves_everything(
    expected, case_handler, rule, coordinator, trained, due_date, mother, municipality
):
    decision = decide(expected, case_handler, rule, child="granted")
    decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=False,
        acting_user=case_handler,
    )
    born = min(due_date, timezone.localdate())
    registered = with_national_id(
        UserFactory(first_name="Lille", last_name="Lund", home_municipality=municipality), born
    )
    target = expected_child_link(
        child=expected.person,
        national_id_value=registered.get_national_id(),
        first_name="Lille",
        last_name="Lund",
        document_reference="FREG",
        acting_user=coordinator,
    )
    assert target == registered
    expected.refresh_from_db()
    assert expected.person == registered
    assert Family.objects.get().child == registered
    assert expected.letters.get().recipient == registered
    assert Representation.objects.get(representative=mother, ended_at__isnull=True).person == (
        registered
    )
    placeholder = User.objects.get(username__startswith="ventet-")
    assert not placeholder.is_active


@pytest.mark.parametrize("who", ["administrator", "other_coordinator", "stranger", "mother"])
def test_nobody_else_may_link_the_child(client, expected, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("casework:expected_link", args=[expected.person_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"national_id": "x"}).status_code == 404


def test_a_coordinator_who_is_not_the_familys_may_not_link(
    client, expected, municipality, coordinator
):
    client.force_login(coordinator)
    url = reverse("casework:expected_link", args=[expected.person_id])
    assert client.get(url).status_code == 404


def test_queue_case_and_complaint_pages_work_for_an_expected_child(
    client, expected, case_handler, rule, mother
):
    decision = decide(expected, case_handler, rule, child="refused")
    complaint = complaint_file(
        case=expected,
        decision=decision,
        ground=Complaint.Ground.REFUSED,
        text="Vi mener vilkårene er oppfylt.",
        acting_user=mother,
    )
    assert complaint.is_late is False
    complaint_act("start_review", complaint, case_handler, rule)
    complaint_act("forward", complaint, case_handler, rule)
    client.force_login(case_handler)
    for url in (
        reverse("casework:case_queue"),
        reverse("casework:case", args=[expected.pk]),
        reverse("complaints:detail", args=[complaint.pk]),
    ):
        assert client.get(url).status_code == 200, url
    case_file = client.get(reverse("complaints:case_file", args=[complaint.pk]))
    text = pdf_text(b"".join(case_file.streaming_content))
    assert "ventet barn, termin" in text
    client.force_login(mother)
    assert client.get(reverse("casework:my_case", args=[expected.pk])).status_code == 200
    assert client.get(reverse("casework:my_cases")).status_code == 200


def test_opening_the_link_page_is_logged_once_for_the_parents(client, expected, case_handler):
    client.force_login(case_handler)
    before = CaseAccessLogEntry.objects.filter(case=expected, action="read").count()
    client.get(reverse("casework:expected_link", args=[expected.person_id]))
    reads = CaseAccessLogEntry.objects.filter(case=expected, action="read")
    assert reads.count() == before + 1 and reads.first().actor == case_handler


def test_two_family_pages_for_one_child_are_refused_not_merged(
    expected, case_handler, rule, coordinator, trained, due_date, municipality
):
    decision = decide(expected, case_handler, rule, child="granted")
    decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=False,
        acting_user=case_handler,
    )
    registered = with_national_id(
        UserFactory(first_name="Lille", last_name="Lund", home_municipality=municipality),
        min(due_date, timezone.localdate()),
    )
    family_create(
        child=registered,
        municipality=municipality,
        coordinator=coordinator,
        expected_on=None,
        plan=None,
        acting_user=case_handler,
    )
    with pytest.raises(ValidationError) as error:
        expected_child_link(
            child=expected.person,
            national_id_value=registered.get_national_id(),
            first_name="Lille",
            last_name="Lund",
            document_reference="FREG",
            acting_user=case_handler,
        )
    assert error.value.code == "two_families"
    expected.refresh_from_db()
    assert expected.person.username.startswith("ventet-")


def test_the_queue_says_the_child_is_expected_and_when(client, case_handler, expected, due_date):
    client.force_login(case_handler)
    url = reverse("casework:case_queue")
    text = client.get(url).content.decode()
    row = text.split(expected.number, 1)[1].split("</tr>", 1)[0]
    assert f"(ventet barn, termin {due_date.day}." in row
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode().split(expected.number, 1)[1].split("</tr>", 1)[0]
    assert "(expected child, due " in english
