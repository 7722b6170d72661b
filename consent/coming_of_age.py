"""The step to deciding for oneself: at the age of consent (16 under the health law; a setting)
the young person consents and decides who sees the plan, and the parents no longer act for
them (accounts.roles.parent_role_has_ended). Nobody is cut off silently: two months ahead the
young person, whoever decides for them now and the coordinator are told, and the plan says
what will happen and when. Nothing in the plan is lost.

The same step again at 18 for what followed from child-welfare law: where the child welfare
service took over care, it keeps its role as carer (reading the plan, not consenting) until the
young person is 18, and the grants it gave end then. Two months ahead the young person, the
child welfare service and the coordinator are told (the same job, the same notices); from 18
the young person decides whether the service keeps access as aftercare ("aftercare" in the
table of legal references), by giving their own consent (consent.services.aftercare)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Representation
from accounts.notifications import notify_many
from accounts.roles import CARE_ENDS_AT_AGE, care_age_cutoff, consent_age_cutoff
from consent.models import AccessGrant, AccessLogEntry, Consent
from consent.policy import grants_in_force, representations_in_force
from consent.selectors import active_plan_consent
from plans.models import Measure, Plan
from plans.sections import Section

NOTICE_DAYS = 60


def consent_birthday(birth_date: datetime.date) -> datetime.date:
    return birthday(birth_date, settings.IPPLAN_AGE_OF_CONSENT)


def care_ends_on(birth_date: datetime.date) -> datetime.date:
    """The 18th birthday: the child welfare service's care ends that day."""
    return birthday(birth_date, CARE_ENDS_AT_AGE)


def birthday(birth_date: datetime.date, age: int) -> datetime.date:
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        return birth_date.replace(year=birth_date.year + age, day=28) + datetime.timedelta(days=1)


def coming_of_age_on(plan: Plan, today: datetime.date | None = None) -> datetime.date | None:
    """The day the owner starts deciding, if it is within the notice period from today."""
    today = today or timezone.localdate()
    born = plan.owner.birth_date
    if born is None or plan.is_closed:
        return None
    day = consent_birthday(born)
    return day if today < day <= today + datetime.timedelta(days=NOTICE_DAYS) else None


def coming_of_age_notices(*, today: datetime.date | None = None) -> int:
    """The daily run: each open plan whose owner comes of age within the notice period tells
    the owner, those who decide for them and the coordinator, once (a link, no content)."""
    today = today or timezone.localdate()
    # Born after the cutoff today (not yet deciding) and on or before the cutoff in 60 days.
    plans = list(
        Plan.objects.exclude(status=Plan.Status.CLOSED)
        .filter(
            owner__birth_date__gt=consent_age_cutoff(today),
            owner__birth_date__lte=consent_age_cutoff(today + datetime.timedelta(days=NOTICE_DAYS)),
        )
        .select_related("owner", "coordinator")
    )
    deciders: dict[int, list] = {}
    for rep in representations_in_force({p.owner_id for p in plans}, today, deciding=True):
        deciders.setdefault(rep.person_id, []).append(rep.representative)
    items = []
    for plan in plans:
        day = consent_birthday(plan.owner.birth_date)
        people = {plan.owner, *deciders.get(plan.owner_id, [])}
        if plan.coordinator is not None:
            people.add(plan.coordinator)
        items += [
            {
                "user": user,
                "kind": "coming_of_age",
                "link": reverse("plans:detail", args=[plan.pk]),
                "dedupe_key": f"coming-of-age:{plan.pk}:{day}:{user.pk}",
            }
            for user in people
        ]
    return notify_many(items + _care_ends_items(today))


def _care_ends_items(today: datetime.date) -> list[dict]:
    """The 18-year step: each open plan whose owner is in the child welfare service's care
    and turns 18 within the notice period tells the owner, the service and the coordinator."""
    soon = today + datetime.timedelta(days=NOTICE_DAYS)
    care = (
        Representation.objects.in_force(today)
        .filter(
            kind=Representation.Kind.CHILD_WELFARE,
            person__birth_date__gt=care_age_cutoff(today),
            person__birth_date__lte=care_age_cutoff(soon),
        )
        .select_related("representative")
    )
    carers: dict[int, list] = {}
    for rep in care:
        carers.setdefault(rep.person_id, []).append(rep.representative)
    plans = (
        Plan.objects.exclude(status=Plan.Status.CLOSED)
        .filter(owner_id__in=list(carers))
        .select_related("owner", "coordinator")
    )
    items = []
    for plan in plans:
        day = care_ends_on(plan.owner.birth_date)
        people = {plan.owner, *carers[plan.owner_id]}
        if plan.coordinator is not None:
            people.add(plan.coordinator)
        items += [
            {
                "user": user,
                "kind": "care_ends",
                "link": reverse("plans:detail", args=[plan.pk]),
                "dedupe_key": f"care-ends:{plan.pk}:{day}:{user.pk}",
            }
            for user in people
        ]
    return items


