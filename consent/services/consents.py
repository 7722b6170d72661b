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
from consent.archive import consent_archive
from consent.models import AccessLogEntry, Consent, ConsentCosignature
from consent.policy import (
    consents_to_ip,
    owner_decides_alone,
    parents_who_must_consent,
    plan_access,
    representatives_of,
)
from consent.services.history import record_change
from ipplan.files import stored_upload
from plans import kinds
from plans.models import Plan
from plans.sections import Section
from plans.services.common import ensure_open
from plans.services.conversion import plan_convert_by_consent

Action = AccessLogEntry.Action

NOT_YOURS_TO_DECIDE = _("Bare planeier, eller den som samtykker for planeier, kan bestemme dette.")
ONLY_COORDINATOR = _("Bare koordinatoren for planen kan gjøre dette.")
CONSENT_EXISTS = _("Det er allerede gitt samtykke til planen.")
NO_ACTIVE_CONSENT = _("Det finnes ikke noe samtykke å trekke tilbake.")
BOTH_PARENTS_FOR_A_PLAN = _(
    "Begge foreldrene med foreldreansvar må samtykke til en individuell plan. Ta kontakt med "
    "koordinatoren eller koordinerende enhet, som kan gjøre koordineringen om til plan når den "
    "er innvilget."
)
NOT_YOURS_TO_CONSENT_TO_IP = _(
    "Bare den som samtykker til en individuell plan for barnet, kan gjøre dette: foreldrene "
    "med foreldreansvar, barneverntjenesten når den har overtatt omsorgen, eller den unge selv "
    "fra 16 år."
)
IP_CONSENT_EXISTS = _("Det er allerede gitt samtykke til individuell plan.")
ALREADY_SIGNED = _(
    "Du har allerede samtykket. Samtykket gjelder når den andre forelderen også har samtykket."
)

# The information the person reads before consenting (stored with each consent, as given).
PLAN_CONSENT_TEXT = kinds.PLAN_CONSENT_TEXT
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
    role = {
        Representation.Kind.PARENT: Consent.GiverRole.PARENT,
        Representation.Kind.CHILD_WELFARE: Consent.GiverRole.CHILD_WELFARE,
    }.get(representation.kind, Consent.GiverRole.GUARDIAN)
    return role, representation.basis


def _notify_parents(plan: Plan, others, kind: str, day: datetime.date) -> None:
    """The other parents hear of it (a link, no content): to co-sign, or that it is done."""
    for user in others:
        notify(
            kind=kind,
            user=user,
            link=reverse("consent:overview", args=[plan.pk]),
            dedupe_key=f"{kind}:{plan.pk}:{user.pk}:{day}",
        )


