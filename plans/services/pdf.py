"""The plan as PDF/A (the renderer is ipplan/pdf.py), and the reader's copy made once per
version of what they may see.

A large plan takes seconds to lay out, so the reader's PDF is made by a Celery task and kept
in the private storage (like archive copies: outside any public path, served only by the
authorizing view). Its key is the SHA-256 of the print HTML itself (without the print time),
of the reader and of the language: any write that changes what the PDF would show, a change
in the reader's access, or another language makes another key, so a stale copy is never
served and nobody is served a copy made for someone else. An older copy of the same reader
and plan is deleted when a new one is stored."""

from __future__ import annotations

import hashlib
import os
import uuid

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ipplan.files import private_storage
from ipplan.pdf import html_to_pdf
from plans.access import plan_access
from plans.selectors import plan_overview

CACHE_DIR = "plan-pdf"
PENDING_SECONDS = 300  # a request that finds no copy asks for one at most this often


def _context(overview, *, printed_by: str, printed_at, purpose: str) -> dict:
    plan = overview.plan
    return {
        "overview": overview,
        "plan": plan,
        "municipality": plan.municipality,
        "printed_at": printed_at,
        "printed_by": printed_by,
        "purpose": purpose,
    }


def render_plan_pdf(overview, *, printed_by: str, purpose: str = "print") -> bytes:
    context = _context(
        overview, printed_by=printed_by, printed_at=timezone.localtime(), purpose=purpose
    )
    return html_to_pdf(render_to_string("plans/pdf/plan.html", context))


def plan_pdf_key(overview, *, user) -> str:
    """What the reader's PDF of this plan would show now, as a hash (see the module doc)."""
    html = render_to_string(
        "plans/pdf/plan.html",
        _context(overview, printed_by=user.display_name, printed_at=None, purpose="print"),
    )
    seed = f"{overview.plan.pk}\n{user.pk}\n{translation.get_language()}\n{html}"
    return hashlib.sha256(seed.encode()).hexdigest()


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
    overview = plan_overview(plan, access, notes_limit=None)
    key = plan_pdf_key(overview, user=user)
    name = plan_pdf_name(plan_id=plan.pk, user_id=user.pk, key=key)
    storage = private_storage()
    if storage.exists(name):
        return name
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
