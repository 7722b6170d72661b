"""Private files (uploads, archive copies): strict checks on content, storage outside any
public path under generated names. Used by the plans and consent apps."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

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
class StoredFile:
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; ValidationError otherwise."""
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
    return expected, extension


def safe_original_name(name: str) -> str:
    base = PurePath(name).name
    return "".join(ch for ch in base if ch.isprintable() and ch not in '\\/"<>')[:200] or "fil"


def store_upload(upload, *, folder: str) -> StoredFile:
    """Check and store; the caller deletes the file again if its own save fails."""
    content_type, extension = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = private_storage().save(f"{folder}/{uuid.uuid4().hex}{extension}", upload)
    return StoredFile(
        storage_name=name,
        original_name=safe_original_name(upload.name),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
