"""The parts of a plan that access is granted to, one by one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    ABOUT_ME = "about_me", _("Om meg")
    GOALS = "goals", _("Mål")
    MEASURES = "measures", _("Tiltak")
    NOTES = "notes", _("Utviklingsnotater")
    MEETINGS = "meetings", _("Møter")
    MESSAGES = "messages", _("Meldinger")
    DOCUMENTS = "documents", _("Dokumenter og delplaner")
    PARTICIPANTS = "participants", _("Deltakere og samarbeid")


class Action(models.TextChoices):
    """What a person did with plan data, as the access log names it."""

    READ = "read", _("leste")
    LIST = "list", _("så i en oversikt")
    CREATE = "create", _("la til")
    UPDATE = "update", _("endret")
    DELETE = "delete", _("fjernet")
    EXPORT = "export", _("lastet ned som PDF")
    DOWNLOAD = "download", _("lastet ned dokument")
    ARCHIVE = "archive", _("arkiverte")


class ActorRole(models.TextChoices):
    """In which capacity a person read or changed the plan."""

    OWNER = "owner", _("planeier")
    REPRESENTATIVE = "representative", _("foresatt, verge eller fullmektig")
    COORDINATOR = "coordinator", _("koordinator")
    PARTICIPANT = "participant", _("plandeltaker")
    CASE_HANDLER = "case_handler", _("saksbehandler")
    ADMINISTRATOR = "administrator", _("kommunens administrator")
    SYSTEM = "system", _("systemet")


# Shown to everybody with any access to the plan: whose plan it is, who coordinates it, its
# period and status. Not a grantable section of its own.
OVERVIEW = "overview"

SECTION_HELP = {
    Section.ABOUT_ME: _("Det som er viktig for deg, dine ressurser og behov."),
    Section.GOALS: _("Dine mål og delmål og hvordan det går."),
    Section.MEASURES: _("Hva tjenestene og du selv gjør, hvem som har ansvaret og når."),
    Section.NOTES: _("Notater om hvordan det går med mål og tiltak."),
    Section.MEETINGS: _("Innkallinger og referater fra samarbeidsmøter."),
    Section.MESSAGES: _("Meldinger mellom deg og dem som deltar i planen."),
    Section.DOCUMENTS: _("Delplaner og andre dokumenter, f.eks. IOP eller treningsprogram."),
    Section.PARTICIPANTS: _("Hvem som deltar, hva de bidrar med og samarbeid som trengs."),
}


# The section a write belongs to, by the model of its target. Models are named by
# label, so this module imports none (coordination's are on a floor above).
SECTION_OF_MODEL = {
    "plans.plan": OVERVIEW,
    "plans.coordinatorhandover": OVERVIEW,
    "consent.consent": OVERVIEW,
    "plans.goal": Section.GOALS,
    "plans.measure": Section.MEASURES,
    "plans.progressnote": Section.NOTES,
    "plans.subplan": Section.DOCUMENTS,
    "plans.participant": Section.PARTICIPANTS,
    "plans.cooperationneed": Section.PARTICIPANTS,
    "consent.invitation": Section.PARTICIPANTS,
    "coordination.meeting": Section.MEETINGS,
    "coordination.minutes": Section.MEETINGS,
    "coordination.messagethread": Section.MESSAGES,
    "coordination.message": Section.MESSAGES,
}
