"""Case endpoints: service requests cooperatives bring to the chamber (DESIGN.md, Contracts).

Who sees what is hamafza.cases.permissions, exactly as on the web: a cooperative's (or the
filing union's) representatives see its cases; staff, board and administrators see all;
directorate officials see the cases referred to the directorate. A case the caller may not
see answers 404, as if it did not exist; internal notes and internal files are listed only
for those who see internal material. The public gets 401. Filing goes through
hamafza.cases.services.case_file (tracking number, targets, SMS and e-mail confirmation).
Lists sort ids first and then fetch the page's rows with their relations (no query per row).
"""

from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from hamafza.api.api import Detail, api
from hamafza.api.pagination import paginate
from hamafza.cases import permissions, services
from hamafza.cases.models import Attachment, Case, Category, Event, Message, Referral
from hamafza.cases.selectors import limit_words, tracking_number
from hamafza.decisions.models import AgendaItem
from hamafza.decisions.services import Conflict
from hamafza.followup.models import Action
from hamafza.persian.text import normalize, query_alternatives, to_latin_digits
from hamafza.registry.models import Cooperative

router = Router(tags=["cases"])

ERRORS = {400: Detail, 401: Detail, 404: Detail}
MAX_QUERY = 200  # characters of ?q=, as the web list (views_cases._filters)
STATES = ", ".join(Case.State.values)
URGENCIES = ", ".join(Case.Urgency.values)


@api.exception_handler(Conflict)
def _conflict(request, exc: Conflict):
    """A move the state of things does not allow (a closed case …): 409, not 422."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


# --------------------------------------------------------------------------- schemas
class CooperativeRef(Schema):
    id: int
    name: str


class CaseItem(Schema):
    id: int
    tracking_number: str = Field(description="«Jalali year-sequence», e.g. 1405-00042")
    title: str
    category: str = Field(description="the category's name")
    cooperative: CooperativeRef
    state: str = Field(description=STATES)
    state_label: str = Field(description="the state as people read it")
    urgency: str = Field(description=URGENCIES)
    filed_at: datetime
    first_response_due_at: datetime = Field(description="the first-response target")
    resolution_due_at: datetime = Field(description="the resolution target")
    first_response_at: datetime | None
    resolved_at: datetime | None = Field(description="when it was resolved or rejected")
    closed_at: datetime | None
    breached: bool = Field(
        description="derived: a first response or the outcome came after its target, or is "
        "still missing past it"
    )
    rating: int | None = Field(description="the cooperative's satisfaction, 1–5, once rated")


class ReferralOut(Schema):
    organisation: str = Field(description="the body the case was referred to")
    letter_number: str
    created_at: datetime


class MessageOut(Schema):
    author: str = Field(description="the author's name")
    text: str
    posted_at: datetime
    internal: bool = Field(
        description="an internal note; listed only for staff, board and administrators"
    )


class AttachmentOut(Schema):
    name: str
    size: int = Field(description="bytes")
    content_type: str
    uploaded_at: datetime
    internal: bool
    url: str = Field(description="where the file is served, to those allowed to see it")


class EventOut(Schema):
    kind: str = Field(description=", ".join(Event.Kind.values))
    kind_label: str
    at: datetime
    state_after: str | None = Field(description="the state the event left the case in, if any")
    text: str


class MeetingRef(Schema):
    id: int
    title: str
    starts_at: datetime


class ActionRef(Schema):
    id: int
    title: str
    responsible: str
    due_on: date
    status: str
    progress: int


class ResolutionRef(Schema):
    id: int
    number: str
    title: str
    actions: list[ActionRef] = Field(description="the actions carrying the resolution out")


class AgendaOut(Schema):
    id: int
    title: str
    state: str = Field(description="pending, voting, passed, rejected or no_quorum")
    meeting: MeetingRef
    resolution: ResolutionRef | None = Field(description="the resolution it became, if any")


class CaseDetail(CaseItem):
    description: str
    outcome: str = Field(description="the resolution or, for a rejected case, the reason")
    channel: str = Field(description=", ".join(Case.Channel.values))
    referrals: list[ReferralOut]
    messages: list[MessageOut] = Field(description="the conversation, oldest first")
    attachments: list[AttachmentOut]
    events: list[EventOut] = Field(description="the timeline, oldest first")
    agenda: list[AgendaOut] = Field(description="the agenda items the case was put on")


class CaseList(Schema):
    count: int
    results: list[CaseItem]


class CaseFilters(Schema):
    state: str = Field("", description=STATES)
    category: str = Field("", description="the category, by id or by name")
    cooperative: int | None = Field(None, description="the cooperative's id")
    q: str = Field(
        "",
        description="words of the tracking number, title or cooperative (Persian normalised); "
        f"at most {MAX_QUERY} characters",
    )
    page: int = 1
    page_size: int = 25


class CaseIn(Schema):
    category: int | str = Field(description="the category, by id or by name")
    title: str = Field(max_length=200)
    description: str
    urgency: str = Field(Case.Urgency.NORMAL, description=URGENCIES)
    cooperative: int | None = Field(
        None,
        description="the cooperative's id; may be left out by the representative of exactly "
        "one cooperative, required for union representatives (a member), staff and "
        "representatives of several cooperatives",
    )


# --------------------------------------------------------------------------- helpers
def _local(dt: datetime | None) -> datetime | None:
    return timezone.localtime(dt) if dt else None


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise HttpError(401, _("برای دیدن درخواست‌ها وارد شوید."))


def _item(c: Case, now: datetime) -> dict:
    return {
        "id": c.pk,
        "tracking_number": c.tracking_number,
        "title": c.title,
        "category": c.category.name,
        "cooperative": {"id": c.cooperative_id, "name": c.cooperative.name},
        "state": c.state,
        "state_label": str(c.get_state_display()),
        "urgency": c.urgency,
        "filed_at": _local(c.filed_at),
        "first_response_due_at": _local(c.first_response_due_at),
        "resolution_due_at": _local(c.resolution_due_at),
        "first_response_at": _local(c.first_response_at),
        "resolved_at": _local(c.resolved_at),
        "closed_at": _local(c.closed_at),
        "breached": c.breached(now),
        "rating": c.rating,
    }


def _rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("category", "cooperative").defer(
        "description", "outcome", "search_key", "cooperative__search_key"
    )


def _category_id(value: str) -> int | None:
    """A category given by id or by (normalised) name; None when there is no such category."""
    value = to_latin_digits(str(value)).strip()
    if not value:
        return None
    if value.isdigit():
        return Category.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
    key = normalize(value)
    for pk, name in Category.objects.values_list("pk", "name"):
        if normalize(name) == key:
            return pk
    return None


def _word(field: str, word: str) -> Q:
    """The word is a prefix of a word of the (normalised, space-separated) field."""
    return Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})


def search(qs: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Cases where every word of the query is a prefix of a word of the tracking number, the
    title or the cooperative's name, ID or managing director, with the registry's Persian
    normalisation; a compound typed with a space also matches it glued."""
    number = tracking_number(query)
    if number is not None:
        return qs.filter(tracking_number=number)
    condition = Q()
    for alternative in query_alternatives(limit_words(query)):
        every = Q()
        for w in alternative:
            every &= _word("search_key", w) | _word("cooperative__search_key", w)
        condition |= every
    return qs.filter(condition) if condition else qs


