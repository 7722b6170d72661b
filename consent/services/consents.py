"""Consent records: to the plan (digital or on paper), and to sharing with a participant."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Representation
from accounts.notifications import notify
from consent.models import AccessLogEntry, Consent
from consent.policy import owner_decides_alone, plan_access, representatives_of
from consent.services.history import record_change
from ipplan.files import stored_upload
from plans.models import Plan
from plans.sections import Section

Action = AccessLogEntry.Action

NOT_YOURS_TO_DECIDE = _("Bare planeier, eller den som samtykker for planeier, kan bestemme dette.")
ONLY_COORDINATOR = _("Bare koordinatoren for planen kan gjøre dette.")
CONSENT_EXISTS = _("Det er allerede gitt samtykke til planen.")
NO_ACTIVE_CONSENT = _("Det finnes ikke noe samtykke å trekke tilbake.")

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


def _giver_role(user, plan: Plan, day: datetime.date) -> tuple[str, str]:
    if user.pk == plan.owner_id:
        return Consent.GiverRole.OWNER, ""
    representation = (
        representatives_of(plan.owner, day, deciding=True).filter(representative=user).first()
    )
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
    for representation in representatives_of(plan.owner, day, deciding=True).exclude(
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
    record_change(
        access,
        consent,
        gettext_noop("Samtykke til planen ble gitt i ipplan"),
        action=Action.CREATE,
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
    with stored_upload(signed_form, folder="consents") as stored:
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
        record_change(
            access,
            consent,
            gettext_noop("Signert samtykke til planen ble registrert"),
            action=Action.CREATE,
        )
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


def _section_labels(levels: dict[str, str | None]) -> str:
    return ", ".join(str(Section(s).label) for s, level in levels.items() if level)


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
