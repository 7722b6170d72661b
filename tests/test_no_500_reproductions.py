"""The inputs that gave a 500 (issue 9, point 9) now give a page or a clear refusal, and change
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.models import Case
from casework.services.cases import NOT_A_HANDLER
from coordination.models import Meeting
from ipplan.forms import id_or_none
from tests.casework.conftest import apply

HUGE = "9" * 30


@pytest.mark.parametrize("param", ["goal", "measure"])
def test_it_shows_the_notes_page_for_a_30_digit_filter(client, coordinator, plan, param):
    client.force_login(coordinator)
    for value in (HUGE, "²", "-1", "0", "1e3", "١٢"):
        response = client.get(reverse("plans:notes", args=[plan.pk]), {param: value})
        assert response.status_code == 200, value
        create = client.get(reverse("plans:note_create", args=[plan.pk]), {param: value})
        assert create.status_code == 200, value


def test_it_refuses_assigning_a_case_to_a_user_id_that_is_not_a_number(
    client, case_handler, owner, municipality
):
    case = apply(owner, municipality)
    client.force_login(case_handler)
    for value in ("abc", HUGE, "-3", "\x00"):
        response = client.post(
            reverse("casework:case_assign", args=[case.pk]), {"to_user": value}, follow=True
        )
        assert response.status_code == 200, value
        assert str(NOT_A_HANDLER) in response.content.decode()
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_it_refuses_a_meeting_at_the_end_of_time(client, coordinator, owner, plan):
    client.force_login(coordinator)
    for day in ("9999-12-31", "0001-01-01"):
        response = client.post(
            reverse("coordination:meeting_create", args=[plan.pk]),
            {
                "title": "Møte",
                "date": day,
                "time": "23:59",
                "duration_minutes": "180",
                "invitees": [owner.pk],
            },
        )
        assert response.status_code == 400, day
        assert "fem år fram i tid" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_id_is_a_plain_positive_number_a_column_can_hold():
    assert [id_or_none(v) for v in ("12", "0", "-1", "²", "abc", "", None, HUGE)] == [
        12,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert id_or_none(str(2**63 - 1)) == 2**63 - 1 and id_or_none(str(2**63)) is None


def test_it_shows_the_access_log_for_any_page_cursor(client, owner, plan):
    client.force_login(owner)
    for value in ("²_1", "1_²", f"1_{HUGE}", f"{HUGE}_1", "_", "1_-1", "١_١"):
        response = client.get(reverse("consent:log", args=[plan.pk]), {"etter": value})
        assert response.status_code == 200, value


def test_unicode_digits_are_refused_as_identity_and_organisation_numbers():
    from django.core.exceptions import ValidationError

    from accounts import national_id
    from accounts.validators import validate_organisation_number

    for raw in ("1234567890²", "١٢٣٤٥٦٧٨٩٠١"):
        with pytest.raises(ValidationError):
            national_id.parse(raw)
    with pytest.raises(ValidationError):
        validate_organisation_number("12345678²")


def test_it_refuses_a_note_about_a_subject_id_in_other_digits(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:note_create", args=[plan.pk]),
        {"subject": "goal:²", "text": "Notat", "noted_on": "2026-01-01"},
    )
    assert response.status_code == 400
