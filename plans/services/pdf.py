"""The plan as PDF/A (the renderer is ipplan/pdf.py), and the reader's copy made once per
version of what they may see.

A large plan takes seconds to lay out, so the reader's PDF is made by a Celery task and kept
in the private storage (like archive copies: outside any public path, served only by the
authorizing view). Its key is made without loading or rendering the plan (a large plan's
print HTML took a second to make, on every request and every "is it ready?"): the plan's
content stamp and the reader's access, language and day as the plan page's cached parts use
them (plans.fragments), and the print template and stylesheet themselves. Any recorded write,
a change in the reader's access, another language or a new print layout makes another key, so
a stale copy is never served and nobody is served a copy made for someone else; what changes
outside the plan (an organisation's or a person's name) is in a copy made from the next day.
An older copy of the same reader and plan is deleted when a new one is stored."""

from __future__ import annotations

import hashlib
import os
import uuid
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from ipplan.files import private_storage
from ipplan.pdf import html_to_pdf
from plans.access import plan_access
from plans.fragments import content_stamp, fragment_key
from plans.sections import Section
from plans.selectors import plan_overview

CACHE_DIR = "plan-pdf"
# The reader's PDF holds the whole plan but only the newest progress notes: a plan with
# thousands of notes took seconds to lay out for pages nobody prints. The PDF says how many
# earlier notes there are and where to read them; the archive copy keeps every note.
PDF_NOTES = 50
PENDING_SECONDS = 300  # a request that finds no copy asks for one at most this often


def _context(overview, *, printed_by: str, printed_at, purpose: str, consents=None) -> dict:
    plan = overview.plan
    notes_shown = len(overview.notes or [])
    return {
        "overview": overview,
        "plan": plan,
        "municipality": plan.municipality,
        "printed_at": printed_at,
        "printed_by": printed_by,
        "purpose": purpose,
        "earlier_notes": max(overview.note_count - notes_shown, 0),
        "notes_url": f"{settings.SITE_URL.rstrip('/')}{reverse('plans:notes', args=[plan.pk])}",
        "consents": consents,
    }


def render_plan_pdf(overview, *, printed_by: str, purpose: str = "print", consents=None) -> bytes:
    """`consents`: the plan's consent history, for the archive copy only (None leaves the
    section out; a reader's copy never has it)."""
    context = _context(
        overview,
        printed_by=printed_by,
        printed_at=timezone.localtime(),
        purpose=purpose,
        consents=consents,
    )
    return html_to_pdf(render_to_string("plans/pdf/plan.html", context))


PRINTED = frozenset(
    {
        Section.ABOUT_ME,
        Section.GOALS,
        Section.MEASURES,
        Section.PARTICIPANTS,
        Section.DOCUMENTS,
        Section.NOTES,
    }
)
PRINT_FILES = ("plans/pdf/plan.html", "plans/pdf/measures.html")


@cache
def _print_layout() -> str:
    """The print template and stylesheet as they are deployed (read once per process)."""
    sources = [get_template(name).template.source for name in PRINT_FILES]
    sources.append(Path(finders.find("css/print.css")).read_text())
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()


def plan_pdf_key(plan, access) -> str:
    """What the reader's PDF of this plan would show now, as a hash (see the module doc)."""
    seed = f"{fragment_key(access, content_stamp(plan))}\n{_print_layout()}"
    return hashlib.sha256(seed.encode()).hexdigest()


def printed_sections(access) -> list[str]:
    """The sections the reader's PDF shows (what its download logs): those of the overview's
    `sections_shown` that the print template has."""
    return [s for s in Section.values if s in PRINTED and access.can_read(s)]


def _folder(plan_id: int, user_id: int) -> str:
    return f"{CACHE_DIR}/{plan_id}/{user_id}"


def plan_pdf_name(*, plan_id: int, user_id: int, key: str) -> str:
    return f"{_folder(plan_id, user_id)}/{key}.pdf"


def plan_pdf_stored(*, plan_id: int, user_id: int, key: str) -> str | None:
    name = plan_pdf_name(plan_id=plan_id, user_id=user_id, key=key)
    return name if private_storage().exists(name) else None


def plan_pdf_make(*, plan, user) -> str:
    """Make and store the reader's PDF of the plan as they may see it now (the Celery task)."""
    access = plan_access(user, plan)
    if not access.can_export:
        raise PermissionDenied
    key = plan_pdf_key(plan, access)
    name = plan_pdf_name(plan_id=plan.pk, user_id=user.pk, key=key)
    storage = private_storage()
    if storage.exists(name):
        return name
    overview = plan_overview(plan, access, notes_limit=PDF_NOTES)
    pdf = render_plan_pdf(overview, printed_by=user.display_name)
    # Written under a temporary name and renamed: a reader never gets half a file.
    temporary = storage.save(
        f"{_folder(plan.pk, user.pk)}/{uuid.uuid4().hex}.tmp", ContentFile(pdf)
    )
    os.replace(storage.path(temporary), storage.path(name))
    _delete_older(storage, plan.pk, user.pk, keep=f"{key}.pdf")
    return name


def _delete_older(storage, plan_id: int, user_id: int, *, keep: str) -> None:
    _, files = storage.listdir(_folder(plan_id, user_id))
    for file in files:
        if file != keep and file.endswith(".pdf"):
            storage.delete(f"{_folder(plan_id, user_id)}/{file}")