@transaction.atomic
def plan_consent_give(*, plan: Plan, acting_user, child_view: str = "") -> Consent:
    """The owner (from the age of consent), a verge, or a parent confirms in ipplan. For a
    child, the consent is in force once every parent with parental responsibility has given it:
    the first parent opens it, each other parent co-signs it, and the last one completes it."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    day = timezone.localdate()
    role, basis = _giver_role(acting_user, plan, day)
    parents = {rep.representative_id: rep for rep in parents_who_must_consent(plan, day)}
    pending = (
        Consent.objects.select_for_update()
        .filter(plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True)
        .first()
    )
    if pending is not None and _given_for_a_minor(pending) and role == Consent.GiverRole.OWNER:
        return _own_consent(pending, access, acting_user, day)
    if pending is not None:
        return _cosign(pending, access, acting_user, basis, parents, day)
    consent = Consent(
        plan=plan,
        kind=Consent.Kind.PLAN,
        given_by=acting_user,
        given_by_name=acting_user.display_name,
        given_by_role=role,
        basis=basis,
        method=Consent.Method.DIGITAL,
        recorded_by=acting_user,
        covers=str(plan.kind_info.consent_text),
        valid_from=day,
        child_view=child_view if not owner_decides_alone(plan, day) else "",
        complete_at=None if set(parents) - {acting_user.pk} else timezone.now(),
    )
    _save_plan_consent(consent)
    if consent.complete_at:
        consent_archive(consent)
    record_change(
        access,
        consent,
        gettext_noop("Samtykke til planen ble gitt i ipplan")
        if consent.complete_at
        else gettext_noop("Den ene forelderen samtykket til planen; den andre må også samtykke"),
        action=Action.CREATE,
    )
    others = [rep.representative for pk, rep in parents.items() if pk != acting_user.pk]
    _notify_parents(plan, others, "consent_awaiting" if others else "consent_given", day)
    return consent


def _given_for_a_minor(consent: Consent) -> bool:
    return consent.complete_at is not None and consent.given_by_role in (
        Consent.GiverRole.PARENT,
        Consent.GiverRole.CHILD_WELFARE,
    )


def _own_consent(earlier: Consent, access, owner, day) -> Consent:
    """The young person, now deciding, gives their own consent: it replaces the one given for
    them as a child, and the plan goes on."""
    now = timezone.now()
    earlier.withdrawn_at, earlier.withdrawn_by = now, owner
    earlier.save(update_fields=["withdrawn_at", "withdrawn_by"])
    consent = Consent(
        plan=earlier.plan,
        kind=Consent.Kind.PLAN,
        given_by=owner,
        given_by_name=owner.display_name,
        given_by_role=Consent.GiverRole.OWNER,
        method=Consent.Method.DIGITAL,
        recorded_by=owner,
        covers=str(earlier.plan.kind_info.consent_text),
        valid_from=day,
        complete_at=now,
    )
    _save_plan_consent(consent)
    consent_archive(consent)
    earlier.replaced_by = consent
    earlier.save(update_fields=["replaced_by"])
    record_change(
        access,
        consent,
        gettext_noop("Planeier ga sitt eget samtykke, som erstatter samtykket gitt for barnet"),
        action=Action.CREATE,
    )
    return consent


def _cosign(consent: Consent, access, acting_user, basis: str, parents: dict, day) -> Consent:
    if consent.complete_at is not None:
        raise ValidationError(CONSENT_EXISTS, code="exists")
    signed = {consent.given_by_id, *consent.cosignatures.values_list("given_by_id", flat=True)}
    if acting_user.pk in signed:
        raise ValidationError(ALREADY_SIGNED, code="signed")
    ConsentCosignature.objects.create(
        consent=consent,
        given_by=acting_user,
        given_by_name=acting_user.display_name,
        basis=basis,
    )
    signed.add(acting_user.pk)
    if not set(parents) - signed:
        consent.complete_at = timezone.now()
        consent.save(update_fields=["complete_at"])
        consent_archive(consent)
    record_change(
        access,
        consent,
        gettext_noop("Samtykke til planen ble gitt i ipplan")
        if consent.complete_at
        else gettext_noop("Den ene forelderen samtykket til planen; den andre må også samtykke"),
        action=Action.CREATE,
    )
    others = [rep.representative for pk, rep in parents.items() if pk not in signed]
    if consent.complete_at:
        done = [rep.representative for pk, rep in parents.items() if pk != acting_user.pk]
        _notify_parents(consent.plan, done, "consent_given", day)
    else:
        _notify_parents(consent.plan, others, "consent_awaiting", day)
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
    """The coordinator registers a consent signed on paper, with the scanned form, signed by
    everyone who must consent (the form says so). Where one parent has already consented in
    ipplan, the form is the other parent's signature and completes that consent."""
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied(ONLY_COORDINATOR)
    pending = (
        Consent.objects.select_for_update()
        .filter(plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True)
        .first()
    )
    if pending is not None and pending.complete_at is None:
        with stored_upload(signed_form, folder="consents") as stored:
            ConsentCosignature.objects.create(
                consent=pending,
                given_by_name=given_by_name,
                basis=basis,
                recorded_by=acting_user,
                paper_storage_name=stored.storage_name,
                paper_sha256=stored.sha256,
            )
            pending.complete_at = timezone.now()
            pending.save(update_fields=["complete_at"])
            consent_archive(pending)
            record_change(
                access,
                pending,
                gettext_noop("Signert samtykke til planen ble registrert"),
                action=Action.CREATE,
            )
        return pending
    with stored_upload(signed_form, folder="consents") as stored:
        consent = Consent(
            plan=plan,
            kind=Consent.Kind.PLAN,
            given_by_name=given_by_name,
            given_by_role=given_by_role,
            basis=basis,
            method=Consent.Method.PAPER,
            recorded_by=acting_user,
            covers=str(plan.kind_info.consent_text),
            valid_from=timezone.localdate(),
            child_view=child_view,
            paper_storage_name=stored.storage_name,
            paper_sha256=stored.sha256,
            # The coordinator confirms that the form is signed by everyone who must consent.
            complete_at=timezone.now(),
        )
        consent.full_clean(validate_constraints=False)
        _save_plan_consent(consent)
        consent_archive(consent)
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
    # A relay log's consent to an individual plan goes with it.
    Consent.objects.filter(plan=plan, kind=Consent.Kind.IP, withdrawn_at__isnull=True).update(
        withdrawn_at=consent.withdrawn_at, withdrawn_by=acting_user
    )
    consent_archive(consent, withdrawal=True)
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
            # The coordinator confirms that the form is signed by everyone who must consent.
            complete_at=timezone.now(),
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


