"""Plan health: are the nine required items a-i of the IP regulation present (the legal
reference "ip_content", forskrift om individuell plan ved ytelse av velferdstjenester)?

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


def _problems(*pairs) -> list[str]:
    """The texts whose condition holds, in the active language."""
    return [str(text) for condition, text in pairs if condition]


# The nine checks, one per item of the regulation. Each returns what is missing (nothing when
# the item is in place). Plural texts call ngettext with literal strings so that makemessages
# finds them.


def check_goals_and_needs(f: HealthFacts) -> list[str]:
    return _problems(
        (f.goal_count == 0, _("Ingen mål er skrevet ennå.")),
        (not f.has_about_me, _("«Om meg» (det som er viktig, ressurser og behov) er tomt.")),
    )


def check_participants(f: HealthFacts) -> list[str]:
    return _problems((not f.participant_count, _("Ingen deltakere er lagt til.")))


def check_coordinator(f: HealthFacts) -> list[str]:
    return _problems((not f.has_coordinator, _("Ingen koordinator.")))


def check_contributions(f: HealthFacts) -> list[str]:
    n = f.participants_without_contribution
    return _problems(
        (f.participant_count == 0, _("Ingen deltakere å beskrive bidrag for.")),
        (
            n > 0,
            ngettext(
                "%(n)d deltaker mangler beskrivelse av bidraget sitt.",
                "%(n)d deltakere mangler beskrivelse av bidraget sitt.",
                n,
            )
            % {"n": n},
        ),
    )


def check_measures(f: HealthFacts) -> list[str]:
    responsible, deadline = f.open_measures_missing_responsible, f.open_measures_missing_deadline
    return _problems(
        (f.measure_count == 0, _("Ingen tiltak er lagt inn.")),
        (
            responsible > 0,
            ngettext(
                "%(n)d tiltak mangler ansvarlig.", "%(n)d tiltak mangler ansvarlig.", responsible
            )
            % {"n": responsible},
        ),
        (
            deadline > 0,
            ngettext("%(n)d tiltak mangler frist.", "%(n)d tiltak mangler frist.", deadline)
            % {"n": deadline},
        ),
    )


def check_how(f: HealthFacts) -> list[str]:
    n = f.open_measures_missing_how
    return _problems(
        (
            n > 0,
            ngettext(
                "%(n)d tiltak mangler beskrivelse av hvordan det gjøres.",
                "%(n)d tiltak mangler beskrivelse av hvordan de gjøres.",
                n,
            )
            % {"n": n},
        ),
    )


def check_period(f: HealthFacts) -> list[str]:
    return _problems(
        (not f.has_period, _("Planperioden er ikke satt.")),
        (not f.has_evaluation_date, _("Dato for neste evaluering er ikke satt.")),
        (f.evaluation_overdue, _("Datoen for evaluering er passert.")),
    )


def check_consent(f: HealthFacts) -> list[str]:
    return _problems((not f.consent_recorded, _("Samtykke til planen er ikke registrert.")))


def check_cooperation(f: HealthFacts) -> list[str]:
    return _problems((not f.cooperation_count, _("Samarbeid som trengs er ikke beskrevet.")))


CHECKS = [
    ("a", _("Mål, ressurser og behov"), check_goals_and_needs),
    ("b", _("Hvem som deltar"), check_participants),
    ("c", _("Koordinator"), check_coordinator),
    ("d", _("Hva hver enkelt bidrar med"), check_contributions),
    ("e", _("Tiltak, omfang og ansvar"), check_measures),
    ("f", _("Hvordan tiltakene gjennomføres"), check_how),
    ("g", _("Planperiode og evaluering"), check_period),
    ("h", _("Samtykke"), check_consent),
    ("i", _("Samarbeid med andre tjenester"), check_cooperation),
]


def plan_health(facts: HealthFacts) -> list[HealthItem]:
    items = []
    for key, label, check in CHECKS:
        problems = check(facts)
        items.append(HealthItem(key=key, label=str(label), ok=not problems, problems=problems))
    return items


def missing_count(items: list[HealthItem]) -> int:
    return sum(1 for i in items if not i.ok)


def missing_items(facts: HealthFacts) -> int:
    """How many of the nine items are missing, without building their labels (the list)."""
    return sum(1 for _key, _label, check in CHECKS if check(facts))


def evaluation_is_overdue(next_evaluation: datetime.date | None, today: datetime.date) -> bool:
    return next_evaluation is not None and next_evaluation < today
