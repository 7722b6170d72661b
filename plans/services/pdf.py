"""The plan as PDF/A (the renderer is ipplan/pdf.py)."""

from __future__ import annotations

from django.utils import timezone

from ipplan.pdf import render_pdf


def render_plan_pdf(overview, *, printed_by: str, purpose: str = "print") -> bytes:
    plan = overview.plan
    context = {
        "overview": overview,
        "plan": plan,
        "municipality": plan.municipality,
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "purpose": purpose,
    }
    return render_pdf("plans/pdf/plan.html", context)
