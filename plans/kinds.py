"""What differs between the forms one record of a person's coordination can take (Plan.kind),
in one place.

A person's coordination is one Plan row whatever its form: an individual plan, a coordinator
without a plan, or a child's relay log (stafettlogg, the BTI model). The sections, grants,
access log, notifications and archive are the same; what differs is collected here:
- `KindInfo` (`kind_info`, `plan.kind_info`): which sections the record has, its titles in
  pages, lists, PDFs and history, and what the person consents to;
- `KindText` (`kind_text`, `{% load kinds %}`): the words of the plan page, the holder and
  "about me";
- who may hold a record of each kind (the plan's `coordinator` field names the holder), who
  consents to a relay log, and which kinds need a plan period.
Templates and services ask here instead of comparing kinds themselves.

Imports nothing from plans.models: plans.models.plan reads it for `Plan.kind_info`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import StaffMembership
from plans.sections import Section

INDIVIDUAL_PLAN = "ip"
COORDINATION = "coordination"
RELAY_LOG = "relay_log"


class Kind:
    """Plan.Kind's values (Plan.Kind itself is not imported here: the model imports this)."""

    INDIVIDUAL_PLAN = INDIVIDUAL_PLAN
    COORDINATION = COORDINATION
    RELAY_LOG = RELAY_LOG


Role = StaffMembership.Role

# Åsnes' routine: from this age a young person consents to their own relay log, where the
# municipality's routine says so (Municipality.relay_log_own_consent).
RELAY_LOG_OWN_CONSENT_AGE = 15
# A relay log is for children and young people (0-18).
RELAY_LOG_AGE_LIMIT = 18


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
    # slot: "owner_controls" (heading of the owner's choices), "notes_help", "documents_help",
    # "meetings_help" and "request_close" (button). A slot left out keeps the individual plan's
    # words, written in the template. The status line, activation, handover and closing words
    # are KindText's (below).
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

RELAY_LOG_CONSENT_TEXT = _(
    "Jeg samtykker til at det føres en stafettlogg for barnet, og at tjenestene som er med, "
    "samarbeider om oppfølgingen og deler det som trengs i stafettloggen. Dette er ikke en "
    "individuell plan. Jeg bestemmer hvem som får se hvilke deler og hvor lenge, og jeg kan se "
    "hvem som har lest og endret noe. Jeg kan når som helst trekke samtykket tilbake; da "
    "avsluttes stafettloggen og arkiveres."
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
            "owner_controls": _("Ditt valg"),
            "notes_help": _("Notater om hvordan oppfølgingen går."),
            "documents_help": _("Dokumenter som tjenestene og du deler, for eksempel en IOP."),
            "request_close": _("Be om å avslutte koordineringen"),
            "meetings_help": _("Samarbeidsmøter med tjenestene, med innkalling og referat."),
        },
    ),
    RELAY_LOG: KindInfo(
        kind=RELAY_LOG,
        # Concerns, measures with evaluation dates, the dated log (notes), meetings, messages,
        # documents and the services: every section, without a plan period or the IP's health.
        sections=frozenset(Section.values),
        is_individual_plan=False,
        own_title=_("Din stafettlogg"),
        others_title=_("Stafettloggen til %(name)s"),
        label=_("Stafettlogg"),
        pdf_filename="stafettlogg",
        pdf_title=_("Stafettlogg"),
        consent_text=RELAY_LOG_CONSENT_TEXT,
    ),
}


def kind_info(kind: str) -> KindInfo:
    """The description of `kind`; an unknown kind (one added by a later migration that this
    code does not know yet) is shown as an individual plan."""
    return KINDS.get(kind, KINDS[INDIVIDUAL_PLAN])


@dataclass(frozen=True)
class KindText:
    """The words the pages use for one kind."""

    name: Promise  # "Stafettlogg"
    title_own: Promise  # heading for the owner
    title_of: Promise  # heading for others, with %(name)s
    holder: Promise  # "stafettholder"
    handover_action: Promise  # the holder's button
    handover_intro: Promise
    about_me: Promise
    about_me_help: Promise
    draft_note: Promise
    panel_heading: Promise
    activate_action: Promise
    close_action: Promise
    measure_end: Promise  # the label of Measure.deadline
    checks_ip_contents: bool  # the plan-health panel (the IP regulation's items a-i)
    # Labels for Plan.what_matters, resources, needs, language_culture.
    about_me_labels: dict = field(default_factory=dict)


