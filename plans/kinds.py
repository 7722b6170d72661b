"""What differs between the kinds of record a person's coordination can have (Plan.Kind): which
sections apply, what the record is called on pages, lists, PDFs and in the history, and what the
person consents to. Everything kind-specific is read from here, so templates and services ask
`plan.kind_info` instead of comparing kinds themselves.

Imports nothing from models: plans.models.plan reads it for `Plan.kind_info`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.sections import Section

INDIVIDUAL_PLAN = "ip"
COORDINATION = "coordination"


@dataclass(frozen=True)
class KindInfo:
    kind: str
    # The grantable sections this kind of record has; the others are neither shown, granted,
    # written nor logged (consent.access.PlanAccess asks `applies`).
    sections: frozenset[str]
    # The individual plan's own parts: plan period, evaluation date, the nine items' health.
    is_individual_plan: bool
    # Page titles: the owner's own view, and everybody else's (with the owner's name).
    own_title: Promise
    others_title: Promise  # "%(name)s"
    # In lists and the history ("Koordinering", "Individuell plan").
    label: Promise
    # Stem of the downloaded PDF's file name and the PDF's heading.
    pdf_filename: str
    pdf_title: Promise
    # What the person reads and confirms when consenting (stored with the consent, as given).
    consent_text: Promise
    # One sentence under the title explaining what this record is (empty: none).
    explanation: Promise | str = ""
    # The plan page's own words where this kind needs others than the individual plan's, by
    # slot: "draft" (status line), "owner_controls" (heading of the owner's choices),
    # "notes_help", "documents_help", "meetings_help", "request_close", "handover" and
    # "close" (buttons). A slot left out keeps the individual plan's words, written in the
    # template.
    texts: Mapping[str, Promise] = field(default_factory=dict)

    def applies(self, section: str) -> bool:
        return section in self.sections


PLAN_CONSENT_TEXT = _(
    "Jeg samtykker til at det lages en individuell plan for meg, og at koordinatoren og de "
    "tjenestene som er med i planen, samarbeider om den. Jeg bestemmer selv hvem som får se "
    "hvilke deler av planen og hvor lenge, og jeg kan se hvem som har lest og endret planen. "
    "Jeg kan når som helst trekke samtykket tilbake; da avsluttes planen og arkiveres, og "
    "ingen kan lenger endre den."
)
COORDINATION_CONSENT_TEXT = _(
    "Jeg samtykker til at koordinatoren min og de tjenestene som er med, deler "
    "kontaktopplysninger og samarbeider om tjenestene mine: i møter, meldinger og notater her. "
    "Dette er ikke en individuell plan. Jeg bestemmer selv hvem som får se hvilke deler og hvor "
    "lenge, og jeg kan se hvem som har lest og endret noe. Jeg kan når som helst trekke "
    "samtykket tilbake; da avsluttes samarbeidet her og arkiveres."
)

KINDS: dict[str, KindInfo] = {
    INDIVIDUAL_PLAN: KindInfo(
        kind=INDIVIDUAL_PLAN,
        sections=frozenset(Section.values),
        is_individual_plan=True,
        own_title=_("Din individuelle plan"),
        others_title=_("Planen til %(name)s"),
        label=_("Individuell plan"),
        pdf_filename="individuell-plan",
        pdf_title=_("Individuell plan"),
        consent_text=PLAN_CONSENT_TEXT,
    ),
    COORDINATION: KindInfo(
        kind=COORDINATION,
        # No goals and measures (the plan's items a, d-f): a coordinator without a plan works
        # with the person's needs, the services and their contact people, meetings, messages,
        # notes and documents.
        sections=frozenset(Section.values) - {Section.GOALS, Section.MEASURES},
        is_individual_plan=False,
        own_title=_("Din koordinator"),
        others_title=_("Koordinering for %(name)s"),
        label=_("Koordinator uten individuell plan"),
        pdf_filename="koordinering",
        pdf_title=_("Koordinering uten individuell plan"),
        consent_text=COORDINATION_CONSENT_TEXT,
        explanation=_(
            "Koordinerende enhet har gitt en koordinator uten individuell plan. Her samarbeider "
            "koordinatoren og tjenestene: hvem som er med, møter, meldinger og notater. Den kan "
            "gjøres om til en individuell plan, med alt den inneholder."
        ),
        texts={
            "draft": _("Koordineringen er ikke tatt i bruk ennå."),
            "owner_controls": _("Ditt valg"),
            "notes_help": _("Notater om hvordan oppfølgingen går."),
            "documents_help": _("Dokumenter som tjenestene og du deler, for eksempel en IOP."),
            "request_close": _("Be om å avslutte koordineringen"),
            "meetings_help": _("Samarbeidsmøter med tjenestene, med innkalling og referat."),
            "handover": _("Gi koordineringen til en annen koordinator"),
            "close": _("Avslutt koordineringen"),
        },
    ),
}


def kind_info(kind: str) -> KindInfo:
    """The description of `kind`; an unknown kind (one added by a later migration that this
    code does not know yet) is shown as an individual plan."""
    return KINDS.get(kind, KINDS[INDIVIDUAL_PLAN])
