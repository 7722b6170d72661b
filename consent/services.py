"""Writes of the consent app: the access log, the plan's change history, consent records,
access grants (and guardian's permission rows behind them) and invitations.

Every read and write of plan data is logged through `access_log_*`; every change to the plan
through `plan_change_record`, which also logs it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Representation, StaffMembership
from accounts.notifications import notify
from accounts.roles import user_roles
from consent.models import (
    AccessGrant,
    AccessLogEntry,
    Consent,
    Invitation,
    PlanSection,
    PlanSectionUserObjectPermission,
)
from consent.policy import (
    CHANGE,
    VIEW,
    PlanAccess,
    deciding_representations,
    owner_decides_alone,
    plan_access,
)
from ipplan.files import private_storage, store_upload
from plans.models import Participant, Plan, PlanChange
from plans.sections import OVERVIEW, Section

Action = AccessLogEntry.Action
Status = AccessGrant.Status

NOT_YOURS_TO_DECIDE = _("Bare planeier, eller den som samtykker for planeier, kan bestemme dette.")
ONLY_COORDINATOR = _("Bare koordinatoren for planen kan gjøre dette.")
CONSENT_EXISTS = _("Det er allerede gitt samtykke til planen.")
NO_ACTIVE_CONSENT = _("Det finnes ikke noe samtykke å trekke tilbake.")
PARTICIPANT_HAS_NO_LOGIN = _(
    "Deltakeren har ikke bruker i ipplan ennå. Send en invitasjon først, så kan tilgang gis."
)
END_DATE_PASSED = _("Sluttdatoen må være fram i tid.")
END_DATE_TOO_FAR = _("Tilgang kan gis for høyst to år om gangen.")
INVITATION_INVALID = _(
    "Invitasjonen er brukt, utløpt eller finnes ikke. Be koordinatoren om en ny."
)
ALREADY_PARTICIPANT = _("Du er allerede med i denne planen.")
OWNER_CANNOT_BE_PARTICIPANT = _("Planeier kan ikke være deltaker i sin egen plan.")
INVITATION_DAYS = 7
MAX_GRANT_DAYS = 2 * 366

# The information the person reads before consenting (stored with each consent, as given).
PLAN_CONSENT_TEXT = _(
    "Jeg samtykker til at det lages en individuell plan for meg, og at koordinatoren og de "
    "tjenestene som er med i planen, samarbeider om den. Jeg bestemmer selv hvem som får se "
    "hvilke deler av planen og hvor lenge, og jeg kan se hvem som har lest og endret planen. "
    "Jeg kan når som helst trekke samtykket tilbake; da avsluttes planen og arkiveres, og "
    "ingen kan lenger endre den."
)
SHARING_CONSENT_TEXT = _(
    "Jeg samtykker til at %(name)s får se og eventuelt skrive i disse delene av planen min: "
    "%(sections)s, til og med %(until)s. Opplysningene deles for at tjenestene skal kunne "
    "samarbeide om planen. Jeg kan trekke tilgangen tilbake når jeg vil."
)


# --- Access log and history ------------------------------------------------------------------


def _entry(
    access: PlanAccess, actor, action: str, section: str, target, sections=()
) -> AccessLogEntry:
    sections = list(dict.fromkeys(sections or [section]))
    return AccessLogEntry(
        plan_id=access.plan.pk,
        actor=actor,
        actor_role=access.role or AccessLogEntry.ActorRole.SYSTEM,
        organisation_name=_service_name(access, actor),
        action=action,
        section=section,
        sections=sections,
        grant_ids=access.grant_ids_for(sections),
        object_type=target._meta.model_name if isinstance(target, models.Model) else "",
        object_id=target.pk if isinstance(target, models.Model) else None,
    )


def _service_name(access: PlanAccess, actor) -> str:
    """A participant's service comes with the grant; a coordinator's with their role (read
    once per request for the access check): "Kari Nilsen, koordinator, Hjemmetjenesten"."""
    if access.organisation_name or not access.is_coordinator or actor is None:
        return access.organisation_name
    return user_roles(actor).service_name(
        StaffMembership.Role.COORDINATOR, access.plan.municipality_id
    )


def access_log_write(
    *, access: PlanAccess, actor, action: str, section: str, target=None, sections=()
) -> AccessLogEntry:
    """A write (or a system event such as a case file): one entry of its own, at once."""
    entry = _entry(access, actor, action, section, target, sections=sections)
    entry.save()
    return entry


@dataclass
class PlanRead:
    """What one request showed of one plan: gathered while the view runs, written once."""

    access: PlanAccess
    action: str = Action.LIST
    sections: dict = field(default_factory=dict)  # an ordered set
    targets: list = field(default_factory=list)

    def add(self, sections: Iterable[str], action: str, target) -> None:
        self.sections.update(dict.fromkeys(sections))
        # What the request was: a download or export over a page read over a line in a list.
        if _weight(action) > _weight(self.action):
            self.action = action
        if target is not None and target not in self.targets:
            self.targets.append(target)

    def entry(self, actor) -> AccessLogEntry:
        sections = list(self.sections)
        # The main section: the first one named beside the overview that every page shows.
        main = next((s for s in sections if s != OVERVIEW), OVERVIEW)
        target = self.targets[0] if len(self.targets) == 1 else None
        return _entry(self.access, actor, self.action, main, target, sections=sections)


def _weight(action: str) -> int:
    return {Action.LIST: 0, Action.READ: 1}.get(action, 2)


def access_log_entries(*, reads: Iterable[PlanRead], actor) -> list[AccessLogEntry]:
    """One entry per plan a request showed (a list page shows several), in one INSERT."""
    return AccessLogEntry.objects.bulk_create([read.entry(actor) for read in reads])


def plan_change_record(
    *,
    plan: Plan,
    access: PlanAccess,
    actor,
    action: str,
    section: str,
    target,
    summary: str,
    fields=(),
    mentions=(),
) -> None:
    """The plan's visible history, and the access-log row, for one write. `mentions`: the
    other sections the summary names; only readers of all of them see the entry."""
    PlanChange.objects.create(
        plan=plan,
        actor=actor,
        section=section,
        action=action,
        summary=str(summary)[:300],
        fields=list(fields),
        mentions=PlanChange.mentions_value(set(mentions) - {section}),
    )
    access_log_write(access=access, actor=actor, action=action, section=section, target=target)


# --- Consent ---------------------------------------------------------------------------------


def _giver_role(user, plan: Plan, day: datetime.date) -> tuple[str, str]:
    if user.pk == plan.owner_id:
        return Consent.GiverRole.OWNER, ""
    representation = deciding_representations(plan, day).filter(representative=user).first()
    if representation is None:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    role = (
        Consent.GiverRole.PARENT
        if representation.kind == Representation.Kind.PARENT
        else Consent.GiverRole.GUARDIAN
    )
    return role, representation.basis


def _notify_other_parents(plan: Plan, consenting_user, day: datetime.date) -> None:
    """One parent's consent is enough, but the other is shown it and told."""
    for representation in deciding_representations(plan, day).exclude(
        representative=consenting_user
    ):
        notify(
            kind="consent_given",
            user=representation.representative,
            link=reverse("consent:overview", args=[plan.pk]),
            dedupe_key=f"consent-given:{plan.pk}:{representation.representative_id}:{day}",
        )


