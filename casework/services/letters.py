"""Letters to the person: rendered as PDF/A, kept with the case, delivered to the inbox in
ipplan; the e-mail only says that a letter has arrived."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Representation
from accounts.notifications import notify_user
from accounts.roles import decides_alone
from casework.archive import letter_archive
from casework.models import Case, CaseAccessLogEntry, Letter, LetterDelivery
from casework.services.deliveries import NOT_PRINTABLE, deliveries_create
from consent.policy import representatives_of
from ipplan.files import private_storage
from ipplan.pdf import render_pdf
from plans.law import legal_references


def case_log(case: Case, actor, action: str, what, detail: str = "") -> None:
    """Who read or changed the case, for the person's insight. `what` is a translatable text,
    stored in bokmål (its source) and translated when shown; `detail` is data such as a name."""
    with translation.override(settings.LANGUAGE_CODE):
        what = str(what)
    CaseAccessLogEntry.objects.create(
        case=case, actor=actor, action=action, what=what[:100], detail=detail[:150]
    )


def letter_read(*, letter: Letter, user, access) -> None:
    """The person's (or their representative's) first opening marks the letter read; the
    coordinating unit's readings are logged for the person by the view (one case-log entry
    per download, see casework.case_reads)."""
    if access.is_person_side and letter.read_at is None:
        Letter.objects.filter(pk=letter.pk, read_at__isnull=True).update(read_at=timezone.now())


def letter_recipients(case: Case) -> list:
    """The person and whoever acts for them (parents of a child, a verge)."""
    representatives = representatives_of(case.person).select_related("representative")
    return [case.person, *(r.representative for r in representatives)]


def letter_create(
    *,
    case: Case,
    kind: str,
    title,
    template: str,
    context: dict,
    acting_user,
    law_codes: tuple[str, ...] = (),
    on=None,
) -> Letter:
    """The letter cites the legal references `law_codes` in force on its day (`law` in the
    template) and keeps them: a letter never changes when the law does."""
    today = timezone.localdate()
    law = legal_references(*law_codes, on=on or today) if law_codes else {}
    # Letters are in the municipality's official language, whatever language the case
    # handler's screen is in.
    with translation.override(settings.LANGUAGE_CODE):
        title = str(title)
        pdf = render_pdf(template, _letter_context(case, title, context, law, acting_user))
    storage = private_storage()
    name = storage.save(f"letters/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    try:
        letter = Letter.objects.create(
            case=case,
            kind=kind,
            title=title,
            recipient=case.person,
            storage_name=name,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            created_by=acting_user,
        )
        letter.legal_references.set(law.values())
        case_log(case, acting_user, "letter", title)
        deliveries_create(letter=letter)
        letter_archive(letter=letter, acting_user=acting_user)
    except Exception:
        storage.delete(name)
        raise
    link = reverse("casework:letter", args=[letter.pk])
    for person in letter_recipients(case):
        notify_user(
            user=person, kind="letter", link=link, dedupe_key=f"letter:{letter.pk}:{person.pk}"
        )
    return letter


def _letter_context(case: Case, title: str, context: dict, law: dict, acting_user) -> dict:
    return {
        **context,
        "case": case,
        "municipality": case.municipality,
        "today": timezone.localdate(),
        "title": title,
        "law": law,
        "handler": acting_user,
        "handler_title": _handler_title(acting_user, case),
        "addressees": letter_addressees(case),
    }


def letter_addressees(case: Case) -> dict | None:
    """For a person who does not yet decide alone (a child under the age of consent), the
    letter is addressed to those who decide for them: {"names": [...], "capacity": "foreldre
    med foreldreansvar for Emma"}; the child is who the letter concerns. None: the person
    is addressed themselves. Called inside the letter's language override."""
    day = timezone.localdate()
    if decides_alone(case.person, day):
        return None
    reps = list(representatives_of(case.person, day, deciding=True))
    if not reps:
        return None
    name = case.person.first_name or case.person.display_name
    if case.is_expected_child:
        # Before the birth nobody has parental responsibility yet: the parents who expect
        # the child are addressed as that.
        capacity = ngettext(
            "forelder som venter barn med termin %(date)s",
            "foreldre som venter barn med termin %(date)s",
            len(reps),
        ) % {"date": date_format(case.expected_on, "DATE_FORMAT")}
    elif all(rep.kind == Representation.Kind.PARENT for rep in reps):
        capacity = ngettext(
            "forelder med foreldreansvar for %(name)s",
            "foreldre med foreldreansvar for %(name)s",
            len(reps),
        ) % {"name": name}
    else:
        capacity = _("de som handler på vegne av %(name)s") % {"name": name}
    names = sorted(rep.representative.display_name for rep in reps)
    return {"names": names, "capacity": capacity}


def letter_preview(
    *, case: Case, title, template: str, context: dict, acting_user, law_codes=(), on=None
) -> SafeString:
    """The letter's body exactly as `letter_create` would print it (same template, context and
    law), for the case handler to read before sending. Nothing is saved or sent."""
    law = legal_references(*law_codes, on=on or timezone.localdate()) if law_codes else {}
    with translation.override(settings.LANGUAGE_CODE):
        title = str(title)
        html = render_to_string(template, _letter_context(case, title, context, law, acting_user))
    body = html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    # Our own template's output, with everything the user wrote already escaped by it.
    return mark_safe(body)  # noqa: S308


def _handler_title(user, case: Case) -> str:
    membership = user.memberships.filter(
        municipality_id=case.municipality_id, role="case_handler"
    ).first()
    return membership.title if membership else ""


def letter_open(letter: Letter):
    return private_storage().open(letter.storage_name, "rb")


@transaction.atomic
def delivery_mark_printed(*, delivery: LetterDelivery, acting_user) -> LetterDelivery:
    """The case handler printed the letter and put it in the post."""
    delivery = LetterDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state not in (LetterDelivery.State.PRINT, LetterDelivery.State.FAILED):
        raise ValueError(NOT_PRINTABLE)
    now = timezone.now()
    delivery.state, delivery.printed_at, delivery.printed_by = (
        LetterDelivery.State.PRINTED,
        now,
        acting_user,
    )
    delivery.state_changed_at = now
    delivery.save(update_fields=["state", "printed_at", "printed_by", "state_changed_at"])
    case_log(
        delivery.letter.case,
        acting_user,
        "letter_printed",
        gettext_lazy("Brev skrevet ut og sendt med post"),
        delivery.addressee.display_name,
    )
    return delivery
