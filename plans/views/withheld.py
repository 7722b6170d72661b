"""The coordinator decides that a goal, measure or note is kept from the parents, at the child's
request or for weighty considerations for the child (plans/services/withheld.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipplan.forms import posted, status_for
from plans.forms import WithholdForm
from plans.law import legal_references
from plans.models import Goal, Measure, ProgressNote
from plans.sections import SECTION_OF_MODEL
from plans.services.withheld import (
    NOT_ELIGIBLE,
    item_label,
    item_withhold_decide,
    withholding_decisions,
)
from plans.views.helpers import load_plan, log_read, require_write
from plans.withheld import GROUND_LAW, is_withheld, visible, withhold_grounds


@require_http_methods(["GET", "POST"])
def goal_withhold_view(request, plan_id, goal_id):
    return _withhold(request, plan_id, Goal, goal_id)


@require_http_methods(["GET", "POST"])
def measure_withhold_view(request, plan_id, measure_id):
    return _withhold(request, plan_id, Measure, measure_id)


@require_http_methods(["GET", "POST"])
def note_withhold_view(request, plan_id, note_id):
    return _withhold(request, plan_id, ProgressNote, note_id)


def _withhold(request, plan_id, model, item_id):
    section = SECTION_OF_MODEL[model._meta.label_lower]
    plan, access = load_plan(request, plan_id, section=section)
    item = get_object_or_404(visible(model.objects.filter(plan=plan), access), pk=item_id)
    require_write(access, access.can_withhold)
    log_read(request, access, section, target=item)
    withheld = item.withheld_from_parents
    grounds = [] if withheld else withhold_grounds(plan)
    if not withheld and not grounds:
        raise PermissionDenied(NOT_ELIGIBLE)
    form = WithholdForm(posted(request), grounds=grounds)
    if request.method == "POST" and form.is_valid():
        try:
            item_withhold_decide(
                item=item,
                withheld=not withheld,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                ground=form.cleaned_data.get("ground", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Skjermet for foreldrene.") if not withheld else _("Foreldrene ser dette igjen."),
            )
            return redirect(plan.get_absolute_url())
    context = {
        "plan": plan,
        "form": form,
        "item": item,
        "label": item_label(item),
        "withheld": withheld,
        "inherited": not withheld and is_withheld(item),
        "decisions": withholding_decisions(item),
        "laws": _laws(grounds or list(GROUND_LAW)),
    }
    return render(request, "plans/withhold_form.html", context, status=status_for(form))


def _laws(grounds) -> list:
    """The rules behind the grounds offered, in their order (all of them when the item is
    shown to the parents again)."""
    codes = [GROUND_LAW[ground] for ground in grounds]
    found = legal_references(*codes)
    return [found[code] for code in codes]