_INDIVIDUAL_PLAN_TEXT = KindText(
    name=_("Individuell plan"),
    title_own=_("Din individuelle plan"),
    title_of=_("Planen til %(name)s"),
    holder=_("koordinator"),
    handover_action=_("Gi planen til en annen koordinator"),
    handover_intro=_(
        "Den nye koordinatoren må godta før overtakelsen gjelder. Til da er du fortsatt "
        "ansvarlig. Planeiers ønske skal vektlegges."
    ),
    about_me=_("Om meg"),
    about_me_help=_(
        "Med egne ord: hva som er viktig, hva som hjelper og hva det trengs hjelp til."
    ),
    draft_note=_("Planen er et utkast og er ikke tatt i bruk ennå."),
    panel_heading=_("For koordinator"),
    activate_action=_("Ta planen i bruk"),
    close_action=_("Avslutt planen"),
    measure_end=_("Frist eller sluttdato"),
    checks_ip_contents=True,
    about_me_labels={
        "what_matters": _("Det som er viktig for meg"),
        "resources": _("Mine ressurser"),
        "needs": _("Mine behov"),
        "language_culture": _("Språk, kultur og livssyn"),
    },
)

# A coordinator without a plan: the individual plan's words, but for the name and the actions.
_COORDINATION_TEXT = replace(
    _INDIVIDUAL_PLAN_TEXT,
    name=KINDS[COORDINATION].label,
    title_own=KINDS[COORDINATION].own_title,
    title_of=KINDS[COORDINATION].others_title,
    handover_action=_("Gi koordineringen til en annen koordinator"),
    draft_note=_("Koordineringen er ikke tatt i bruk ennå."),
    activate_action=_("Ta koordineringen i bruk"),
    close_action=_("Avslutt koordineringen"),
    checks_ip_contents=False,
)

TEXTS: dict[str, KindText] = {
    Kind.INDIVIDUAL_PLAN: _INDIVIDUAL_PLAN_TEXT,
    Kind.COORDINATION: _COORDINATION_TEXT,
    Kind.RELAY_LOG: KindText(
        name=_("Stafettlogg"),
        title_own=_("Din stafettlogg"),
        title_of=_("Stafettloggen til %(name)s"),
        holder=_("stafettholder"),
        handover_action=_("Gi stafettpinnen videre"),
        handover_intro=_(
            "Når barnet går over til en annen tjeneste (for eksempel fra barnehage til skole), "
            "gir du stafettpinnen videre. Du er stafettholder til den nye har godtatt. Etterpå "
            "ser du bare det foreldrene har gitt deg tilgang til."
        ),
        about_me=_("Bekymring og det som er viktig"),
        about_me_help=_(
            "Hva tjenestene er bekymret for, og det som er viktig for barnet og foreldrene."
        ),
        draft_note=_(
            "Stafettloggen tas i bruk når foreldrene (eller ungdommen selv) har samtykket."
        ),
        panel_heading=_("For stafettholder"),
        activate_action=_("Ta stafettloggen i bruk"),
        close_action=_("Avslutt stafettloggen"),
        measure_end=_("Evalueres"),
        checks_ip_contents=False,
        about_me_labels={
            "what_matters": _("Det som er viktig for barnet og foreldrene"),
            "resources": _("Det som fungerer godt"),
            "needs": _("Bekymringen"),
            "language_culture": _("Språk, kultur og livssyn"),
        },
    ),
}


def kind_text(plan_or_kind) -> KindText:
    kind = getattr(plan_or_kind, "kind", plan_or_kind)
    return TEXTS.get(kind, TEXTS[Kind.INDIVIDUAL_PLAN])


# --- Who may hold a record of each kind ------------------------------------------------------