# --------------------------------------------------------------------------- list
@router.get(
    "/cases",
    response={200: CaseList, **ERRORS},
    summary="Cases (درخواست‌ها) the caller may see",
    description="A cooperative's representatives see its cases only (and a union's those it "
    "filed for its members); staff, board and administrators see every case; directorate "
    "officials the cases referred to the directorate. The public: 401. Newest first.",
)
def cases(request: HttpRequest, filters: Query[CaseFilters]):
    _signed_in(request)
    qs = permissions.cases_for(request.user)
    if filters.state:
        if filters.state not in Case.State.values:
            raise HttpError(400, f"state must be one of {STATES}")
        qs = qs.filter(state=filters.state)
    if filters.category.strip():
        category = _category_id(filters.category)
        if category is None:
            raise HttpError(400, f"unknown category: {filters.category}")
        qs = qs.filter(category_id=category)
    if filters.cooperative is not None:
        qs = qs.filter(cooperative_id=filters.cooperative)
    if len(filters.q) > MAX_QUERY:
        # Each word multiplies the search condition: as on the web, a query is a few words.
        raise HttpError(400, f"q must be at most {MAX_QUERY} characters")
    if filters.q.strip():
        qs = search(qs, filters.q)
    now = timezone.now()
    return paginate(
        qs.order_by("-filed_at", "-id"),
        filters.page,
        filters.page_size,
        lambda c: _item(c, now),
        fetch=lambda ids: _rows(Case.objects.filter(pk__in=ids)),
    )


