"""The floor: what the stack costs for a logged-in request that does almost nothing."""

from django.http import HttpResponse

from accounts.models import Municipality


def floor(request):
    """Login required (LoginRequiredMiddleware, like every page) and one small query; the
    session, authentication, MFA and security middleware run as for any page."""
    name = Municipality.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(name or "-", content_type="text/plain; charset=utf-8")
