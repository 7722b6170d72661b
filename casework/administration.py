"""The coordinator registry's training records as one of the municipal administrator's tasks
(accounts/administration_tasks.py): how many coordinators there are, and how many have no
training recorded (they cannot be appointed until the coordinating unit records it)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.administration_tasks import Task
from accounts.models import StaffMembership
from casework.models import CoordinatorProfile
from casework.services.deliveries import failed_deliveries_in
from plans.models import ArchiveDelivery
from plans.services.noark import archive_mode


def training_figures(*, municipality_ids) -> dict[str, int]:
    """Active coordinators in these municipalities, and those without recorded training."""
    trained = CoordinatorProfile.objects.filter(
        user_id=OuterRef("user_id"),
        municipality_id=OuterRef("municipality_id"),
        trained_on__isnull=False,
    )
    return (
        StaffMembership.objects.filter(
            municipality_id__in=municipality_ids,
            role=StaffMembership.Role.COORDINATOR,
            is_active=True,
        )
        .annotate(trained=Exists(trained))
        .aggregate(total=Count("pk"), untrained=Count("pk", filter=Q(trained=False)))
    )


def training_task(municipality_ids) -> dict:
    figures = training_figures(municipality_ids=municipality_ids)
    summary = ngettext(
        "%(n)d koordinator i registeret, med opplæring og antall åpne planer.",
        "%(n)d koordinatorer i registeret, med opplæring og antall åpne planer.",
        figures["total"],
    ) % {"n": figures["total"]}
    attention = ""
    if figures["untrained"]:
        attention = ngettext(
            "%(n)d mangler registrert opplæring og kan ikke oppnevnes. Koordinerende enhet "
            "registrerer opplæringen.",
            "%(n)d mangler registrert opplæring og kan ikke oppnevnes. Koordinerende enhet "
            "registrerer opplæringen.",
            figures["untrained"],
        ) % {"n": figures["untrained"]}
    task = Task(
        "training",
        _("Koordinatorer og opplæring"),
        reverse("casework:registry"),
        summary,
        attention,
    )
    return {"training": task}


def failed_letters_task(municipality_ids) -> dict:
    failed = failed_deliveries_in(municipality_ids).order_by().count()
    attention = ""
    if failed:
        attention = ngettext(
            "%(n)d brev kom ikke fram til digital postkasse.",
            "%(n)d brev kom ikke fram til digital postkasse.",
            failed,
        ) % {"n": failed}
    summary = _("Brev til digital postkasse som tjenesten avviste til ipplan ga opp.")
    task = Task(
        "failed_letters",
        _("Brev som ikke kom fram"),
        reverse("casework:failed_deliveries"),
        summary,
        attention,
    )
    return {"failed_letters": task}


def archive_task(municipality_ids) -> dict:
    """The Noark 5 archive: failed deliveries need the administrator (Fiks mode), and the
    monthly packages are downloaded here (package mode). Nothing to show when archiving is off."""
    mode = archive_mode()
    counts = ArchiveDelivery.objects.filter(municipality_id__in=municipality_ids).aggregate(
        total=Count("id"), failed=Count("id", filter=Q(failed_at__isnull=False))
    )
    if not mode and not counts["total"]:
        return {}
    failed = counts["failed"]
    if mode == ArchiveDelivery.Mode.FIKS:
        summary = _("Dokumentene arkiveres i kommunens arkiv gjennom Fiks Arkiv.")
    elif mode == ArchiveDelivery.Mode.PACKAGE:
        summary = _("Last ned månedens arkivpakke og legg den inn i kommunens arkiv.")
    else:
        summary = _("Se hva som er arkivert i kommunens arkiv.")
    attention = ""
    if failed:
        attention = ngettext(
            "%(n)d dokument kom ikke fram til arkivet. Se feilen og send på nytt.",
            "%(n)d dokumenter kom ikke fram til arkivet. Se feilen og send på nytt.",
            failed,
        ) % {"n": failed}
    task = Task("archive", _("Arkiv"), reverse("casework:archive_admin"), summary, attention)
    return {"archive": task}
