"""Sub-plans and documents: strict size and type checks on the content, not only the name,
and storage outside any public path under a generated name."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, SubPlan
from plans.sections import Section
from plans.services.common import Action, access_for, record_change

FILE_TOO_LARGE = _("Filen er for stor. Største tillatte størrelse er %(limit)s.")
FILE_TYPE_NOT_ALLOWED = _("Filtypen er ikke tillatt. Last opp PDF, ODT, DOCX, PNG eller JPG.")
FILE_CONTENT_MISMATCH = _(
    "Innholdet i filen stemmer ikke med filtypen. Lagre dokumentet på nytt som PDF og prøv igjen."
)
FILE_EMPTY = _("Filen er tom.")

ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES_BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".odt": ODT,
    ".docx": DOCX,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def _zip_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").decode("ascii", "replace").strip() == ODT
            ):
                return ODT
            # Macro-enabled documents (vbaProject.bin) are refused even when renamed .docx.
            if {"[Content_Types].xml", "word/document.xml"} <= names and not any(
                name.lower().endswith("vbaproject.bin") for name in names
            ):
                return DOCX
    except zipfile.BadZipFile:
        return None
    return None


def sniff_content_type(upload) -> str | None:
    """The type the bytes say they are, or None for anything we do not accept."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    return None


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int


def check_upload(upload) -> CheckedUpload:
    if upload.size == 0:
        raise ValidationError(FILE_EMPTY, code="empty")
    if upload.size > settings.IPPLAN_UPLOAD_MAX_BYTES:
        raise ValidationError(
            FILE_TOO_LARGE % {"limit": filesizeformat(settings.IPPLAN_UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    expected = TYPES_BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(FILE_TYPE_NOT_ALLOWED, code="type")
    if sniff_content_type(upload) != expected:
        raise ValidationError(FILE_CONTENT_MISMATCH, code="content")
    return CheckedUpload(content_type=expected, extension=extension, size=upload.size)


def _safe_original_name(name: str) -> str:
    base = PurePath(name).name
    return "".join(ch for ch in base if ch.isprintable() and ch not in '\\/"<>')[:200] or "fil"


@transaction.atomic
def subplan_upload(*, plan: Plan, kind: str, title: str, upload, acting_user) -> SubPlan:
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.DOCUMENTS))
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    storage_name = f"subplans/{uuid.uuid4().hex}{checked.extension}"
    subplan = SubPlan(
        plan=plan,
        kind=kind,
        title=title,
        storage_name=storage_name,
        original_name=_safe_original_name(upload.name),
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
    )
    subplan.full_clean()
    storage = private_storage()
    subplan.storage_name = storage.save(storage_name, upload)
    try:
        subplan.save()
        record_change(
            plan=plan,
            access=access,
            actor=acting_user,
            action=Action.CREATE,
            section=Section.DOCUMENTS,
            target=subplan,
            summary=str(_("Nytt dokument: %s") % subplan.title),
        )
    except Exception:
        storage.delete(subplan.storage_name)  # no file without its row
        raise
    return subplan


def subplan_open(subplan: SubPlan):
    return private_storage().open(subplan.storage_name, "rb")
