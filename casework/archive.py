"""What the coordinating unit's documents say to the Noark 5 archive: each letter (decision,
interim reply, rejection, forwarding) and a complaint's case file goes into the case's folder
(one per case, for the person) as a registry entry, recorded in the same transaction as the
document (plans/services/noark.py delivers it). The metadata is in the municipality's official
language, like the letters themselves; the public titles leave the person's name out."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from casework.models import Case, Letter
from plans.models import ArchiveDelivery
from plans.noark.arkivmelding import ENTRY_NOTE, ENTRY_OUTGOING, SCREENED, ArchiveDocument
from plans.services.noark import archive_delivery_record

FOLDER_TITLE = "Individuell plan og koordinator, sak %(number)s: %(name)s"


def _folder(case: Case) -> dict:
    name = case.person.display_name
    return {
        "folder_key": f"case:{case.pk}",
        "folder_title": FOLDER_TITLE % {"number": case.number, "name": name},
        "folder_public_title": FOLDER_TITLE % {"number": case.number, "name": SCREENED},
        "national_id": case.person.get_national_id(),
        "unit": case.municipality.coordinating_unit_name,
    }


def letter_archive(
    *, letter: Letter, acting_user, mode: str | None = None
) -> ArchiveDelivery | None:
    """The letter as sent, to the case's folder; called inside letter_create's transaction."""
    case = letter.case
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(Letter.Kind(letter.kind).label)
    doc = ArchiveDocument(
        **_folder(case),
        title=f"{kind}: {letter.title}",
        public_title=f"{kind}: {letter.title}",
        entry=ENTRY_OUTGOING,
        document_date=timezone.localdate(letter.created_at),
        created_at=letter.created_at,
        author=acting_user.display_name,
        correspondent=case.person.display_name,
        filename=f"brev-{letter.pk}.pdf",
        sha256=letter.sha256,
        size=letter.size,
    )
    return archive_delivery_record(
        municipality=case.municipality,
        plan=None,
        kind=ArchiveDelivery.Kind.LETTER,
        source=f"letter:{letter.pk}",
        doc=doc,
        storage_name=letter.storage_name,
        mode=mode,
    )


def case_file_archive(
    *, case: Case, complaint_id: int, storage_name: str, sha256: str, size: int, acting_user
) -> ArchiveDelivery | None:
    """The case file sent to the county governor with a complaint, to the case's folder."""
    now = timezone.now()
    title = "Saksdokumenter til Statsforvalteren (klage)"
    doc = ArchiveDocument(
        **_folder(case),
        title=title,
        public_title=title,
        entry=ENTRY_NOTE,
        document_date=timezone.localdate(now),
        created_at=now,
        author=acting_user.display_name,
        correspondent=case.municipality.coordinating_unit_name,
        filename=f"saksdokumenter-klage-{complaint_id}.pdf",
        sha256=sha256,
        size=size,
    )
    return archive_delivery_record(
        municipality=case.municipality,
        plan=None,
        kind=ArchiveDelivery.Kind.CASE_FILE,
        source=f"case_file:{complaint_id}",
        doc=doc,
        storage_name=storage_name,
    )
