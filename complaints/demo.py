"""Demo data for complaints (run by `manage.py seed_demo` after casework): Lars has complained
that Emma's plan is not followed (the school's measures have stopped), and the case handler
has started the first-instance review. Idempotent: skipped when the complaint is there."""

from __future__ import annotations

from accounts.models import User
from casework.models import Case
from complaints.models import Complaint
from complaints.services import complaint_file, complaint_start_review
from ipplan.democlock import demo_day


def seed(stdout) -> None:
    case = (
        Case.objects.filter(person__username="emma", municipality__slug="fjordvik")
        .prefetch_related("decisions")
        .first()
    )
    if case is None or Complaint.objects.filter(case=case).exists():
        return
    lars = User.objects.get(username="foresatt")
    mona = User.objects.get(username="saksbehandler")
    with demo_day(-6, 20):
        complaint = complaint_file(
            case=case,
            decision=case.decisions.get(),
            ground="plan_not_followed",
            text="Skolen har sluttet med tiltakene i Emmas plan, og ingen har sagt fra til oss.",
            acting_user=lars,
        )
    with demo_day(-5, 9):
        complaint_start_review(complaint=complaint, acting_user=mona)
    stdout.write(f"Demo complaint about Emma's decision: /klager/{complaint.pk}/\n")
