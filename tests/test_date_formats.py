"""One date format per language everywhere (issue 16, section 4): ipplan/formats/<lang>/
formats.py names them, templates ask for them by name. Bokmål: 01.03.2027 and 1. mars 2027;
English: 01/03/2027 and 1 March 2027, never "Monday 29. November"."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from coordination.services.meetings import meeting_create

pytestmark = pytest.mark.django_db

LONG = {"nb": "1. mars 2027", "en": "1 March 2027"}
SHORT = {"nb": "01.03.2027", "en": "01/03/2027"}


def page(client, user, url, language) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_same_date_reads_the_same_on_two_pages(client, plan, coordinator, language):
    assert plan.next_evaluation == datetime.date(2027, 3, 1)
    detail = page(client, coordinator, reverse("plans:detail", args=[plan.pk]), language)
    home = page(client, coordinator, reverse("home"), language)
    assert LONG[language] in detail and LONG[language] in home
    listing = page(client, coordinator, reverse("plans:coordinator_list"), language)
    assert SHORT[language] in listing and "1.3.2027" not in listing


def test_a_meeting_day_reads_naturally_in_english(client, plan, coordinator):
    starts = timezone.make_aware(datetime.datetime(2027, 11, 29, 12, 0))
    meeting = meeting_create(
        plan=plan,
        title="Samarbeidsmøte",
        starts_at=starts,
        duration_minutes=60,
        place="Rådhuset",
        video_link="",
        agenda=["Status"],
        invitee_ids=[plan.owner_id],
        acting_user=coordinator,
    )
    url = reverse("coordination:meeting", args=[plan.pk, meeting.pk])
    en = page(client, coordinator, url, "en")
    # In local time (Oslo), as every other date: 12:00 local, not 11:00 UTC.
    assert "Monday 29 November 2027, 12:00" in en and "29. November" not in en
    assert "mandag 29. november 2027, 12:00" in page(client, coordinator, url, "nb")


def test_statistics_show_one_decimal_per_language_and_the_csv_a_dot(client, case_handler, owner):
    today = timezone.localdate()
    start = today.replace(day=1)
    for n, days in enumerate((10, 20)):
        Case.objects.create(
            municipality=case_handler.memberships.first().municipality,
            number=f"S/9{n:05d}",
            person=owner,
            kind="application",
            status="decided",
            received_on=start,
            decided_on=start + datetime.timedelta(days=days),
            wants_plan=True,
            needs="x",
        )
    url = reverse("casework:statistics")
    nb = page(client, case_handler, url, "nb")
    assert "<td>15,0</td>" in nb and "<td>20,0</td>" in nb
    assert '<text class="chart-value"' in nb and ">15,0</text>" in nb  # the chart as the table
    en = page(client, case_handler, url, "en")
    assert "<td>15.0</td>" in en and "<td>20.0</td>" in en and ">15.0</text>" in en
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("casework:statistics_csv")).content.decode()),
            delimiter=";",
        )
    )
    assert rows[-1][3:5] == ["15.0", "20.0"]
