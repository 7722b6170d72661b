from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipplan.forms import posted, posted_files, status_for
from plans.forms import SubPlanForm
from plans.models import SubPlan
from plans.sections import Action, Section
from plans.services.documents import subplan_open, subplan_upload
from plans.views.helpers import back_to_section, load_plan, log_read, require_write


@require_http_methods(["GET", "POST"])
def subplan_upload_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.DOCUMENTS)
    require_write(access, access.can_write(Section.DOCUMENTS))
    form = SubPlanForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subplan_upload(
                plan=plan,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return back_to_section(request, plan, "documents", _("Dokumentet er lastet opp."))
    return render(
        request, "plans/subplan_form.html", {"plan": plan, "form": form}, status=status_for(form)
    )


def subplan_download(request, plan_id, subplan_id):
    """Served only here, after the access check, always as an attachment."""
    plan, access = load_plan(request, plan_id, section=Section.DOCUMENTS)
    subplan = get_object_or_404(SubPlan, pk=subplan_id, plan=plan)
    log_read(request, access, Section.DOCUMENTS, action=Action.DOWNLOAD, target=subplan)
    return FileResponse(
        subplan_open(subplan),
        as_attachment=True,
        filename=subplan.original_name,
        content_type=subplan.content_type,
    )
