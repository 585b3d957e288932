from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from hamafza.accounts.models import Role
from hamafza.accounts.permissions import role_required
from hamafza.core.models import AuditEvent
from hamafza.registry import selectors as registry_selectors


def home(request: HttpRequest) -> HttpResponse:
    overview = registry_selectors.province_overview()
    return render(request, "core/home.html", {"overview": overview})


@role_required(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    actor = request.GET.get("actor", "").strip()
    if actor:
        events = events.filter(actor__username=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action, "actor": actor})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def _api_error(request: HttpRequest, detail: str, status: int) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return None


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, _("پیدا نشد."), 404) or defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, _("اجازه این کار را ندارید."), 403) or defaults.permission_denied(
        request, exception
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _api_error(
        request, _("خطای پیش‌بینی‌نشده در سامانه رخ داد."), 500
    ) or defaults.server_error(request)