# The plan's `coordinator` is its holder. An individual plan (and a coordinator without one)
# is held by a coordinator; a relay log by a professional in a service that follows the child
# up (kindergarten, health station, school), or a coordinator.
HOLDER_ROLES: dict[str, frozenset[str]] = {
    Kind.INDIVIDUAL_PLAN: frozenset({Role.COORDINATOR}),
    Kind.COORDINATION: frozenset({Role.COORDINATOR}),
    Kind.RELAY_LOG: frozenset({Role.COORDINATOR, Role.PROFESSIONAL}),
}


def may_hold(roles, kind: str, municipality_id: int) -> bool:
    """Whether a user with `roles` (accounts.roles.user_roles) may hold a record of `kind`."""
    return any(roles.has(role, municipality_id) for role in HOLDER_ROLES[kind])


def held_kinds(roles) -> dict[str, set[int]]:
    """Per kind, the municipalities where a user with `roles` may hold a record of that kind
    (kinds they may hold nowhere left out)."""
    held = {}
    for kind, kind_roles in HOLDER_ROLES.items():
        municipalities = set()
        for role in kind_roles:
            municipalities |= set(roles.municipalities_with(role))
        if municipalities:
            held[kind] = municipalities
    return held


def held_by_filter(user, roles) -> Q:
    """Plans `user` holds in a role that lets them hold that kind (a filter for Plan)."""
    visible = Q(pk__in=[])
    for kind, municipalities in held_kinds(roles).items():
        visible |= Q(coordinator=user, kind=kind, municipality_id__in=municipalities)
    return visible


# --- Who consents to a relay log --------------------------------------------------------------


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def young_person_consents(plan, day: datetime.date) -> bool:
    """A relay log for a young person from 15, where the municipality's routine lets them
    consent themselves (instead of their parents)."""
    if plan.kind != Kind.RELAY_LOG:
        return False
    birth = plan.owner.birth_date
    return (
        birth is not None
        and _age_on(birth, day) >= RELAY_LOG_OWN_CONSENT_AGE
        and plan.municipality.relay_log_own_consent
    )


def is_child(person, day: datetime.date) -> bool:
    return person.birth_date is not None and _age_on(person.birth_date, day) < RELAY_LOG_AGE_LIMIT


# --- What a record needs before it is taken into use -----------------------------------------

# An individual plan needs its period (the IP regulation); a relay log runs until it is handed
# on, continued as a plan or closed, with evaluation dates on its measures; a coordinator
# without a plan has no plan period either.
NEEDS_PERIOD = {Kind.RELAY_LOG: False, Kind.COORDINATION: False}


def needs_period(kind: str) -> bool:
    return NEEDS_PERIOD.get(kind, True)


# --- The history's words for a handover (bokmål msgids, stored untranslated) -----------------

HANDOVER_HISTORY = {
    Kind.RELAY_LOG: {
        "proposed": gettext_noop("Foreslo å gi stafettpinnen videre til %(name)s"),
        "accepted": gettext_noop("%(name)s overtok stafettpinnen"),
        "declined": gettext_noop("%(name)s takket nei til å overta stafettpinnen"),
        "withdrawn": gettext_noop("Forslaget om ny stafettholder ble trukket tilbake"),
    },
}
HANDOVER_HISTORY_DEFAULT = {
    "proposed": gettext_noop("Foreslo %(name)s som ny koordinator"),
    "accepted": gettext_noop("%(name)s overtok som koordinator"),
    "declined": gettext_noop("%(name)s takket nei til å bli koordinator"),
    "withdrawn": gettext_noop("Forslaget om ny koordinator ble trukket tilbake"),
}


def handover_history(kind: str, step: str) -> str:
    return HANDOVER_HISTORY.get(kind, HANDOVER_HISTORY_DEFAULT)[step]


def activated_history(kind: str) -> str:
    if kind == Kind.RELAY_LOG:
        return gettext_noop("Stafettloggen ble tatt i bruk")
    return gettext_noop("Planen ble tatt i bruk")


NOT_A_HOLDER = {
    Kind.RELAY_LOG: _(
        "Den nye stafettholderen må arbeide i en tjeneste eller være koordinator i samme kommune."
    ),
}
