from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.permissions import role_required, signin_required
from hamafza.core.pagination import IdPaginator
from hamafza.core.uploads import serve
from hamafza.persian.text import to_latin_digits
from hamafza.registry import importer, selectors, services
from hamafza.registry.exporter import export
from hamafza.registry.forms import CooperativeForm, DocumentForm, ImportUploadForm, UnionForm
from hamafza.registry.models import (
    Cooperative,
    County,
    Document,
    ImportJob,
    Sector,
    Status,
    Union,
)
from hamafza.registry.permissions import (
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    get_cooperative_for_user,
    get_union_for_user,
)
from hamafza.registry.spreadsheets import write_xlsx
from hamafza.registry.tasks import progress_key

PAGE_SIZES = (25, 50, 100)


def _int(value: str | None) -> int | None:
    try:
        return int(to_latin_digits(value or ""))
    except ValueError:
        return None


def _directory_filters(request: HttpRequest) -> dict:
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:200],
        "county": _int(request.GET.get("county")),
        "sector": _int(request.GET.get("sector")),
        "status": status if status in Status.values else "",
        "union": _int(request.GET.get("union")),
        "board_expired": request.GET.get("board_expired") == "1",
        "sort": request.GET.get("sort", ""),
    }


def cooperative_list(request: HttpRequest) -> HttpResponse:
    filters = _directory_filters(request)
    qs = selectors.cooperative_search(**filters)
    page_size = _int(request.GET.get("page_size")) or PAGE_SIZES[0]
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    paginator = IdPaginator(qs, page_size, fetch=selectors.cooperative_rows)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "querystring": params.urlencode(),
        # Lazy: evaluated only when the cached filter options are rendered again.
        "counties": County.objects.all(),
        "sectors": Sector.objects.all(),
        "unions": Union.objects.only("id", "name").order_by("sort_key"),
        "statuses": Status.choices,
        "sorts": selectors.SORTS,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
    }
    context["can_export"] = request.user.is_authenticated and request.user.has_role(
        *REGISTRY_READERS
    )
    template = "registry/cooperative_list.html"
    if request.htmx and request.htmx.target == "directory-results":
        template += "#results"
    return render(request, template, context)


def cooperative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative, private, editable = get_cooperative_for_user(request.user, pk)
    board = (
        cooperative.board_memberships.select_related("person").order_by("role", "person__full_name")
        if private
        else None
    )
    documents = cooperative.documents.all() if private else None
    cases = _cooperative_cases(request.user, cooperative)
    return render(
        request,
        "registry/cooperative_detail.html",
        {
            "coop": cooperative,
            "private": private,
            "editable": editable,
            "board": board,
            "documents": documents,
            "document_form": DocumentForm() if editable else None,
            "cases": cases,
        },
    )


def _cooperative_cases(user, cooperative: Cooperative) -> dict | None:
    """The cooperative's latest cases, for those who may see them (its representatives and
    the chamber; a union or the directorate only the cases it may see); None for others."""
    from hamafza.cases import selectors as case_selectors
    from hamafza.cases import services as case_services

    if not user.is_authenticated:
        return None
    found = case_selectors.recent_for_cooperative(user, cooperative)
    if found is None:
        return None
    rows, total = found
    return {
        "rows": rows,
        "total": total,
        "can_file": case_services.can_file_for(user, cooperative),
    }


