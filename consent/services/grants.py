"""Access grants, and guardian's permission rows behind them: decided by the owner's side,
proposed by the coordinator, confirmed, revoked, extended."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.notifications import notify
from consent.coming_of_age import care_ends_at
from consent.models import (
    AccessGrant,
    AccessLogEntry,
    Consent,
    PlanSection,
    PlanSectionUserObjectPermission,
)
from consent.policy import (
    CHANGE,
    VIEW,
    owner_decides_alone,
    plan_access,
    representatives_of,
)
from consent.services.consents import (
    NOT_YOURS_TO_DECIDE,
    ONLY_COORDINATOR,
    _sharing_consent,
    _withdraw_sharing_consent,
)
from consent.services.history import record_change
from ipplan.files import stored_upload
from plans.models import Participant, Plan
from plans.sections import Section

Action = AccessLogEntry.Action
Status = AccessGrant.Status

PARTICIPANT_HAS_NO_LOGIN = _(
    "Deltakeren har ikke bruker i ipplan ennå. Send en invitasjon først, så kan tilgang gis."
)
END_DATE_PASSED = _("Sluttdatoen må være fram i tid.")
END_DATE_TOO_FAR = _("Tilgang kan gis for høyst to år om gangen.")
MAX_GRANT_DAYS = 2 * 366
NO_SECTIONS = _("ingen")


def _permissions(codenames: list[str]) -> list[Permission]:
    # Looked up each time (grants are rare writes): a process-wide cache would outlive a
    # database that is flushed and re-populated, as between test runs.
    return list(
        Permission.objects.filter(
            codename__in=codenames, content_type=ContentType.objects.get_for_model(PlanSection)
        )
    )


def _assign_permissions(grant: AccessGrant) -> None:
    """The guardian side of an active grant: view, and change for write access."""
    user = grant.participant.user
    section, _created = PlanSection.objects.get_or_create(plan=grant.plan, section=grant.section)
    grant.permissions.all().delete()
    codenames = [VIEW, CHANGE] if grant.can_write else [VIEW]
    PlanSectionUserObjectPermission.objects.bulk_create(
        [
            PlanSectionUserObjectPermission(
                user=user, permission=permission, content_object=section, grant=grant
            )
            for permission in _permissions(codenames)
        ]
    )


def _ends_at(ends_on: datetime.date) -> datetime.datetime:
    """Access "til og med" a date lasts until midnight after it, Norwegian time."""
    today = timezone.localdate()
    if ends_on < today:
        raise ValidationError({"ends_on": END_DATE_PASSED})
    if (ends_on - today).days > MAX_GRANT_DAYS:
        raise ValidationError({"ends_on": END_DATE_TOO_FAR})
    next_day = ends_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def grants_for_participant(participant: Participant) -> dict[str, AccessGrant]:
    return {
        g.section: g
        for g in AccessGrant.objects.filter(
            participant=participant, status__in=[Status.PROPOSED, Status.ACTIVE]
        )
    }


def _section_names(levels: dict[str, str | None]) -> list:
    """The sections given, as translatable labels for the history ("ingen" for none)."""
    return [Section(s).label for s, level in levels.items() if level] or [NO_SECTIONS]


def _check_participant(plan: Plan, participant: Participant) -> None:
    if participant.plan_id != plan.pk or not participant.is_active:
        raise PermissionDenied


@transaction.atomic
def grants_decide(
    *,
    plan: Plan,
    participant: Participant,
    levels: dict[str, str | None],
    ends_on: datetime.date,
    acting_user,
    paper_form=None,
    signed_by_name: str = "",
    signed_by_role: str = Consent.GiverRole.OWNER,
) -> list[AccessGrant]:
    """Set one participant's access to each section: None, "read" or "write", until `ends_on`,
    in force at once. The owner's side decides; the coordinator may do it only with a consent
    signed on paper (`paper_form`, the scanned form, signed by `signed_by_name`)."""
    access = plan_access(acting_user, plan)
    if not (access.can_manage_access or (access.can_propose_access and paper_form is not None)):
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    _check_participant(plan, participant)
    if participant.user_id is None and any(levels.values()):
        raise ValidationError(PARTICIPANT_HAS_NO_LOGIN, code="no_login")
    ends_at = _ends_at(ends_on)
    # What the child welfare service grants as carer ends when its care ends, at 18.
    care_end = care_ends_at(plan, acting_user)
    if care_end is not None and paper_form is None:
        ends_at = min(ends_at, care_end)
    with stored_upload(paper_form, folder="consents") as stored:
        consent = None
        if any(levels.values()):
            consent = _sharing_consent(
                plan,
                participant,
                levels,
                ends_on,
                acting_user,
                stored,
                signed_by_name,
                signed_by_role,
            )
        else:
            _withdraw_sharing_consent(plan, participant, acting_user)
        existing = grants_for_participant(participant)
        changed = []
        for section in Section.values:
            level, grant = levels.get(section), existing.get(section)
            if level is None:
                if grant is not None:
                    _close_grant(grant, acting_user)
                    changed.append(grant)
                continue
            grant = grant or AccessGrant(plan=plan, participant=participant, section=section)
            if grant.status != Status.ACTIVE:
                grant.starts_at = timezone.now()
            grant.status, grant.can_write, grant.ends_at = Status.ACTIVE, level == "write", ends_at
            grant.granted_by, grant.granted_at = acting_user, timezone.now()
            grant.paper_consent = consent if stored is not None else None
            grant.save()
            _assign_permissions(grant)
            changed.append(grant)
        record_change(
            access,
            participant,
            gettext_noop("Tilgang for %(name)s: %(sections)s"),
            params={"name": participant.name, "sections": _section_names(levels)},
            action=Action.UPDATE,
        )
    return changed


@transaction.atomic
def grants_propose(
    *,
    plan: Plan,
    participant: Participant,
    levels: dict[str, str | None],
    ends_on: datetime.date,
    acting_user,
) -> list[AccessGrant]:
    """The coordinator proposes access; it takes effect only when the owner's side confirms.
    Access already in force is the owner's to change, so proposals leave it as it is."""
    access = plan_access(acting_user, plan)
    if not access.can_propose_access:
        raise PermissionDenied(ONLY_COORDINATOR)
    _check_participant(plan, participant)
    if participant.user_id is None and any(levels.values()):
        raise ValidationError(PARTICIPANT_HAS_NO_LOGIN, code="no_login")
    ends_at = _ends_at(ends_on)
    existing = grants_for_participant(participant)
    proposed = []
    for section in Section.values:
        level, grant = levels.get(section), existing.get(section)
        if grant is not None and grant.status == Status.ACTIVE:
            continue
        if level is None:
            if grant is not None:
                grant.delete()  # an unanswered proposal the coordinator takes back
            continue
        grant = grant or AccessGrant(
            plan=plan,
            participant=participant,
            section=section,
            status=Status.PROPOSED,
            proposed_by=acting_user,
        )
        grant.can_write, grant.ends_at = level == "write", ends_at
        grant.save()
        proposed.append(grant)
    record_change(
        access,
        participant,
        gettext_noop("Foreslo tilgang for %(name)s: %(sections)s"),
        params={"name": participant.name, "sections": _section_names(levels)},
        action=Action.UPDATE,
    )
    if proposed:
        _notify_decider(plan)
    return proposed


