"""Where the sector is blocked: the case report with its Excel export, and the service-level
breach report. For chamber staff, board members, directorate officials and administrators
(permissions.can_see_report); the public is sent to sign in, anyone else gets 403.

The report's numbers cover every case of the period; the lists of single cases (the breach
report and the Excel sheet of cases) hold only the cases the reader may open
(permissions.cases_for): for a directorate official, those referred to the directorate.
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.permissions import role_required
from hamafza.cases import permissions, reports
from hamafza.cases.forms_report import BreachFilterForm, ReportFilterForm
from hamafza.persian.jalali import format_jalali_date

BREACH_PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sees_every_case(user) -> bool:
    return user.has_role(*permissions.READ_ALL)


@role_required(*permissions.REPORT)
def case_report(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters()
    report = reports.cached_case_report(filters) if valid else None
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "filters": filters,
            "report": report,
            "querystring": filters.querystring(),
            "breach_querystring": filters.querystring("filed_from", "filed_to", "category"),
            "filtered": bool(request.GET),
            "sees_every_case": _sees_every_case(request.user),
        },
    )


@role_required(*permissions.REPORT)
def case_report_export(request: HttpRequest) -> HttpResponse:
    """The report of the same filters as an xlsx workbook; filters with errors go back to the
    page, which shows them."""
    form = ReportFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('cases:case_report')}?{request.GET.urlencode()}")
    filters = form.filters()
    report = reports.cached_case_report(filters)
    sees_all = _sees_every_case(request.user)
    listed = filters.apply(permissions.cases_for(request.user))
    scope = (
        _("همه درخواست‌های این بازه")
        if sees_all
        else _("فقط درخواست‌هایی که به اداره کل ارجاع شده‌اند")
    )
    response = HttpResponse(reports.workbook(report, listed, case_scope=scope), content_type=XLSX)
    start = format_jalali_date(filters.start, persian_digits=False, fmt="%Y%m%d")
    end = format_jalali_date(filters.end, persian_digits=False, fmt="%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="case-report-{start}-{end}.xlsx"'
    return response


@role_required(*permissions.REPORT)
def breach_report(request: HttpRequest) -> HttpResponse:
    """Cases past a service-level target or close to it; open ones first."""
    form = BreachFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters()
    now = timezone.now()
    if valid:
        # Without a start date: every open case however old, and the late ones that got their
        # outcome in the last twelve months (so the list does not grow with the years).
        done_since = None if filters.start else now - datetime.timedelta(days=365)
        rows, counts = reports.breach_rows(
            filters.apply(permissions.cases_for(request.user)), now=now, done_since=done_since
        )
    else:
        rows, counts = [], reports.BreachCounts()
    page = Paginator(rows, BREACH_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = reports.attach_cases(list(page.object_list))
    return render(
        request,
        "cases/breaches.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "counts": counts,
            "now": now,
            "warn_percent": settings.HAMAFZA_CASE_WARN_PERCENT,
            "querystring": filters.querystring() if request.GET else "",
            "report_querystring": filters.querystring("filed_from", "filed_to", "category"),
            "filtered": bool(request.GET.keys() - {"page"}),
            "sees_every_case": _sees_every_case(request.user),
        },
    )