@signin_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative, _private, editable = get_cooperative_for_user(request.user, pk)
    if not editable:
        raise PermissionDenied
    if request.method != "POST":
        return redirect("registry:cooperative_detail", pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.document_add(
            actor=request.user,
            cooperative=cooperative,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
            content_type=form.detected_kind.content_type,
        )
        messages.success(request, _("سند بارگذاری شد."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("registry:cooperative_detail", pk=pk)


def _get_document_for_user(request: HttpRequest, pk: int, document_id: int):
    cooperative, private, editable = get_cooperative_for_user(request.user, pk)
    if not private:
        # Existence of another cooperative's documents is itself private.
        raise Http404
    return get_object_or_404(Document, pk=document_id, cooperative=cooperative), editable


@signin_required
def document_download(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    document, _editable = _get_document_for_user(request, pk, document_id)
    extension = document.original_name.rsplit(".", 1)[-1] if "." in document.original_name else ""
    return serve(
        document.file,
        content_type=document.content_type,
        download_name=f"{document.title}.{extension}" if extension else document.title,
    )


@signin_required
def document_delete(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    document, editable = _get_document_for_user(request, pk, document_id)
    if not editable:
        raise PermissionDenied
    if request.method == "POST":
        services.document_delete(actor=request.user, document=document)
        messages.success(request, _("سند حذف شد."))
    return redirect("registry:cooperative_detail", pk=pk)


@signin_required
def cooperative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative, _private, editable = get_cooperative_for_user(request.user, pk)
    if not editable:
        raise PermissionDenied
    staff = request.user.has_role(*REGISTRY_EDITORS)
    # The form works on its own copy, so the service sees the values before the change.
    form = CooperativeForm(
        request.POST or None, instance=Cooperative.objects.get(pk=pk), staff=staff
    )
    if request.method == "POST" and form.is_valid():
        changes = services.cooperative_update(
            actor=request.user, cooperative=cooperative, **form.changed_values()
        )
        if changes:
            messages.success(request, _("تغییرات ذخیره شد."))
        else:
            messages.info(request, _("چیزی تغییر نکرده بود."))
        return redirect("registry:cooperative_detail", pk=pk)
    return render(
        request,
        "registry/cooperative_edit.html",
        {"coop": cooperative, "form": form, "staff": staff},
        status=422 if form.errors else 200,
    )


def union_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.union_list(q=q), 50).get_page(request.GET.get("page"))
    return render(request, "registry/union_list.html", {"page": page, "q": q})


def union_detail(request: HttpRequest, pk: int) -> HttpResponse:
    union, editable = get_union_for_user(request.user, pk)
    members = union.cooperatives.select_related("county", "sector").order_by("name")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/union_detail.html",
        {
            "union": union,
            "page": page,
            "totals": selectors.union_totals(union),
            "editable": editable,
        },
    )


@signin_required
def union_edit(request: HttpRequest, pk: int) -> HttpResponse:
    union, editable = get_union_for_user(request.user, pk)
    if not editable:
        raise PermissionDenied
    staff = request.user.has_role(*REGISTRY_EDITORS)
    # As for a cooperative: the form works on its own copy, the service sees the old values.
    form = UnionForm(request.POST or None, instance=Union.objects.get(pk=pk), staff=staff)
    if request.method == "POST" and form.is_valid():
        changes = services.union_update(actor=request.user, union=union, **form.changed_values())
        if changes:
            messages.success(request, _("تغییرات ذخیره شد."))
        else:
            messages.info(request, _("چیزی تغییر نکرده بود."))
        return redirect("registry:union_detail", pk=pk)
    return render(
        request,
        "registry/union_edit.html",
        {"union": union, "form": form, "staff": staff},
        status=422 if form.errors else 200,
    )


@role_required(*REGISTRY_READERS)
def cooperative_export(request: HttpRequest) -> HttpResponse:
    """Exactly the directory's current filter, as an xlsx file."""
    qs = selectors.cooperative_search(**_directory_filters(request))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        export(qs, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="cooperatives-{stamp}.xlsx"'
    return response


def _get_job_for_user(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)


@role_required(*REGISTRY_EDITORS)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_start(actor=request.user, uploaded=form.cleaned_data["file"])
        return redirect("registry:import_detail", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:10]
    return render(
        request,
        "registry/import_start.html",
        {"form": form, "jobs": jobs, "columns": importer.COLUMNS},
        status=422 if form.errors else 200,
    )


@role_required(*REGISTRY_EDITORS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    if job.running:
        job.processed, job.total = cache.get(progress_key(job.pk), (0, 0))
    template = "registry/import_detail.html"
    if request.htmx and job.running is False and request.GET.get("poll"):
        # The job finished while the page polled: reload the whole page once.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if request.htmx and request.GET.get("poll"):
        template += "#progress"
    return render(request, template, {"job": job})


@role_required(*REGISTRY_EDITORS)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    if request.method != "POST":
        return redirect("registry:import_detail", pk=pk)
    try:
        services.import_job_confirm(actor=request.user, job=job)
    except ValueError:
        messages.error(request, _("این فایل آماده ورود نیست."))
    return redirect("registry:import_detail", pk=pk)


@role_required(*REGISTRY_EDITORS)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    header = [_("ردیف"), _("ستون"), _("مقدار"), _("مشکل"), _("نوع")]
    rows = [[p["row"], p["column"], p["value"], p["reason"], _("خطا")] for p in job.problems]
    rows += [[p["row"], p["column"], p["value"], p["reason"], _("هشدار")] for p in job.warnings]
    response = HttpResponse(
        write_xlsx(header, iter(rows), title=_("گزارش")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-report-{job.pk}.xlsx"'
    return response
