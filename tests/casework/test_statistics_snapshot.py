"""The statistics page shows a snapshot of the figures: worked out at most once every
SNAPSHOT_SECONDS for each set of municipalities, language and day, and it says when. The CSV is
always worked out afresh. (Issue 14: a year of cases is read in one query, but its cost grows
with the cases.)"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from casework import statistics
from casework.models import Case
from complaints.models import Complaint
from tests.casework.test_access_and_statistics import _case
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"statistics-snapshot-{uuid.uuid4().hex}",
        }
    }


def _received(municipality, day, count=1):
    person = UserFactory()
    Case.objects.bulk_create([_case(municipality, person, day) for _ in range(count)])


def _november(snapshot) -> int:
    return next(m.received for m in snapshot.months if m.start == datetime.date(2026, 11, 1))


def test_the_snapshot_is_kept_for_its_time_and_then_worked_out_again(municipality):
    today = datetime.date(2026, 11, 24)
    with time_machine.travel(NOW, tick=False) as traveller:
        _received(municipality, datetime.date(2026, 11, 2), 2)
        first = statistics.page_snapshot(municipality_ids=[municipality.pk], today=today)
        assert _november(first) == 2 and first.computed_at == NOW
        _received(municipality, datetime.date(2026, 11, 3))
        traveller.shift(statistics.SNAPSHOT_SECONDS - 1)
        kept = statistics.page_snapshot(municipality_ids=[municipality.pk], today=today)
        assert _november(kept) == 2 and kept.computed_at == NOW
        traveller.shift(2)
        fresh = statistics.page_snapshot(municipality_ids=[municipality.pk], today=today)
        assert _november(fresh) == 3 and fresh.computed_at > NOW


def test_a_new_day_gets_a_new_snapshot(municipality):
    with time_machine.travel(NOW, tick=False):
        statistics.page_snapshot(municipality_ids=[municipality.pk], today=NOW.date())
        _received(municipality, datetime.date(2026, 11, 3))
        tomorrow = NOW.date() + datetime.timedelta(days=1)
        snapshot = statistics.page_snapshot(municipality_ids=[municipality.pk], today=tomorrow)
    assert _november(snapshot) == 1


def test_each_municipality_sees_only_its_own_snapshot(
    client, case_handler, municipality, other_municipality
):
    _received(municipality, timezone.localdate(), 7)
    _received(other_municipality, timezone.localdate(), 2)
    elsewhere = staff("case_handler", other_municipality, username="bakkeby-saksbehandler")
    ours = statistics.page_snapshot(municipality_ids=[municipality.pk])
    theirs = statistics.page_snapshot(municipality_ids=[other_municipality.pk])
    both = statistics.page_snapshot(municipality_ids=[other_municipality.pk, municipality.pk])
    received = [sum(m.received for m in s.months) for s in (ours, theirs, both)]
    assert received == [7, 2, 9]
    client.force_login(elsewhere)
    page = client.get(reverse("casework:statistics")).context
    assert [row[1] for row in page["table"]][-1] == 2


def test_the_page_says_when_its_figures_were_worked_out(client, case_handler, municipality):
    client.force_login(case_handler)
    # Yesterday morning: always in the past (a moment later than now, in the small hours, is
    # past the session's idle timeout and the page would send the reader to log in).
    yesterday = timezone.now() - datetime.timedelta(days=1)
    moment = yesterday.replace(hour=8, minute=5, second=0, microsecond=0)
    with time_machine.travel(moment, tick=False) as traveller:
        response = client.get(reverse("casework:statistics"))
        traveller.shift(60)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get(reverse("casework:statistics")).content.decode()
    shown = timezone.localtime(moment).strftime("%H:%M")
    text = response.content.decode()
    minutes = statistics.SNAPSHOT_SECONDS // 60
    assert f"Tallene ble regnet ut kl. {shown}" in text
    assert f"mer enn {minutes} minutter gamle" in text
    # English has a snapshot of its own, worked out a minute later.
    later = timezone.localtime(moment + datetime.timedelta(minutes=1)).strftime("%H:%M")
    assert f"The figures were worked out at {later}" in english
    assert f"more than {minutes} minutes old" in english


def _this_months_received(html: str) -> str:
    """The monthly table's last row (this month): its count of cases received."""
    return re.findall(r'<th scope="row">[^<]*</th>\s*<td>([^<]*)</td>', html)[-1]


def test_the_csv_is_always_worked_out_afresh(client, case_handler, municipality):
    client.force_login(case_handler)
    client.get(reverse("casework:statistics"))
    _received(municipality, timezone.localdate(), 4)
    page = client.get(reverse("casework:statistics")).content.decode()
    assert _this_months_received(page) == "0"  # the snapshot, until it is SNAPSHOT_SECONDS old
    rows = client.get(reverse("casework:statistics_csv")).content.decode().splitlines()
    assert rows[-1].split(";")[1] == "4"


def test_each_language_has_its_own_snapshot(municipality, owner):
    """The complaints' part holds labels translated when it was worked out: a snapshot is
    never shown in the language of whoever happened to work it out first."""
    (case,) = Case.objects.bulk_create([_case(municipality, owner, timezone.localdate())])
    Complaint.objects.create(
        case=case, ground="refused", received_on=timezone.localdate(), sf_outcome="upheld"
    )

    def outcome(language):
        with translation.override(language):
            parts = statistics.page_snapshot(municipality_ids=[municipality.pk]).parts
            ((_ground, ((label, count),)),) = parts["complaint_rows"]
            return str(label), count

    assert outcome("nb") == ("Statsforvalteren: Vedtaket er stadfestet", 1)
    assert outcome("en")[0].startswith("County Governor: ")
    assert outcome("nb")[0].startswith("Statsforvalteren: ")


def test_a_snapshot_that_cannot_be_read_is_worked_out_again(municipality, caplog):
    """What an older release stored (the cache pickles it) never fails the page."""
    from django.core.cache import cache

    _received(municipality, timezone.localdate(), 3)
    today = timezone.localdate()
    with translation.override("nb"):
        key = cache.make_key(statistics._snapshot_key([municipality.pk], today))
        cache._cache[key] = b"not a pickle"
        cache._expire_info[key] = None
        snapshot = statistics.page_snapshot(municipality_ids=[municipality.pk], today=today)
    assert sum(m.received for m in snapshot.months) == 3
    assert "statistics snapshot unreadable" in caplog.text


def test_the_pages_body_is_made_once_per_snapshot_and_language(client, case_handler, municipality):
    """The body (charts, tables, figures) is made with the snapshot and kept with it: later
    views render only the page frame around it, in the reader's language."""
    _received(municipality, timezone.localdate(), 3)
    client.force_login(case_handler)
    url = reverse("casework:statistics")
    first = client.get(url)
    assert "casework/statistics_body.html" in [t.name for t in first.templates]
    again = client.get(url)
    assert "casework/statistics_body.html" not in [t.name for t in again.templates]
    body = first.content.decode().split("<main", 1)[1]
    assert again.content.decode().split("<main", 1)[1] == body
    assert _this_months_received(body) == "3" and "Søknader og vedtak per måned" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert "casework/statistics_body.html" in [t.name for t in english.templates]
    assert "Applications and decisions per month" in english.content.decode()