def _notify_decider(plan: Plan) -> None:
    day = timezone.localdate()
    link = reverse("consent:access", args=[plan.pk])
    if owner_decides_alone(plan, day):
        notify(
            kind="access_proposed",
            user=plan.owner,
            link=link,
            dedupe_key=f"access-proposed:{plan.pk}:{plan.owner_id}:{day}",
        )
    for representation in representatives_of(plan.owner, day, deciding=True):
        notify(
            kind="access_proposed",
            user=representation.representative,
            link=link,
            dedupe_key=f"access-proposed:{plan.pk}:{representation.representative_id}:{day}",
        )


def _close_grant(grant: AccessGrant, acting_user, status=Status.REVOKED) -> None:
    grant.status = status
    grant.revoked_at, grant.revoked_by = timezone.now(), acting_user
    grant.save(update_fields=["status", "revoked_at", "revoked_by"])
    grant.permissions.all().delete()


@transaction.atomic
def grants_confirm(*, plan: Plan, participant: Participant, accept: bool, acting_user):
    """The owner's side accepts or declines what the coordinator proposed for a participant."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    proposed = list(
        AccessGrant.objects.select_for_update().filter(
            plan=plan, participant=participant, status=Status.PROPOSED
        )
    )
    if not proposed:
        return []
    if accept:
        levels = {g.section: ("write" if g.can_write else "read") for g in proposed}
        for active in AccessGrant.objects.filter(participant=participant, status=Status.ACTIVE):
            levels.setdefault(active.section, "write" if active.can_write else "read")
        ends_on = (
            timezone.localtime(max(g.ends_at for g in proposed)) - datetime.timedelta(days=1)
        ).date()
        return grants_decide(
            plan=plan,
            participant=participant,
            levels=levels,
            ends_on=ends_on,
            acting_user=acting_user,
        )
    for grant in proposed:
        _close_grant(grant, acting_user, status=Status.DECLINED)
    record_change(
        access,
        participant,
        gettext_noop("Avslo foreslått tilgang for %(name)s"),
        params={"name": participant.name},
        action=Action.UPDATE,
    )
    return proposed


@transaction.atomic
def grants_revoke(
    *, plan: Plan, participant: Participant, acting_user, keep_proposal: bool = False
) -> int:
    """The participant loses every section at once, also in an open session. A proposal the
    coordinator has made for them is kept for the owner's side to answer later, or declined
    (recorded as such, never silently dropped)."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    proposed = AccessGrant.objects.filter(
        plan=plan, participant=participant, status=Status.PROPOSED
    )
    if not keep_proposal and proposed.exists():
        grants_confirm(plan=plan, participant=participant, accept=False, acting_user=acting_user)
    active = AccessGrant.objects.filter(plan=plan, participant=participant, status=Status.ACTIVE)
    PlanSectionUserObjectPermission.objects.filter(grant__in=active).delete()
    count = active.update(status=Status.REVOKED, revoked_at=timezone.now(), revoked_by=acting_user)
    _withdraw_sharing_consent(plan, participant, acting_user)
    record_change(
        access,
        participant,
        gettext_noop("Trakk tilbake all tilgang for %(name)s"),
        params={"name": participant.name},
        action=Action.DELETE,
    )
    return count