@transaction.atomic
def plan_consent_to_ip(*, plan: Plan, acting_user) -> Plan:
    """The person (or the one who consents for them alone) consents to an individual plan on
    their coordinator's record: the consent to the plan replaces the consent to coordination,
    and the record becomes the plan, keeping everything."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.kind == Plan.Kind.RELAY_LOG:
        return relay_log_consent_to_ip(plan=plan, acting_user=acting_user)
    access = plan_access(acting_user, plan)
    if not access.can_manage_access:
        raise PermissionDenied(NOT_YOURS_TO_DECIDE)
    day = timezone.localdate()
    role, basis = _giver_role(acting_user, plan, day)
    if {rep.representative_id for rep in parents_who_must_consent(plan, day)} - {acting_user.pk}:
        raise ValidationError(BOTH_PARENTS_FOR_A_PLAN, code="both_parents")
    now = timezone.now()
    earlier = (
        Consent.objects.select_for_update()
        .filter(plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True)
        .first()
    )
    if earlier is not None:
        earlier.withdrawn_at, earlier.withdrawn_by = now, acting_user
        earlier.save(update_fields=["withdrawn_at", "withdrawn_by"])
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
        complete_at=now,
    )
    _save_plan_consent(consent)
    if earlier is not None:
        earlier.replaced_by = consent
        earlier.save(update_fields=["replaced_by"])
    record_change(
        access,
        consent,
        gettext_noop("Samtykke til individuell plan ble gitt i ipplan"),
        action=Action.CREATE,
    )
    plan_convert_by_consent(plan=plan, access=access, consented_by=acting_user.display_name)
    if plan.coordinator is not None:
        # Content-free, as every notification: the coordinator has the plan to make now.
        notify(
            kind="reminder",
            user=plan.coordinator,
            link=reverse("plans:detail", args=[plan.pk]),
            dedupe_key=f"consent_to_ip:{plan.pk}",
        )
    return plan


@transaction.atomic
def relay_log_consent_to_ip(*, plan: Plan, acting_user) -> Plan:
    """The owner's side consents to an individual plan on a relay log, by the rules for an
    individual plan: for a child every parent with parental responsibility (the first parent's
    consent waits, the others are told without content and co-sign it), the child welfare
    service where it has taken over care, a verge, or the young person from 16. Once complete,
    the holder can continue the relay log as an individual plan (plans.services.relay)."""
    plan = Plan.objects.select_for_update().select_related("owner", "municipality").get(pk=plan.pk)
    ensure_open(plan)
    access = plan_access(acting_user, plan)
    day = timezone.localdate()
    alone, deciders = consents_to_ip(plan, day)
    if alone:
        if acting_user.pk != plan.owner_id:
            raise PermissionDenied(NOT_YOURS_TO_CONSENT_TO_IP)
        role, basis = Consent.GiverRole.OWNER, ""
    else:
        mine = next((rep for rep in deciders if rep.representative_id == acting_user.pk), None)
        if mine is None:
            raise PermissionDenied(NOT_YOURS_TO_CONSENT_TO_IP)
        role = {
            Representation.Kind.PARENT: Consent.GiverRole.PARENT,
            Representation.Kind.CHILD_WELFARE: Consent.GiverRole.CHILD_WELFARE,
        }.get(mine.kind, Consent.GiverRole.GUARDIAN)
        basis = mine.basis
    parents = {
        rep.representative_id: rep for rep in deciders if rep.kind == Representation.Kind.PARENT
    }
    pending = (
        Consent.objects.select_for_update()
        .filter(plan=plan, kind=Consent.Kind.IP, withdrawn_at__isnull=True)
        .first()
    )
    if pending is not None:
        if pending.complete_at is not None:
            raise ValidationError(IP_CONSENT_EXISTS, code="exists")
        signed = {pending.given_by_id, *pending.cosignatures.values_list("given_by_id", flat=True)}
        if acting_user.pk in signed:
            raise ValidationError(ALREADY_SIGNED, code="signed")
        ConsentCosignature.objects.create(
            consent=pending,
            given_by=acting_user,
            given_by_name=acting_user.display_name,
            basis=basis,
        )
        signed.add(acting_user.pk)
        consent = pending
        if not set(parents) - signed:
            consent.complete_at = timezone.now()
            consent.save(update_fields=["complete_at"])
    else:
        signed = {acting_user.pk}
        consent = Consent(
            plan=plan,
            kind=Consent.Kind.IP,
            given_by=acting_user,
            given_by_name=acting_user.display_name,
            given_by_role=role,
            basis=basis,
            method=Consent.Method.DIGITAL,
            recorded_by=acting_user,
            covers=str(PLAN_CONSENT_TEXT),
            valid_from=day,
            complete_at=None if set(parents) - signed else timezone.now(),
        )
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:
            raise ValidationError(IP_CONSENT_EXISTS, code="exists") from None
    record_change(
        access,
        consent,
        gettext_noop("Samtykke til individuell plan ble gitt i ipplan")
        if consent.complete_at
        else gettext_noop(
            "Den ene forelderen samtykket til individuell plan; den andre må også samtykke"
        ),
        action=Action.CREATE,
    )
    if consent.complete_at:
        done = [rep.representative for pk, rep in parents.items() if pk != acting_user.pk]
        _notify_parents(plan, done, "consent_given", day)
        if plan.coordinator is not None:
            # Content-free: the holder can now continue the relay log as an individual plan.
            notify(
                kind="reminder",
                user=plan.coordinator,
                link=reverse("plans:detail", args=[plan.pk]),
                dedupe_key=f"consent_to_ip:{plan.pk}",
            )
    else:
        others = [rep.representative for pk, rep in parents.items() if pk not in signed]
        _notify_parents(plan, others, "consent_awaiting", day)
    return plan