# --------------------------------------------------------------------------- detail
def _detail(request: HttpRequest, case_id: int) -> dict:
    user = request.user
    internal = permissions.sees_internal(user)
    messages = Message.objects.select_related("author").order_by("posted_at", "id")
    attachments = Attachment.objects.order_by("uploaded_at", "id")
    if not internal:
        messages = messages.filter(internal=False)
        attachments = attachments.filter(internal=False)
    c = get_object_or_404(
        permissions.cases_for(user)
        .select_related("category", "cooperative")
        .prefetch_related(
            Prefetch("referrals", queryset=Referral.objects.select_related("organisation")),
            Prefetch("messages", queryset=messages),
            Prefetch("attachments", queryset=attachments),
            "events",
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("meeting", "resolution").order_by(
                    "meeting__starts_at", "order", "id"
                ),
            ),
            Prefetch(
                "agenda_items__resolution__actions",
                queryset=Action.objects.select_related("responsible").order_by("due_on", "id"),
            ),
        ),
        pk=case_id,
    )
    return _item(c, timezone.now()) | {
        "description": c.description,
        "outcome": c.outcome,
        "channel": c.channel,
        "referrals": [
            {
                "organisation": r.organisation.name,
                "letter_number": r.letter_number,
                "created_at": _local(r.created_at),
            }
            for r in c.referrals.all()
        ],
        "messages": [
            {
                "author": m.author.get_full_name() or m.author.username,
                "text": m.text,
                "posted_at": _local(m.posted_at),
                "internal": m.internal,
            }
            for m in c.messages.all()
        ],
        "attachments": [
            {
                "name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "uploaded_at": _local(a.uploaded_at),
                "internal": a.internal,
                "url": request.build_absolute_uri(reverse("cases:attachment", args=[c.pk, a.pk])),
            }
            for a in c.attachments.all()
        ],
        "events": [
            {
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "at": _local(e.at),
                "state_after": e.state_after or None,
                "text": e.text,
            }
            for e in c.events.all()
        ],
        "agenda": [_agenda(item) for item in c.agenda_items.all()],
    }


def _agenda(item: AgendaItem) -> dict:
    resolution = getattr(item, "resolution", None)
    return {
        "id": item.pk,
        "title": item.title,
        "state": item.state,
        "meeting": {
            "id": item.meeting_id,
            "title": item.meeting.title,
            "starts_at": _local(item.meeting.starts_at),
        },
        "resolution": {
            "id": resolution.pk,
            "number": resolution.number,
            "title": resolution.title,
            "actions": [
                {
                    "id": a.pk,
                    "title": a.title,
                    "responsible": a.responsible.name,
                    "due_on": a.due_on,
                    "status": a.status,
                    "progress": a.progress,
                }
                for a in resolution.actions.all()
            ],
        }
        if resolution is not None
        else None,
    }


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetail, **ERRORS},
    summary="One case with its conversation, files, referrals, timeline and agenda",
    description="Internal notes and internal files are listed only for staff, board and "
    "administrators. A case the caller may not see answers 404.",
)
def case(request: HttpRequest, case_id: int):
    _signed_in(request)
    return _detail(request, case_id)


# --------------------------------------------------------------------------- filing
def _cooperative_for(user, given: int | None) -> Cooperative:
    if given is not None:
        found = Cooperative.objects.filter(pk=given).first()
        if found is None:
            raise HttpError(422, _("تعاونی با این شناسه پیدا نشد."))
        return found
    own = user.cooperative_ids
    if not permissions.can_manage(user) and len(own) == 1 and not user.union_ids:
        return Cooperative.objects.get(pk=next(iter(own)))
    raise HttpError(422, _("تعاونی را (با شناسه آن) مشخص کنید."))


@router.post(
    "/cases",
    response={201: CaseDetail, 401: Detail, 403: Detail, 409: Detail, 422: Detail},
    summary="File a case",
    description="A cooperative's representative files for it (the cooperative may be left "
    "out when they represent only one); a union's representative for a member; staff for "
    "any cooperative. Answers 201 with the case, its tracking number included; the "
    "cooperative's side is told by SMS, e-mail and in the app.",
)
def case_create(request: HttpRequest, payload: CaseIn):
    user = request.user
    if not user.is_authenticated:
        raise HttpError(401, _("برای ثبت درخواست وارد شوید."))
    if not services.fileable_cooperatives(user).exists():
        raise HttpError(403, _("شما نمی‌توانید برای تعاونی‌ای درخواست ثبت کنید."))
    category_id = _category_id(payload.category)
    if category_id is None:
        raise HttpError(422, _("موضوع «%(c)s» شناخته نیست.") % {"c": payload.category})
    if payload.urgency not in Case.Urgency.values:
        raise HttpError(422, _("فوریت باید یکی از این‌ها باشد: %(u)s") % {"u": URGENCIES})
    if not payload.title.strip():
        raise HttpError(422, _("عنوان درخواست را بنویسید."))
    if not payload.description.strip():
        raise HttpError(422, _("شرح مشکل را بنویسید."))
    cooperative = _cooperative_for(user, payload.cooperative)
    filed = services.case_file(
        actor=user,
        cooperative=cooperative,
        category=Category.objects.get(pk=category_id),
        title=payload.title,
        description=payload.description,
        urgency=payload.urgency,
    )
    return Status(201, _detail(request, filed.pk))


api.add_router("/", router)
