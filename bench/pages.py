"""The pages `make bench` drives (issue 14's table), each with the persona that opens it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.urls import reverse

FLOOR_PATH = "/bench/floor/"
PERSONAS = {
    # username: needs a second factor (staff)
    "innbygger": False,
    "koordinator": True,
    "saksbehandler": True,
}


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    persona: str
    path: str


def current_pages() -> dict:
    """The pages for the data in the database now: the coordinator's plan page is the large
    plan once it exists (scale L and XL), else the owner's demo plan."""
    from bench.seed import LARGE_OWNER
    from plans.models import Plan

    open_plans = Plan.objects.exclude(status=Plan.Status.CLOSED)
    owner_plan = open_plans.get(owner__username="innbygger")
    large = open_plans.filter(owner__username=LARGE_OWNER).first()
    coordinated = large or owner_plan
    pages = [
        Page("owner_plan", "owner's plan page", "innbygger", owner_plan.get_absolute_url()),
        Page(
            "coordinator_plan",
            "coordinator's plan page" + (" (large plan)" if large else ""),
            "koordinator",
            coordinated.get_absolute_url(),
        ),
        Page(
            "plan_list", "coordinator's plan list", "koordinator", reverse("plans:coordinator_list")
        ),
        Page("work_queue", "work queue", "saksbehandler", reverse("casework:case_queue")),
        Page("statistics", "statistics", "saksbehandler", reverse("casework:statistics")),
        Page(
            "access_log",
            "owner's access log",
            "innbygger",
            reverse("consent:log", args=[owner_plan.pk]),
        ),
    ]
    return {
        "pages": [asdict(p) for p in pages],
        "floor": FLOOR_PATH,
        "pdf": {
            "path": reverse("plans:pdf", args=[coordinated.pk]),
            # A first PDF after the worker starts, of another plan: it loads the fonts and the
            # layout engine, as every worker does once in its life.
            "warm_path": reverse("plans:pdf", args=[owner_plan.pk]),
            "persona": "koordinator",
            "large": large is not None,
        },
    }
