"""In-process figures per page, against the same database the server uses: the query count,
the SQL time and the log rows one view writes (django.test.Client with the persona's session
cookie from the real login, so the middleware and the session are the production ones)."""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def _log_models():
    from casework.models import CaseAccessLogEntry
    from consent.models import AccessLogEntry

    return AccessLogEntry, CaseAccessLogEntry


def _last_pk(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# Views timed for the SQL figure (its median): one view's SQL time moves by a few ms.
SQL_VIEWS = 5


def measure_view(client: Client, path: str) -> dict:
    """Warm-up requests until the view's statements are prepared (a server that has run for
    a while has them: DATABASE_PREPARE_THRESHOLD), then one measured request for the query
    count and the log rows, and the median SQL time of SQL_VIEWS requests. Measured after a
    single warm-up, the SQL time included planning each hand-written statement again."""
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD + 1):
        warm = client.get(path, secure=True)
        if warm.status_code != 200:
            raise RuntimeError(f"GET {path}: {warm.status_code}")
    access_log, case_log = _log_models()
    before = _last_pk(access_log), _last_pk(case_log)
    sql_ms, walls = [], []
    for i in range(SQL_VIEWS):
        sql_seconds = []

        def timed(execute, sql, params, many, context, sql_seconds=sql_seconds):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_seconds.append(time.perf_counter() - started)

        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
            started = time.perf_counter()
            response = client.get(path, secure=True)
            walls.append(time.perf_counter() - started)
        sql_ms.append(sum(sql_seconds) * 1000)
        if i == 0:
            status, count = response.status_code, len(queries.captured_queries)
            rows = (
                access_log.objects.filter(pk__gt=before[0]).count(),
                case_log.objects.filter(pk__gt=before[1]).count(),
            )
    return {
        "status": status,
        "queries": count,
        "sql_ms": round(statistics.median(sql_ms), 2),
        "wall_ms": round(statistics.median(walls) * 1000, 1),
        "access_log_rows": rows[0],
        "case_log_rows": rows[1],
    }


def client_for(cookie_header: str) -> Client:
    client = Client()
    client.cookies.load(cookie_header)
    return client


def measure_pages(pages: list[dict], cookies: dict[str, str], floor: str) -> dict:
    results = {}
    for page in pages:
        results[page["key"]] = measure_view(client_for(cookies[page["persona"]]), page["path"])
    results["floor"] = measure_view(client_for(cookies["koordinator"]), floor)
    return results


def time_decision_letter() -> dict:
    """Write the demo's first decision letter again (render the PDF/A, store it, notify), as
    the decision service does; the first call includes loading fonts, the second is warm."""
    from django.utils import timezone
    from django.utils.translation import gettext_lazy as _

    from casework.models import Decision, Letter
    from casework.services.cases import decision_law_codes
    from casework.services.letters import letter_create
    from plans.law import legal_references

    decision = (
        Decision.objects.select_related("case", "complaint_rule", "decided_by")
        .order_by("pk")
        .first()
    )
    outcomes = {
        "plan": decision.plan_outcome,
        "coordinator": decision.coordinator_outcome,
        "child_coordinator": decision.child_coordinator_outcome,
    }
    rights = [r for r, o in outcomes.items() if o != Decision.Outcome.NOT_ASKED]
    rule = decision.complaint_rule
    today = timezone.localdate()
    seconds = []
    for _round in range(2):
        started = time.perf_counter()
        letter_create(
            case=decision.case,
            kind=Letter.Kind.DECISION,
            title=_("Vedtak om individuell plan og koordinator"),
            template="casework/letters/decision.html",
            context={
                "decision": decision,
                "deadline": decision.complaint_deadline,
                "rights": rights,
                "deadline_law": legal_references(rule.reference_code, on=today)[
                    rule.reference_code
                ],
            },
            law_codes=decision_law_codes(rights, rule),
            on=today,
            acting_user=decision.decided_by,
        )
        seconds.append(round(time.perf_counter() - started, 2))
    return {"first_s": seconds[0], "warm_s": seconds[1]}