@transaction.atomic
def plan_consent_give(*, plan: Plan, acting_user, child_view: str = "") -> Consent:
    """The owner (from the age of consent), or a parent or verge, confirms in ipplan."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    day = timezone.localdate()
    role, basis = _giver_role(acting_user, plan, day)
    consent = Consent(
        plan=plan,
        kind=Consent.Kind.PLAN,
        given_by=acting_user,
        given_by_name=acting_user.display_name,
        given_by_role=role,
        basis=basis,
        method=Consent.Method.DIGITAL,
        recorded_by=acting_user,
        covers=str(PLAN_CONSENT_TEXT),
        valid_from=day,
        child_view=child_view if not owner_decides_alone(plan, day) else "",
    )
    _save_plan_consent(consent)
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.CREATE,
        section=OVERVIEW,
        target=consent,
        summary=_("Samtykke til planen ble gitt i ipplan"),
    )
    if role == Consent.GiverRole.PARENT:
        _notify_other_parents(plan, acting_user, day)
    return consent


def _save_plan_consent(consent: Consent) -> None:
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise ValidationError(CONSENT_EXISTS, code="exists") from None


@transaction.atomic
def plan_consent_record_paper(
    *,
    plan: Plan,
    given_by_name: str,
    given_by_role: str,
    basis: str,
    signed_form,
    child_view: str = "",
    acting_user,
) -> Consent:
    """The coordinator registers a consent signed on paper, with the scanned form."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied(ONLY_COORDINATOR)
    stored = store_upload(signed_form, folder="consents")
    try:
        consent = Consent(
            plan=plan,
            kind=Consent.Kind.PLAN,
            given_by_name=given_by_name,
            given_by_role=given_by_role,
            basis=basis,
            method=Consent.Method.PAPER,
            recorded_by=acting_user,
            covers=str(PLAN_CONSENT_TEXT),
            valid_from=timezone.localdate(),
            child_view=child_view,
            paper_storage_name=stored.storage_name,
            paper_sha256=stored.sha256,
        )
        consent.full_clean(validate_constraints=False)
        _save_plan_consent(consent)
        plan_change_record(
            plan=plan,
            access=access,
            actor=acting_user,
            action=Action.CREATE,
            section=OVERVIEW,
            target=consent,
            summary=_("Signert samtykke til planen ble registrert"),
        )
    except Exception:
        private_storage().delete(stored.storage_name)
        raise
    return consent


