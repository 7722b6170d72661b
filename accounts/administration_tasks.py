"""The administrator's tasks, each with its figures and what needs attention now: shown on the
home page and on /administrasjon/. accounts knows staff, services and notifications; a higher
app adds its own task with `register_administration_task` (the coordinator registry's training
records come from casework), so this module imports nothing above accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import undelivered
from accounts.administration import organisations_in, staff_in
from ipplan.parts import Parts


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    url: str
    summary: str
    attention: str = ""  # what needs doing now; empty when nothing does


_tasks = Parts()
# The retention page's figures and recent deletions: plans are a floor up (plans/
# administration.py registers them), so they come in through here like the tasks.
_retention = Parts()


def register_retention_part(func: Callable[..., dict]) -> Callable[..., dict]:
    return _retention.register(func)


def retention_parts(*, municipality_ids) -> dict:
    return _retention.collect(municipality_ids=municipality_ids)


def register_administration_task(func: Callable[..., dict]) -> Callable[..., dict]:
    """`func(municipality_ids)` returns {key: Task}; the tasks show in the order registered."""
    return _tasks.register(func)


def administration_tasks(*, municipality_ids) -> list[Task]:
    return list(_tasks.collect(municipality_ids=municipality_ids).values())


@register_administration_task
def _staff(municipality_ids) -> dict:
    people = staff_in(municipality_ids).order_by()
    total = people.count()
    not_started = people.filter(is_active=True, authenticator__isnull=True).count()
    attention = ""
    if not_started:
        attention = ngettext(
            "%(n)d har ikke tatt i bruk kontoen sin ennå (ingen totrinnsinnlogging).",
            "%(n)d har ikke tatt i bruk kontoen sin ennå (ingen totrinnsinnlogging).",
            not_started,
        ) % {"n": not_started}
    summary = ngettext(
        "%(n)d ansatt. Se og gi roller, og hvem som ga og fjernet dem.",
        "%(n)d ansatte. Se og gi roller, og hvem som ga og fjernet dem.",
        total,
    ) % {"n": total}
    return {
        "staff": Task(
            "staff", _("Ansatte og roller"), reverse("administration:staff"), summary, attention
        )
    }


@register_administration_task
def _services(municipality_ids) -> dict:
    services = organisations_in(municipality_ids).order_by()
    active = services.filter(is_active=True).count()
    summary = ngettext(
        "%(n)d aktiv tjeneste eller organisasjon.",
        "%(n)d aktive tjenester og organisasjoner.",
        active,
    ) % {"n": active}
    title = _("Tjenester og organisasjoner")
    return {"services": Task("services", title, reverse("administration:services"), summary)}


@register_administration_task
def _failed_notifications(municipality_ids) -> dict:
    failed = undelivered.failed_in(municipality_ids).order_by().count()
    attention = ""
    if failed:
        attention = ngettext(
            "%(n)d varsel kom ikke fram. Send det på nytt når adressen er rettet.",
            "%(n)d varsler kom ikke fram. Send dem på nytt når adressene er rettet.",
            failed,
        ) % {"n": failed}
    return {
        "failed_notifications": Task(
            "failed_notifications",
            _("Varsler som ikke kom fram"),
            reverse("administration:failed_notifications"),
            _("Adresser som avviste e-post eller SMS, aldri hva varselet gjaldt."),
            attention,
        )
    }