def care_caseworkers(plan: Plan, today: datetime.date | None = None) -> list[Representation]:
    """The child welfare service's representations from a care order for the owner that are
    in force today, or that ended by themselves at 18 (in force the day before): the service
    whose role the young person decides about from 18. Empty for anyone else."""
    today = today or timezone.localdate()
    born = plan.owner.birth_date
    if born is None:
        return []
    day = min(today, care_ends_on(born) - datetime.timedelta(days=1))
    return list(
        Representation.objects.in_force(day)
        .filter(person_id=plan.owner_id, kind=Representation.Kind.CHILD_WELFARE)
        .select_related("representative")
    )


def care_ends_at(plan: Plan, user) -> datetime.datetime | None:
    """Where `user` is the child welfare service acting for the owner, the moment its care
    ends (midnight at the start of the 18th birthday): grants it gives end there at the
    latest, since after 18 only the young person consents."""
    born = plan.owner.birth_date
    if born is None:
        return None
    care = Representation.objects.in_force(timezone.localdate()).filter(
        person_id=plan.owner_id, representative=user, kind=Representation.Kind.CHILD_WELFARE
    )
    if not care.exists():
        return None
    day = care_ends_on(born)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def consent_given_as_a_child(plan: Plan, today: datetime.date | None = None):
    """Once the owner decides, the consent in force that a parent or the child welfare service
    gave for them, until the young person gives their own (for the first years only)."""
    today = today or timezone.localdate()
    born = plan.owner.birth_date
    if born is None or plan.is_closed or not consent_birthday(born) <= today:
        return None
    if today - consent_birthday(born) > datetime.timedelta(days=3 * 366):
        return None
    consent = active_plan_consent(plan)
    if consent is None or consent.given_by_role == Consent.GiverRole.OWNER:
        return None
    return consent


def plan_page_part(*, plan: Plan, access, user, facts=None) -> dict:
    """The plan page's notice of the coming step, and after it the call for the young person's
    own consent, for the owner's side and the coordinator."""
    if not (access.is_owner_side or access.is_coordinator):
        return {}
    part = _care_part(plan, access, user)
    day = coming_of_age_on(plan)
    if day is not None:
        # In the child welfare service's care, the service stays the carer until 18.
        until = care_ends_on(plan.owner.birth_date) if care_caseworkers(plan) else None
        info = {"day": day, "age": settings.IPPLAN_AGE_OF_CONSENT, "carer_until": until}
        return {"coming_of_age": info, **part}
    earlier = consent_given_as_a_child(plan)
    if earlier is not None:
        return {"own_consent_due": earlier, **part}
    return part


AFTERCARE_DECISION_DAYS = 366
Representative = AccessLogEntry.ActorRole.REPRESENTATIVE


def _care_part(plan: Plan, access, user) -> dict:
    """The 18-year step on the plan page: before it, when the care ends; for the first year
    after it, the young person's choice about the child welfare service's access."""
    born = plan.owner.birth_date
    if born is None or plan.is_closed:
        return {}
    today = timezone.localdate()
    day = care_ends_on(born)
    if not (today < day + datetime.timedelta(days=AFTERCARE_DECISION_DAYS)):
        return {}
    if today < day - datetime.timedelta(days=NOTICE_DAYS):
        return {}
    care = care_caseworkers(plan, today)
    if not care:
        return {}
    carers = [rep.representative for rep in care]
    if access.role == Representative and user not in carers:
        return {}  # a verge or a chosen representative: not their matter
    sees_all = plan.owner_id == user.pk or access.is_coordinator
    return {
        "care_step": {
            "day": day,
            "ended": today >= day,
            "carers": carers,
            "is_carer": user in carers,
            "choose": plan.owner_id == user.pk and access.can_manage_access,
            # The measures the service is responsible for: after 18 they go on only as
            # aftercare, with the young person's consent (shown to those who see them all).
            "measures": _care_measures(plan, carers) if sees_all else [],
            "aftercare_sections": _aftercare_sections(plan, carers) if today >= day else [],
        }
    }


def _care_measures(plan: Plan, carers) -> list[Measure]:
    return list(
        Measure.objects.filter(
            plan=plan,
            responsible__user__in=carers,
            status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING],
        ).order_by("position", "pk")
    )


def _aftercare_sections(plan: Plan, carers) -> list[str]:
    """The sections the young person lets the service see after 18 (grants in force)."""
    rows = AccessGrant.objects.filter(
        grants_in_force(prefix=""), plan=plan, participant__user__in=carers
    ).values_list("section", flat=True)
    return [str(Section(section).label) for section in sorted(set(rows))]
