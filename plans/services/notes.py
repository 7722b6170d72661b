"""Progress notes: dated, on a goal or a measure, append-only. The author may correct a note
within NOTE_EDIT_WINDOW; after that, and for everyone else, it is fixed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.models import Goal, Measure, Plan, ProgressNote
from plans.sections import Action, Section
from plans.services.common import access_for, record_change

NOTE_NEEDS_ONE_SUBJECT = _("Velg enten et mål eller et tiltak notatet gjelder.")
SUBJECT_ELSEWHERE = _("Målet eller tiltaket hører til en annen plan.")
NOT_EDITABLE = _(
    "Notatet kan bare rettes av den som skrev det, og bare rett etter at det ble skrevet."
)
NOTE_IN_FUTURE = _("Datoen kan ikke være fram i tid.")


def note_edit_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.IPPLAN_NOTE_EDIT_MINUTES)


def note_is_editable_by(note: ProgressNote, user, *, now=None) -> bool:
    now = now or timezone.now()
    return note.author_id == user.pk and now - note.created_at <= note_edit_window()


def _check_subject(plan: Plan, goal: Goal | None, measure: Measure | None) -> None:
    if not plan.kind_info.applies(Section.GOALS):
        # A record without goals and measures: its notes are about the person's follow-up.
        if goal is not None or measure is not None:
            raise ValidationError(SUBJECT_ELSEWHERE)
        return
    if (goal is None) == (measure is None):
        raise ValidationError(NOTE_NEEDS_ONE_SUBJECT)
    subject = goal or measure
    if subject.plan_id != plan.pk:
        raise ValidationError(SUBJECT_ELSEWHERE)


def _check_date(noted_on: datetime.date) -> None:
    if noted_on > timezone.localdate():
        raise ValidationError({"noted_on": NOTE_IN_FUTURE})


@transaction.atomic
def note_create(
    *,
    plan: Plan,
    text: str,
    noted_on: datetime.date,
    goal: Goal | None = None,
    measure: Measure | None = None,
    acting_user,
) -> ProgressNote:
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.NOTES))
    _check_subject(plan, goal, measure)
    _check_date(noted_on)
    note = ProgressNote(
        plan=plan, goal=goal, measure=measure, author=acting_user, noted_on=noted_on, text=text
    )
    note.full_clean()
    note.save()
    if goal is None and measure is None:
        record_change(access, note, gettext_noop("Nytt notat"), action=Action.CREATE)
        return note
    subject = goal.title if goal else measure.title
    record_change(
        access,
        note,
        gettext_noop("Nytt notat om «%(subject)s»"),
        params={"subject": subject},
        action=Action.CREATE,
        mentions=[Section.GOALS if goal else Section.MEASURES],
    )
    return note


@transaction.atomic
def note_correct(
    *, note: ProgressNote, text: str, noted_on: datetime.date, acting_user
) -> ProgressNote:
    access = access_for(acting_user, note.plan, lambda a: a.can_write(Section.NOTES))
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if not note_is_editable_by(note, acting_user):
        raise PermissionDenied(NOT_EDITABLE)
    _check_date(noted_on)
    note.text, note.noted_on, note.edited_at = text, noted_on, timezone.now()
    note.full_clean()
    note.save(update_fields=["text", "noted_on", "edited_at"])
    record_change(
        access,
        note,
        gettext_noop("Rettet et notat"),
        action=Action.UPDATE,
        fields=["text", "noted_on"],
    )
    return note
