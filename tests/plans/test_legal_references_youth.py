"""The legal references added for the 18-year step (barnevernsloven § 3-6, aftercare) and the
correction of the barnekoordinator's tasks to helse- og omsorgstjenesteloven § 7-2 a: each is
data with its source, and a correction closes the old row so that what was written before keeps
what was in force then."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from plans.law import MissingLegalReference, legal_reference
from plans.models import LegalReference
from plans.services.family import family_create

pytestmark = pytest.mark.django_db

CORRECTED = datetime.date(2026, 12, 1)


def test_aftercare_is_the_child_welfare_act_of_2021_from_2023():
    ref = legal_reference("aftercare")
    assert ref.citation == "barnevernsloven § 3-6"
    assert ref.valid_from == datetime.date(2023, 1, 1) and ref.valid_to is None
    assert "25 år" in ref.text and "samtykker" in ref.text
    assert ref.source_url.startswith("https://")
    with pytest.raises(MissingLegalReference):
        legal_reference("aftercare", on=datetime.date(2022, 12, 31))


def test_the_barnekoordinators_tasks_cite_the_health_and_care_act_from_the_correction():
    ref = legal_reference("child_coordinator_tasks", on=CORRECTED)
    assert ref.citation == "helse- og omsorgstjenesteloven § 7-2 a"
    assert "regjeringen.no" in ref.source_url and "prop.-100-l" in ref.source_url


def test_the_old_row_is_closed_not_changed():
    rows = list(LegalReference.objects.filter(code="child_coordinator_tasks"))
    assert len(rows) == 2
    old = legal_reference("child_coordinator_tasks", on=CORRECTED - datetime.timedelta(days=1))
    assert old.valid_to == CORRECTED - datetime.timedelta(days=1)
    assert old.citation == "forskrift om habilitering og rehabilitering og koordinator"


def test_the_family_workspace_cites_the_corrected_row(
    client, child, guardian, coordinator, municipality
):
    family = family_create(
        child=child,
        municipality=municipality,
        coordinator=coordinator,
        expected_on=None,
        plan=None,
        acting_user=coordinator,
    )
    client.force_login(guardian)
    page = client.get(reverse("coordination:family", args=[family.pk])).content.decode()
    assert "helse- og omsorgstjenesteloven § 7-2 a" in page
    assert "forskrift om habilitering og rehabilitering og koordinator" not in page
