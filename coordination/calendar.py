"""Calendar files (iCalendar, RFC 5545) for meeting invitations.

The same UID for every version of a meeting, a higher SEQUENCE for each change, METHOD:CANCEL
when it is cancelled. The file travels by e-mail, so it carries the time and a link only: no
title, place or agenda (they could reveal which services a person receives).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

REQUEST, CANCEL = "REQUEST", "CANCEL"


def meeting_url(meeting) -> str:
    path = reverse("coordination:meeting", args=[meeting.plan_id, meeting.pk])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def meeting_ics(meeting, *, method: str = REQUEST) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//ipplan//individuell plan//NB")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"meeting-{meeting.uid}@ipplan")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", _("Samarbeidsmøte (ipplan)"))
    event.add("description", _("Se møtet i ipplan: %s") % meeting_url(meeting))
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText("ipplan")
    event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical().decode()