def grants_revoke_all(*, plan: Plan, acting_user, participant: Participant | None = None) -> int:
    """Revoke open grants (of one participant, or everyone's); no permission check here: the
    callers are consent withdrawal, a participant leaving, and grants_revoke."""
    grants = AccessGrant.objects.filter(plan=plan, status__in=[Status.PROPOSED, Status.ACTIVE])
    if participant is not None:
        grants = grants.filter(participant=participant)
    PlanSectionUserObjectPermission.objects.filter(grant__in=grants).delete()
    return grants.update(status=Status.REVOKED, revoked_at=timezone.now(), revoked_by=acting_user)


@transaction.atomic
def grants_extend(*, plan: Plan, participant: Participant, ends_on: datetime.date, acting_user):
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    ends_at = _ends_at(ends_on)
    grants = AccessGrant.objects.filter(plan=plan, participant=participant, status=Status.ACTIVE)
    updated = grants.update(ends_at=ends_at, reminded_at=None)
    Consent.objects.filter(
        plan=plan, participant=participant, kind=Consent.Kind.SHARING, withdrawn_at__isnull=True
    ).update(valid_until=ends_on)
    record_change(
        access,
        participant,
        gettext_noop("Forlenget tilgangen for %(name)s til og med %(date)s"),
        params={"name": participant.name, "date": ends_on.strftime("%d.%m.%Y")},
        action=Action.UPDATE,
    )
    return updated


def delete_expired_permissions(*, now=None) -> int:
    """Housekeeping: guardian rows of grants that have ended. Access already stopped at the
    second the grant ended (the check filters on time); this only keeps the table small."""
    now = now or timezone.now()
    deleted, _detail = PlanSectionUserObjectPermission.objects.filter(
        grant__ends_at__lte=now
    ).delete()
    return deleted
