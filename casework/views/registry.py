"""The coordinator registry and the statistics: for the coordinating unit."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import StaffMembership
from casework import statistics
from casework.charts import bar_chart
from casework.forms import CoordinatorProfileForm
from casework.selectors import coordinator_registry
from casework.services.registry import coordinator_profile_save
from consent.policy import staff_municipality_ids
from ipplan.forms import posted, status_for

Role = StaffMembership.Role


def _municipalities(request) -> frozenset[int]:
    ids = staff_municipality_ids(request.user, Role.CASE_HANDLER)
    if not ids:
        raise Http404
    return ids


def _registry_municipalities(request) -> frozenset[int]:
    """The registry is read by the coordinating unit and by the municipality's
    administrators (who manage staff); only the coordinating unit records training."""
    ids = staff_municipality_ids(request.user, Role.CASE_HANDLER) | staff_municipality_ids(
        request.user, Role.ADMINISTRATOR
    )
    if not ids:
        raise Http404
    return ids


def registry_view(request):
    municipalities = _registry_municipalities(request)
    memberships = (
        StaffMembership.objects.filter(
            municipality_id__in=municipalities, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .order_by("user__first_name", "user__last_name")
    )
    profiles = {
        (p.user_id, p.municipality_id): p
        for p in coordinator_registry(municipality_ids=municipalities)
    }
    rows = [(m, profiles.get((m.user_id, m.municipality_id))) for m in memberships]
    can_edit = staff_municipality_ids(request.user, Role.CASE_HANDLER)
    return render(request, "casework/registry.html", {"rows": rows, "can_edit_in": can_edit})


@require_http_methods(["GET", "POST"])
def profile_edit(request, membership_id):
    membership = get_object_or_404(
        StaffMembership.objects.select_related("user", "municipality"),
        pk=membership_id,
        role=Role.COORDINATOR,
        municipality_id__in=_municipalities(request),
    )
    profile = membership.user.coordinator_profiles.filter(
        municipality=membership.municipality
    ).first()
    initial = (
        {f: getattr(profile, f) for f in CoordinatorProfileForm.base_fields} if profile else {}
    )
    form = CoordinatorProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        coordinator_profile_save(
            membership=membership, acting_user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Koordinatorregisteret er oppdatert."))
        return redirect("casework:registry")
    return render(
        request,
        "casework/profile_form.html",
        {"membership": membership, "form": form},
        status=status_for(form),
    )


def _figures(request):
    municipalities = _municipalities(request)
    months = statistics.monthly(municipality_ids=municipalities)
    return municipalities, months


def statistics_view(request):
    snapshot = statistics.page_snapshot(
        municipality_ids=_municipalities(request), render=_statistics_body
    )
    return render(
        request,
        "casework/statistics.html",
        # the snapshot's own HTML, made by _statistics_body from its figures (escaped there)
        {"body": mark_safe(snapshot.html)},  # noqa: S308
    )


def _statistics_body(snapshot: statistics.Snapshot) -> str:
    """The statistics page's body, once per snapshot (statistics.page_snapshot keeps it): made
    for every view, its charts, table and figures were most of the page's time (issue 14). It
    depends only on the snapshot, the language and the day, as the snapshot's cache key does."""
    months = snapshot.months
    labels = [date_format(m.start, "YEAR_MONTH_FORMAT") for m in months]
    short = [date_format(m.start, "b") for m in months]
    # (title, values, decimals): counts are whole, days one decimal as in the table.
    series = {
        "received": (_("Søknader og meldinger mottatt"), [m.received for m in months], 0),
        "decided": (_("Vedtak fattet"), [m.decided for m in months], 0),
        "median": (
            _("Dager fra mottak til vedtak (median)"),
            [m.median_days for m in months],
            1,
        ),
    }
    charts = {
        key: bar_chart(
            chart_id=key,
            title=title,
            labels=labels,
            values=values,
            short_labels=short,
            decimals=decimals,
        )
        for key, (title, values, decimals) in series.items()
    }
    # The table's rows worked out here, as the template's filters would (floatformat:1, a dash
    # for no value), with the month names the charts already have.
    table = [
        (
            label,
            m.received,
            m.decided,
            floatformat(m.median_days, 1) or "–",
            floatformat(m.p90_days, 1) or "–",
            m.interim_late,
        )
        for label, m in zip(labels, months, strict=True)
    ]
    return render_to_string(
        "casework/statistics_body.html",
        {
            "table": table,
            "charts": charts,
            "plans": snapshot.plans,
            "caseloads": snapshot.caseloads,
            **snapshot.parts,
            "today": timezone.localdate(),
            "computed_at": timezone.localtime(snapshot.computed_at),
            "refresh_minutes": statistics.SNAPSHOT_SECONDS // 60,
        },
    )


def statistics_csv(request):
    _municipalities_ids, months = _figures(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ipplan-statistikk.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "maaned",
            "mottatt",
            "vedtak",
            "median_dager_til_vedtak",
            "p90_dager_til_vedtak",
            "forelopig_svar_for_sent",
        ]
    )
    for m in months:
        writer.writerow(
            [
                m.start.strftime("%Y-%m"),
                m.received,
                m.decided,
                "" if m.median_days is None else f"{m.median_days:.1f}",
                "" if m.p90_days is None else f"{m.p90_days:.1f}",
                m.interim_late,
            ]
        )
    return response
