"""Proposals (پیشنهادها): submitted by board members, unions and cooperatives, supported and
discussed by every signed-in person, put on a meeting's agenda or answered by the staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from hamafza.accounts.models import Role
from hamafza.accounts.permissions import role_required, signin_required
from hamafza.core.uploads import serve
from hamafza.decisions import permissions, services
from hamafza.decisions.forms_proposals import (
    CommentForm,
    DeclineForm,
    ProposalForm,
    ToAgendaForm,
    upcoming_meetings,
)
from hamafza.decisions.models import (
    AgendaItem,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    ProposalSupport,
)
from hamafza.decisions.views_library import in_library_order

PAGE_SIZE = 25
# Who may submit a proposal (services.proposal_submit checks the same).
PROPOSERS = (Role.BOARD, Role.UNION, Role.COOPERATIVE, Role.STAFF, Role.ADMIN)
MANAGERS = services.MEETING_MANAGERS


def _url_or_none(name: str, *args) -> str | None:
    """The address of a page of another area, or None while that area is not built."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _count_of(model) -> Coalesce:
    rows = (
        model.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@signin_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in Proposal.State.values else ""
    qs = (
        Proposal.objects.select_related("submitted_by", "cooperative", "union")
        .defer("text", "legal_basis", "answer")
        .annotate(supporters=_count_of(ProposalSupport), comment_count=_count_of(ProposalComment))
        .order_by("-created_at", "-id")
    )
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = dict(
        Proposal.objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    states = [(value, label, totals.get(value, 0)) for value, label in Proposal.State.choices]
    return render(
        request,
        "decisions/proposal_list.html",
        {
            "page": page,
            "state": state,
            "states": states,
            "total": sum(totals.values()),
            "querystring": f"state={state}" if state else "",
            "can_create": request.user.has_role(*PROPOSERS),
        },
    )


def _legal_basis_text(proposal: Proposal) -> str:
    """The proposal's legal basis with the titles of the laws it cites, for the agenda item
    (and so for the resolution it may become)."""
    lines = [proposal.legal_basis] if proposal.legal_basis else []
    lines += [f"— {doc.title}" for doc in proposal.legal_documents.all()]
    return "\n".join(lines)


@role_required(*PROPOSERS)
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        stored = []
        try:
            with transaction.atomic():
                proposal = services.proposal_submit(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    legal_basis=form.cleaned_data["legal_basis"],
                    legal_documents=form.cleaned_data["legal_documents"],
                    **form.organisation(),
                )
                for uploaded, kind in form.detected:
                    attachment = services.proposal_attach(
                        actor=request.user,
                        proposal=proposal,
                        uploaded=uploaded,
                        content_type=kind.content_type,
                    )
                    stored.append(attachment.file)
        except BaseException as error:
            # Nothing was saved in the database; remove the files already written.
            for field_file in stored:
                field_file.storage.delete(field_file.name)
            if not isinstance(error, ValidationError):
                raise
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("پیشنهاد شما ثبت شد."))
            return redirect("decisions:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "decisions/proposal_create.html",
        {
            "form": form,
            # Browsers never refill a file input: say so when files were chosen.
            "files_to_choose_again": bool(form.errors and request.FILES),
            "library_url": reverse("decisions:library"),
        },
        status=422 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, proposal: Proposal) -> dict:
    user = request.user
    manager = user.has_role(*MANAGERS)
    reads_meetings = user.has_role(*permissions.READ_ALL)
    items = []
    for item in AgendaItem.objects.filter(proposal=proposal).select_related("meeting"):
        items.append(
            {
                "item": item,
                "meeting_url": _url_or_none("decisions:meeting_detail", item.meeting_id)
                if reads_meetings
                else None,
            }
        )
    resolutions = [
        {"resolution": r, "url": _url_or_none("decisions:resolution_detail", r.pk)}
        for r in permissions.resolutions_for(user)
        .filter(item__proposal=proposal)
        .select_related("meeting")
    ]
    context = {
        "proposal": proposal,
        "documents": in_library_order(proposal.legal_documents.all()),
        "attachments": proposal.attachments.order_by("uploaded_at", "id"),
        "agenda_items": items,
        "resolutions": resolutions,
        "manager": manager,
        "comment_form": CommentForm(),
    }
    context.update(_support_context(request, proposal))
    context.update(_comments_context(proposal))
    if manager:
        context["agenda_form"] = ToAgendaForm()
        context["decline_form"] = DeclineForm()
        context["meeting_create_url"] = _url_or_none("decisions:meeting_create")
    return context


def _support_context(request: HttpRequest, proposal: Proposal) -> dict:
    return {
        "proposal": proposal,
        "supporters": proposal.supports.count(),
        "supported": proposal.supports.filter(user=request.user).exists(),
    }


def _comments_context(proposal: Proposal) -> dict:
    return {
        "proposal": proposal,
        "comments": proposal.comments.select_related("author").order_by("created_at", "id"),
    }


def _get_proposal(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("submitted_by", "cooperative", "union"), pk=pk
    )


@signin_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal(pk)
    return render(request, "decisions/proposal_detail.html", _detail_context(request, proposal))


@signin_required
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal(pk)
    if request.method != "POST":
        return redirect("decisions:proposal_detail", pk=pk)
    added = services.proposal_support(actor=request.user, proposal=proposal)
    if request.htmx:
        context = _support_context(request, proposal)
        context["just_added"] = added
        return render(request, "decisions/proposal_detail.html#support", context)
    if added:
        messages.success(request, _("حمایت شما از این پیشنهاد ثبت شد."))
    else:
        messages.info(request, _("پیش‌تر از این پیشنهاد حمایت کرده‌اید؛ هر کس یک بار."))
    return redirect("decisions:proposal_detail", pk=pk)


@signin_required
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal(pk)
    if request.method != "POST":
        return redirect("decisions:proposal_detail", pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_comment(
                actor=request.user, proposal=proposal, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("text", message)
    if request.htmx:
        # htmx swaps only successful answers: errors come back inside a 200 fragment.
        context = _comments_context(proposal)
        context["comment_form"] = form if form.errors else CommentForm()
        return render(request, "decisions/proposal_detail.html#comments", context)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("دیدگاه شما ثبت شد."))
    return redirect(reverse("decisions:proposal_detail", args=[pk]) + "#comments")


@role_required(*MANAGERS)
def proposal_to_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal(pk)
    form = ToAgendaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            services.agenda_item_add(
                actor=request.user,
                meeting=meeting,
                title=proposal.title,
                description=proposal.text,
                legal_basis=_legal_basis_text(proposal),
                proposal=proposal,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("پیشنهاد در دستور جلسه «%(meeting)s» قرار گرفت.") % {"meeting": meeting.title},
            )
            return redirect("decisions:proposal_detail", pk=pk)
    return render(
        request,
        "decisions/proposal_review.html",
        {
            "proposal": proposal,
            "form": form,
            "action": "agenda",
            "has_meetings": upcoming_meetings().exists(),
            "meeting_create_url": _url_or_none("decisions:meeting_create"),
        },
        status=422 if form.errors else 200,
    )


@role_required(*MANAGERS)
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal(pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decline(
                actor=request.user, proposal=proposal, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("پاسخ اتاق ثبت شد و برای پیشنهاددهنده فرستاده شد."))
            return redirect("decisions:proposal_detail", pk=pk)
    return render(
        request,
        "decisions/proposal_review.html",
        {"proposal": proposal, "form": form, "action": "decline"},
        status=422 if form.errors else 200,
    )


@signin_required
def proposal_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = get_object_or_404(ProposalAttachment, pk=attachment_id, proposal_id=pk)
    return serve(
        attachment.file,
        content_type=attachment.content_type,
        download_name=attachment.original_name,
    )
