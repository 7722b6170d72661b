"""Private files (uploads, archive copies): strict checks on content, storage outside any
public path under generated names. Used by the plans and consent apps."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

FILE_TOO_LARGE = _("Filen er for stor. Største tillatte størrelse er %(limit)s.")
FILE_TYPE_NOT_ALLOWED = _("Filtypen er ikke tillatt. Last opp PDF, ODT, DOCX, PNG eller JPG.")
FILE_CONTENT_MISMATCH = _(
    "Innholdet i filen stemmer ikke med filtypen. Lagre dokumentet på nytt som PDF og prøv igjen."
)
FILE_EMPTY = _("Filen er tom.")
PDF_ACTIVE_CONTENT = _(
    "PDF-filen inneholder skript, lenker til nettsider eller handlinger som starter andre "
    "programmer, og kan ikke lastes opp. Skriv ut dokumentet til en ny PDF og last opp den."
)

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


# What a PDF viewer may run or open by itself: scripts, programs, external addresses, forms
# sent elsewhere, and actions triggered by opening the document or a page (/AA).
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}
)
PDF_WALK_LIMIT = 200_000
# The same names in the raw bytes (after undoing #xx escapes), for files whose structure pypdf
# cannot follow (a broken cross-reference table does not stop a viewer from running them).
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_BYTES = re.compile(
    rb"/(?:JS|JavaScript|AA)(?=[\s/<>\[\]()%{}])"
    rb"|/S\s*/(?:JavaScript|Launch|URI|SubmitForm|ImportData|GoToR|GoToE)(?![A-Za-z])"
)


def _pdf_active_in_bytes(data: bytes) -> bool:
    unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return bool(_PDF_ACTIVE_BYTES.search(unescaped))


def _pdf_active_in_objects(reader: PdfReader) -> bool:
    """Walks every object reachable from the trailer (pages, annotations, name trees,
    outlines, forms, object streams included) looking for an active key or action."""
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > PDF_WALK_LIMIT:
            return True  # a structure this large is refused rather than half checked
        if isinstance(node, DictionaryObject):
            if PDF_ACTIVE_KEYS & set(node.keys()):
                return True
            if node.get("/S") in PDF_ACTIVE_ACTIONS:
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def pdf_has_active_content(upload) -> bool:
    """True when the PDF could run a script, start a program, open an address or send a form
    (checked in the document's objects, and as a guard in the raw bytes)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if _pdf_active_in_bytes(data):
        return True
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False  # nothing readable to walk; the byte check above has run
        return _pdf_active_in_objects(reader)
    except Exception:  # a PDF pypdf cannot read is judged by its bytes alone
        logger.info("pdf upload: structure not readable, checked by bytes only")
        return False


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
    if expected == "application/pdf" and pdf_has_active_content(upload):
        raise ValidationError(PDF_ACTIVE_CONTENT, code="pdf_active")
    return expected, extension


def safe_original_name(name: str) -> str:
    base = PurePath(name).name
    return "".join(ch for ch in base if ch.isprintable() and ch not in '\\/"<>')[:200] or "fil"


def store_upload(upload, *, folder: str) -> StoredFile:
    """Check and store. Prefer `stored_upload`, which deletes the file again if the row that
    refers to it is not saved."""
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


@contextmanager
def stored_upload(upload, *, folder: str) -> Iterator[StoredFile | None]:
    """Check and store `upload` (nothing if there is none) for the row saved in the block; if
    the block raises, the file is deleted again: no file without its row.

        with stored_upload(form_file, folder="subplans") as stored:
            SubPlan.objects.create(storage_name=stored.storage_name, ...)
    """
    stored = store_upload(upload, folder=folder) if upload else None
    try:
        yield stored
    except BaseException:
        if stored is not None:
            private_storage().delete(stored.storage_name)
        raise