def plan_consent_mark_withdrawn(*, plan: Plan, acting_user) -> Consent:
    """Part of withdrawing consent (plans.services.lifecycle closes and archives the plan)."""
    consent = (
        Consent.objects.select_for_update()
        .filter(plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise ValidationError(NO_ACTIVE_CONSENT, code="none")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    Consent.objects.filter(plan=plan, kind=Consent.Kind.SHARING, withdrawn_at__isnull=True).update(
        withdrawn_at=consent.withdrawn_at, withdrawn_by=acting_user
    )
    return consent


# --- Access grants -----------------------------------------------------------------------------


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


def _section_labels(levels: dict[str, str | None]) -> str:
    return ", ".join(str(Section(s).label) for s, level in levels.items() if level)


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
    stored = store_upload(paper_form, folder="consents") if paper_form is not None else None
    try:
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
        plan_change_record(
            plan=plan,
            access=access,
            actor=acting_user,
            action=Action.UPDATE,
            section=Section.PARTICIPANTS,
            target=participant,
            summary=_("Tilgang for %(name)s: %(sections)s")
            % {"name": participant.name, "sections": _section_labels(levels) or _("ingen")},
        )
    except Exception:
        if stored is not None:
            private_storage().delete(stored.storage_name)
        raise
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
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.UPDATE,
        section=Section.PARTICIPANTS,
        target=participant,
        summary=_("Foreslo tilgang for %(name)s: %(sections)s")
        % {"name": participant.name, "sections": _section_labels(levels) or _("ingen")},
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
    for representation in deciding_representations(plan, day):
        notify(
            kind="access_proposed",
            user=representation.representative,
            link=link,
            dedupe_key=f"access-proposed:{plan.pk}:{representation.representative_id}:{day}",
        )


def _sharing_consent(
    plan, participant, levels, ends_on, acting_user, stored, signed_by_name="", signed_by_role=""
) -> Consent:
    """Granting access is consenting to share with this participant: record it as such."""
    day = timezone.localdate()
    covers = SHARING_CONSENT_TEXT % {
        "name": participant.name,
        "sections": _section_labels(levels),
        "until": ends_on.strftime("%d.%m.%Y"),
    }
    _withdraw_sharing_consent(plan, participant, acting_user)
    if stored is not None:
        return Consent.objects.create(
            plan=plan,
            kind=Consent.Kind.SHARING,
            participant=participant,
            given_by_name=signed_by_name,
            given_by_role=signed_by_role,
            method=Consent.Method.PAPER,
            recorded_by=acting_user,
            covers=covers,
            valid_from=day,
            valid_until=ends_on,
            paper_storage_name=stored.storage_name,
            paper_sha256=stored.sha256,
        )
    role, basis = _giver_role(acting_user, plan, day)
    return Consent.objects.create(
        plan=plan,
        kind=Consent.Kind.SHARING,
        participant=participant,
        given_by=acting_user,
        given_by_name=acting_user.display_name,
        given_by_role=role,
        basis=basis,
        method=Consent.Method.DIGITAL,
        recorded_by=acting_user,
        covers=covers,
        valid_from=day,
        valid_until=ends_on,
    )


def _withdraw_sharing_consent(plan, participant, acting_user) -> None:
    Consent.objects.filter(
        plan=plan, kind=Consent.Kind.SHARING, participant=participant, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=acting_user)


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
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.UPDATE,
        section=Section.PARTICIPANTS,
        target=participant,
        summary=_("Avslo foreslått tilgang for %s") % participant.name,
    )
    return proposed


@transaction.atomic
def grants_revoke(*, plan: Plan, participant: Participant, acting_user) -> int:
    """One click: the participant loses every section at once, also in an open session."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    count = grants_revoke_all(plan=plan, participant=participant, acting_user=acting_user)
    _withdraw_sharing_consent(plan, participant, acting_user)
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.DELETE,
        section=Section.PARTICIPANTS,
        target=participant,
        summary=_("Trakk tilbake all tilgang for %s") % participant.name,
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
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.UPDATE,
        section=Section.PARTICIPANTS,
        target=participant,
        summary=_("Forlenget tilgangen for %(name)s til og med %(date)s")
        % {"name": participant.name, "date": ends_on.strftime("%d.%m.%Y")},
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


# --- Invitations -------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, plan: Plan, participant: Participant, email: str, acting_user) -> Invitation:
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied(ONLY_COORDINATOR)
    if participant.plan_id != plan.pk or not participant.is_active:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        plan=plan,
        participant=participant,
        email=email,
        token_digest=_digest(token),
        created_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    notify(
        kind="invitation",
        address=email,
        link=reverse("consent:invitation", args=[token]),
        secret_link=True,
    )
    plan_change_record(
        plan=plan,
        access=access,
        actor=acting_user,
        action=Action.CREATE,
        section=Section.PARTICIPANTS,
        target=invitation,
        summary=_("Sendte invitasjon til %s") % participant.name,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("plan__municipality", "plan__coordinator", "participant")
        .filter(token_digest=_digest(token))
        .first()
    )
    return invitation if invitation is not None and invitation.usable() else None


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(INVITATION_INVALID, code="invalid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    participant = Participant.objects.select_for_update().get(pk=invitation.participant_id)
    if not invitation.usable():
        raise ValidationError(INVITATION_INVALID, code="invalid")
    if invitation.plan.owner_id == user.pk:
        raise ValidationError(OWNER_CANNOT_BE_PARTICIPANT, code="owner")
    if (
        participant.user_id not in (None, user.pk)
        or Participant.objects.filter(plan=invitation.plan, user=user, is_active=True)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(ALREADY_PARTICIPANT, code="duplicate")
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    access = PlanAccess(plan=invitation.plan, role=AccessLogEntry.ActorRole.PARTICIPANT)
    plan_change_record(
        plan=invitation.plan,
        access=access,
        actor=user,
        action=Action.UPDATE,
        section=Section.PARTICIPANTS,
        target=participant,
        summary=_("%s godtok invitasjonen") % participant.name,
    )
    return invitation
