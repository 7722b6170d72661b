"""The step to deciding for oneself: at the age of consent (16 under the health law; a setting)
the young person consents and decides who sees the plan, and the parents no longer act for
them (accounts.roles.parent_role_has_ended). Nobody is cut off silently: two months ahead the
young person, whoever decides for them now and the coordinator are told, and the plan says
what will happen and when. Nothing in the plan is lost."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notify_many
from accounts.roles import consent_age_cutoff
from consent.models import Consent
from consent.policy import representations_in_force
from consent.selectors import active_plan_consent
from plans.models import Plan

NOTICE_DAYS = 60


def consent_birthday(birth_date: datetime.date) -> datetime.date:
    age = settings.IPPLAN_AGE_OF_CONSENT
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
    return notify_many(items)


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


def plan_page_part(*, plan: Plan, access, user) -> dict:
    """The plan page's notice of the coming step, and after it the call for the young person's
    own consent, for the owner's side and the coordinator."""
    if not (access.is_owner_side or access.is_coordinator):
        return {}
    day = coming_of_age_on(plan)
    if day is not None:
        return {"coming_of_age": {"day": day, "age": settings.IPPLAN_AGE_OF_CONSENT}}
    earlier = consent_given_as_a_child(plan)
    if earlier is not None:
        return {"own_consent_due": earlier}
    return {}
