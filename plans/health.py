"""Plan health: are the nine required items a-i of forskrift om individuell plan § 5 present?

The same facts drive the panel on a plan's page (counted from what the page already loaded)
and the summary in the coordinator's list (counted by the database in one query).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class HealthFacts:
    has_coordinator: bool
    has_period: bool
    has_evaluation_date: bool
    evaluation_overdue: bool
    has_about_me: bool
    goal_count: int
    participant_count: int
    participants_without_contribution: int
    measure_count: int
    open_measures_missing_responsible: int
    open_measures_missing_deadline: int
    open_measures_missing_how: int
    overdue_measures: int
    cooperation_count: int
    consent_recorded: bool


@dataclass(frozen=True)
class HealthItem:
    key: str
    label: str
    ok: bool
    problems: list[str] = field(default_factory=list)


def _count(n: int, singular: str, plural: str) -> str:
    return ngettext(singular, plural, n) % {"n": n}


def plan_health(facts: HealthFacts) -> list[HealthItem]:
    f = facts
    items = []

    def item(key, label, problems):
        items.append(HealthItem(key=key, label=str(label), ok=not problems, problems=problems))

    item(
        "a",
        _("Mål, ressurser og behov"),
        [
            str(p)
            for cond, p in [
                (f.goal_count == 0, _("Ingen mål er skrevet ennå.")),
                (
                    not f.has_about_me,
                    _("«Om meg» (det som er viktig, ressurser og behov) er tomt."),
                ),
            ]
            if cond
        ],
    )
    item(
        "b",
        _("Hvem som deltar"),
        [] if f.participant_count else [str(_("Ingen deltakere er lagt til."))],
    )
    item("c", _("Koordinator"), [] if f.has_coordinator else [str(_("Ingen koordinator."))])
    item(
        "d",
        _("Hva hver enkelt bidrar med"),
        [
            p
            for cond, p in [
                (f.participant_count == 0, str(_("Ingen deltakere å beskrive bidrag for."))),
                (
                    f.participants_without_contribution > 0,
                    _count(
                        f.participants_without_contribution,
                        "%(n)d deltaker mangler beskrivelse av bidraget sitt.",
                        "%(n)d deltakere mangler beskrivelse av bidraget sitt.",
                    ),
                ),
            ]
            if cond
        ],
    )
    item(
        "e",
        _("Tiltak, omfang og ansvar"),
        [
            p
            for cond, p in [
                (f.measure_count == 0, str(_("Ingen tiltak er lagt inn."))),
                (
                    f.open_measures_missing_responsible > 0,
                    _count(
                        f.open_measures_missing_responsible,
                        "%(n)d tiltak mangler ansvarlig.",
                        "%(n)d tiltak mangler ansvarlig.",
                    ),
                ),
                (
                    f.open_measures_missing_deadline > 0,
                    _count(
                        f.open_measures_missing_deadline,
                        "%(n)d tiltak mangler frist.",
                        "%(n)d tiltak mangler frist.",
                    ),
                ),
            ]
            if cond
        ],
    )
    item(
        "f",
        _("Hvordan tiltakene gjennomføres"),
        [
            p
            for cond, p in [
                (
                    f.open_measures_missing_how > 0,
                    _count(
                        f.open_measures_missing_how,
                        "%(n)d tiltak mangler beskrivelse av hvordan det gjøres.",
                        "%(n)d tiltak mangler beskrivelse av hvordan de gjøres.",
                    ),
                ),
            ]
            if cond
        ],
    )
    item(
        "g",
        _("Planperiode og evaluering"),
        [
            str(p)
            for cond, p in [
                (not f.has_period, _("Planperioden er ikke satt.")),
                (not f.has_evaluation_date, _("Dato for neste evaluering er ikke satt.")),
                (f.evaluation_overdue, _("Datoen for evaluering er passert.")),
            ]
            if cond
        ],
    )
    item(
        "h",
        _("Samtykke"),
        [] if f.consent_recorded else [str(_("Samtykke til planen er ikke registrert."))],
    )
    item(
        "i",
        _("Samarbeid med andre tjenester"),
        [] if f.cooperation_count else [str(_("Samarbeid som trengs er ikke beskrevet."))],
    )
    return items


def missing_count(items: list[HealthItem]) -> int:
    return sum(1 for i in items if not i.ok)


def evaluation_is_overdue(next_evaluation: datetime.date | None, today: datetime.date) -> bool:
    return next_evaluation is not None and next_evaluation < today
