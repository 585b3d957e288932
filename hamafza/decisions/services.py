"""Every write of decision-shaping and decision-making: validated, atomic, audited.

Refusals raise ValidationError with a Persian message and change nothing; views show the
message, the API answers 409/422 with it.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import Role, User
from hamafza.core import audit
from hamafza.core.notify import notify, notify_later
from hamafza.decisions.models import (
    AgendaItem,
    CalendarToken,
    Consultation,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingRule,
    Minutes,
    MinutesAmendment,
    Option,
    Proposal,
    ProposalComment,
    ProposalSupport,
    Resolution,
    Response,
    ResponseChoice,
    Vote,
)
from hamafza.persian.jalali import to_jalali
from hamafza.registry.models import Cooperative, Status

CONSULTATION_OWNERS = (Role.STAFF, Role.BOARD, Role.ADMIN)
MEETING_MANAGERS = (Role.STAFF, Role.ADMIN)


class Conflict(ValidationError):
    """A refusal because of the state of things (closed, already voted …): HTTP 409."""


# --------------------------------------------------------------------------- consultations
def audience_cooperatives(consultation: Consultation) -> QuerySet[Cooperative]:
    qs = Cooperative.objects.filter(status=Status.ACTIVE)
    match consultation.audience:
        case Consultation.Audience.SECTOR:
            return qs.filter(sector_id=consultation.audience_sector_id)
        case Consultation.Audience.COUNTY:
            return qs.filter(county_id=consultation.audience_county_id)
        case Consultation.Audience.UNION:
            return qs.filter(union_id=consultation.audience_union_id)
        case Consultation.Audience.BOARD:
            return qs.none()
    return qs


def in_audience(consultation: Consultation, cooperative: Cooperative) -> bool:
    """audience_cooperatives' rule for one cooperative already loaded (lists, no query)."""
    if cooperative.status != Status.ACTIVE:
        return False
    match consultation.audience:
        case Consultation.Audience.SECTOR:
            return cooperative.sector_id == consultation.audience_sector_id
        case Consultation.Audience.COUNTY:
            return cooperative.county_id == consultation.audience_county_id
        case Consultation.Audience.UNION:
            return cooperative.union_id == consultation.audience_union_id
        case Consultation.Audience.BOARD:
            return False
    return True


def board_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role_assignments__role=Role.BOARD).distinct()


def audience_size(consultation: Consultation) -> int:
    if consultation.audience == Consultation.Audience.BOARD:
        return board_users().count()
    return audience_cooperatives(consultation).count()


def answerable_cooperatives(user, consultation: Consultation) -> list[Cooperative]:
    """The cooperatives this user may answer for in this consultation."""
    if not user.is_authenticated or consultation.audience == Consultation.Audience.BOARD:
        return []
    return list(audience_cooperatives(consultation).filter(pk__in=user.cooperative_ids))


def can_answer(user, consultation: Consultation) -> bool:
    if not user.is_authenticated:
        return False
    if consultation.audience == Consultation.Audience.BOARD:
        return user.has_role(Role.BOARD)
    return bool(answerable_cooperatives(user, consultation))


def can_manage_consultation(user, consultation: Consultation) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.STAFF, Role.ADMIN) or consultation.created_by_id == user.pk
    )


def results_visible(user, consultation: Consultation) -> bool:
    if can_manage_consultation(user, consultation) or (
        user.is_authenticated and user.has_role(Role.BOARD)
    ):
        return True
    return consultation.is_closed or consultation.visibility == Consultation.Visibility.LIVE


@transaction.atomic
def consultation_create(
    *,
    actor,
    title: str,
    question: str,
    kind: str,
    audience: str,
    closes_at: datetime,
    options: Iterable[str] = (),
    opens_at: datetime | None = None,
    audience_sector=None,
    audience_county=None,
    audience_union=None,
    anonymous: bool = False,
    visibility: str = Consultation.Visibility.AFTER_CLOSE,
    score_max: int = 5,
    proposal: Proposal | None = None,
) -> Consultation:
    if not actor.has_role(*CONSULTATION_OWNERS):
        raise PermissionDenied
    consultation = Consultation(
        title=title,
        question=question,
        kind=kind,
        audience=audience,
        audience_sector=audience_sector if audience == Consultation.Audience.SECTOR else None,
        audience_county=audience_county if audience == Consultation.Audience.COUNTY else None,
        audience_union=audience_union if audience == Consultation.Audience.UNION else None,
        anonymous=anonymous,
        visibility=visibility,
        score_max=score_max,
        opens_at=opens_at or timezone.now(),
        closes_at=closes_at,
        created_by=actor,
        proposal=proposal,
    )
    errors = {}
    needed = {
        Consultation.Audience.SECTOR: ("audience_sector", _("گرایش مخاطبان را انتخاب کنید.")),
        Consultation.Audience.COUNTY: ("audience_county", _("شهرستان مخاطبان را انتخاب کنید.")),
        Consultation.Audience.UNION: ("audience_union", _("اتحادیه مخاطبان را انتخاب کنید.")),
    }.get(audience)
    if needed and getattr(consultation, needed[0]) is None:
        errors[needed[0]] = needed[1]
    options = [o.strip() for o in options if o and o.strip()]
    if kind != Consultation.Kind.PROPOSAL and len(options) < 2:
        errors["options"] = _("دست‌کم دو گزینه بنویسید.")
    if len(set(options)) != len(options):
        errors["options"] = _("گزینه‌ها نباید تکراری باشند.")
    if closes_at <= timezone.now():
        errors["closes_at"] = _("زمان پایان باید در آینده باشد.")
    if kind == Consultation.Kind.SCORE and not 2 <= score_max <= 10:
        errors["score_max"] = _("بیشترین امتیاز باید بین ۲ و ۱۰ باشد.")
    if errors:
        raise ValidationError(errors)
    consultation.full_clean()
    consultation.save()
    if kind != Consultation.Kind.PROPOSAL:
        Option.objects.bulk_create(
            Option(consultation=consultation, text=text, order=i) for i, text in enumerate(options)
        )
    audit.record(actor=actor, action="decisions.consultation_create", target=consultation)
    return consultation


def _validate_answer(consultation: Consultation, stance, option_ids, ranking, scores) -> dict:
    kind = consultation.kind
    valid_ids = set(consultation.options.values_list("pk", flat=True))
    if kind == Consultation.Kind.PROPOSAL:
        if stance not in Response.Stance.values:
            raise ValidationError(_("موافق، مخالف یا ممتنع بودن خود را انتخاب کنید."))
        return {"stance": stance}
    if kind == Consultation.Kind.SINGLE:
        if not option_ids or len(option_ids) != 1 or option_ids[0] not in valid_ids:
            raise ValidationError(_("یکی از گزینه‌ها را انتخاب کنید."))
        return {"choices": [{"option_id": option_ids[0]}]}
    if kind == Consultation.Kind.MULTIPLE:
        if not option_ids or not set(option_ids) <= valid_ids:
            raise ValidationError(_("دست‌کم یکی از گزینه‌ها را انتخاب کنید."))
        return {"choices": [{"option_id": i} for i in sorted(set(option_ids))]}
    if kind == Consultation.Kind.RANKED:
        # ranking: option ids from first to last; every option exactly once.
        if not ranking or sorted(ranking) != sorted(valid_ids):
            raise ValidationError(_("همه گزینه‌ها را رتبه‌بندی کنید؛ هر رتبه یک بار."))
        return {"choices": [{"option_id": i, "rank": r} for r, i in enumerate(ranking, start=1)]}
    # score: every option a score from 1 to score_max
    if not scores or set(scores) != valid_ids:
        raise ValidationError(_("به همه گزینه‌ها امتیاز بدهید."))
    for value in scores.values():
        if not isinstance(value, int) or not 1 <= value <= consultation.score_max:
            from hamafza.persian.templatetags.persian import fanum  # digits of the reader

            raise ValidationError(
                _("امتیاز هر گزینه باید بین ۱ و %(max)s باشد.")
                % {"max": fanum(consultation.score_max)}
            )
    return {"choices": [{"option_id": i, "score": s} for i, s in scores.items()]}


def consultation_answer(
    *,
    actor,
    consultation: Consultation,
    cooperative: Cooperative | None = None,
    stance: str = "",
    reason: str = "",
    option_ids: list[int] | None = None,
    ranking: list[int] | None = None,
    scores: dict[int, int] | None = None,
) -> Response:
    """Record or change the answer of a cooperative (or a board member). Exactly one answer
    per answerer, also when two arrive at the same moment."""
    for attempt in range(3):
        try:
            return _consultation_answer(
                actor, consultation, cooperative, stance, reason, option_ids, ranking, scores
            )
        except IntegrityError:
            # Another request created the answer first: change that one instead.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _consultation_answer(
    actor, consultation, cooperative, stance, reason, option_ids, ranking, scores
):
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = timezone.now()
    if now < consultation.opens_at:
        raise Conflict(_("این نظرخواهی هنوز آغاز نشده است."))
    if now >= consultation.closes_at:
        raise Conflict(_("این نظرخواهی بسته شده است و پاسخ تازه پذیرفته نمی‌شود."))
    if consultation.audience == Consultation.Audience.BOARD:
        if not actor.has_role(Role.BOARD):
            raise PermissionDenied(_("این نظرخواهی فقط برای اعضای هیئت رئیسه است."))
        key = {"board_member": actor}
    else:
        if cooperative is None:
            choices = answerable_cooperatives(actor, consultation)
            cooperative = choices[0] if len(choices) == 1 else None
        if cooperative is None or cooperative.pk not in actor.cooperative_ids:
            raise PermissionDenied(_("فقط نماینده تعاونی می‌تواند از طرف آن پاسخ دهد."))
        if not audience_cooperatives(consultation).filter(pk=cooperative.pk).exists():
            raise PermissionDenied(_("این تعاونی در میان مخاطبان این نظرخواهی نیست."))
        key = {"cooperative": cooperative}
    answer = _validate_answer(consultation, stance, option_ids, ranking, scores)
    response = Response.objects.filter(consultation=consultation, **key).first()
    created = response is None
    if created:
        response = Response(consultation=consultation, respondent=actor, **key)
    response.respondent = actor
    response.stance = answer.get("stance", "")
    response.reason = reason.strip()
    response.save()
    if not created:
        response.choices.all().delete()
    ResponseChoice.objects.bulk_create(
        ResponseChoice(response=response, **choice) for choice in answer.get("choices", [])
    )
    audit.record(
        actor=actor,
        action="decisions.consultation_answer"
        if created
        else "decisions.consultation_answer_change",
        target=consultation,
        changes={} if consultation.anonymous else {"for": str(cooperative or actor)},
    )
    return response


def consultation_results(consultation: Consultation) -> dict:
    responses = consultation.responses.count()
    size = audience_size(consultation)
    result = {
        "responses": responses,
        "audience": size,
        "turnout": round(100 * responses / size, 1) if size else 0.0,
        "options": [],
        "stances": {},
    }
    if consultation.kind == Consultation.Kind.PROPOSAL:
        counts = dict.fromkeys(Response.Stance.values, 0)
        for stance in consultation.responses.values_list("stance", flat=True):
            counts[stance] = counts.get(stance, 0) + 1
        result["stances"] = {
            s: {
                "label": str(Response.Stance(s).label),
                "count": c,
                "percent": round(100 * c / responses, 1) if responses else 0.0,
            }
            for s, c in counts.items()
        }
        return result
    options = list(consultation.options.all())
    choices = ResponseChoice.objects.filter(response__consultation=consultation)
    n_options = len(options)
    for option in options:
        rows = [c for c in choices if c.option_id == option.pk]
        entry = {"id": option.pk, "text": option.text, "count": len(rows)}
        if consultation.kind == Consultation.Kind.RANKED:
            # Borda count: first place earns n-1 points, last earns 0.
            entry["points"] = sum(n_options - c.rank for c in rows if c.rank)
            entry["average_rank"] = (
                round(sum(c.rank for c in rows) / len(rows), 2) if rows else None
            )
        elif consultation.kind == Consultation.Kind.SCORE:
            entry["average_score"] = (
                round(sum(c.score for c in rows) / len(rows), 2) if rows else None
            )
        else:
            entry["percent"] = round(100 * len(rows) / responses, 1) if responses else 0.0
        result["options"].append(entry)
    key = {"ranked": "points", "score": "average_score"}.get(consultation.kind, "count")
    result["options"].sort(key=lambda e: (e.get(key) is None, -(e.get(key) or 0)))
    return result


@transaction.atomic
def consultation_publish_outcome(*, actor, consultation: Consultation, outcome: str) -> int:
    if not can_manage_consultation(actor, consultation):
        raise PermissionDenied
    if not consultation.is_closed:
        raise Conflict(_("جمع‌بندی پس از پایان نظرخواهی نوشته می‌شود."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("متن جمع‌بندی را بنویسید.")})
    consultation.outcome = outcome.strip()
    consultation.outcome_published_at = timezone.now()
    consultation.save(update_fields=["outcome", "outcome_published_at"])
    audit.record(actor=actor, action="decisions.consultation_outcome", target=consultation)
    return notify_later(
        audience_users(consultation),
        subject=_("جمع‌بندی نظرخواهی: %(title)s") % {"title": consultation.title},
        body=consultation.outcome,
        kind="consultation_outcome",
        url=reverse("decisions:consultation_detail", args=[consultation.pk]),
    )


def audience_users(consultation: Consultation) -> QuerySet[User]:
    if consultation.audience == Consultation.Audience.BOARD:
        return board_users()
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.COOPERATIVE,
        role_assignments__cooperative__in=audience_cooperatives(consultation),
    ).distinct()


def consultation_remind_pending(*, now: datetime | None = None, before_hours: int = 24) -> int:
    """Remind those who have not answered, once, in the last day before a consultation
    closes. Run by `hamafza tick`; a second run at the same moment sends nothing."""
    now = now or timezone.now()
    sent = 0
    due = Consultation.objects.filter(
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + timezone.timedelta(hours=before_hours),
        reminded_at__isnull=True,
    )
    for consultation in due:
        with transaction.atomic():
            claimed = Consultation.objects.filter(
                pk=consultation.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            users = audience_users(consultation)
            if consultation.audience == Consultation.Audience.BOARD:
                answered = consultation.responses.values_list("board_member_id", flat=True)
                users = users.exclude(pk__in=answered)
            else:
                answered = consultation.responses.values_list("cooperative_id", flat=True)
                users = users.exclude(role_assignments__cooperative_id__in=answered)
            sent += notify(
                users,
                subject=_("یادآوری نظرخواهی: %(title)s") % {"title": consultation.title},
                body=_("این نظرخواهی به‌زودی بسته می‌شود و هنوز پاسخ شما نرسیده است."),
                kind="consultation_reminder",
                url=reverse("decisions:consultation_detail", args=[consultation.pk]),
            )
    return sent


# --------------------------------------------------------------------------- proposals
@transaction.atomic
def proposal_submit(
    *,
    actor,
    title: str,
    text: str,
    legal_basis: str = "",
    legal_documents=(),
    cooperative=None,
    union=None,
) -> Proposal:
    if not actor.has_role(Role.BOARD, Role.UNION, Role.COOPERATIVE, Role.STAFF, Role.ADMIN):
        raise PermissionDenied
    if cooperative is not None and cooperative.pk not in actor.cooperative_ids:
        raise PermissionDenied
    if union is not None and union.pk not in actor.union_ids:
        raise PermissionDenied
    proposal = Proposal(
        title=title.strip(),
        text=text.strip(),
        legal_basis=legal_basis.strip(),
        submitted_by=actor,
        cooperative=cooperative,
        union=union,
    )
    proposal.full_clean()
    proposal.save()
    proposal.legal_documents.set(legal_documents)
    audit.record(actor=actor, action="decisions.proposal_submit", target=proposal)
    return proposal


@transaction.atomic
def proposal_support(*, actor, proposal: Proposal) -> bool:
    """Add the user's support; False if they already support it."""
    if not actor.is_authenticated:
        raise PermissionDenied
    _support, created = ProposalSupport.objects.get_or_create(proposal=proposal, user=actor)
    if created:
        audit.record(actor=actor, action="decisions.proposal_support", target=proposal)
    return created


@transaction.atomic
def proposal_comment(*, actor, proposal: Proposal, text: str) -> ProposalComment:
    if not text.strip():
        raise ValidationError({"text": _("متن دیدگاه را بنویسید.")})
    comment = ProposalComment.objects.create(proposal=proposal, author=actor, text=text.strip())
    audit.record(actor=actor, action="decisions.proposal_comment", target=proposal)
    return comment


@transaction.atomic
def proposal_decline(*, actor, proposal: Proposal, answer: str) -> None:
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    if not answer.strip():
        raise ValidationError({"answer": _("بنویسید چرا این پیشنهاد در دستور جلسه نمی‌آید.")})
    if proposal.state != Proposal.State.SUBMITTED:
        raise Conflict(_("این پیشنهاد پیش‌تر بررسی شده است."))
    proposal.state = Proposal.State.DECLINED
    proposal.answer = answer.strip()
    proposal.save(update_fields=["state", "answer"])
    audit.record(actor=actor, action="decisions.proposal_decline", target=proposal)
    notify(
        [proposal.submitted_by],
        subject=_("پاسخ اتاق به پیشنهاد شما: %(title)s") % {"title": proposal.title},
        body=proposal.answer,
        kind="proposal_answer",
        url=reverse("decisions:proposal_detail", args=[proposal.pk]),
    )


@transaction.atomic
def proposal_attach(*, actor, proposal: Proposal, uploaded, content_type: str):
    """Keep a file with the proposal; the caller has checked it with core.uploads.detect()
    (type recognised by content, size within the limit)."""
    from hamafza.decisions.models import ProposalAttachment

    if proposal.submitted_by_id != actor.pk and not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name=uploaded.name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    attachment.file.save("attachment", uploaded, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="decisions.proposal_attach",
        target=proposal,
        changes={"file": attachment.original_name, "size": uploaded.size},
    )
    return attachment


# --------------------------------------------------------------------------- meetings
def rule_for(kind: str) -> MeetingRule:
    rule, _created = MeetingRule.objects.get_or_create(kind=kind)
    return rule


@transaction.atomic
def meeting_create(
    *,
    actor,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str = "",
    online_link: str = "",
    members: Iterable[User] = (),
    guests: Iterable[User] = (),
) -> Meeting:
    """Board and joint meetings invite every board member as a voting member; a joint
    session also invites the directorate's officials as guests."""
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    year = to_jalali(timezone.localtime(starts_at).date()).year
    # Meetings of every kind are numbered in one series per Jalali year; the board's rule row
    # serves as the lock, so two meetings created at once never share a number.
    rule_for(MeetingKind.BOARD)
    MeetingRule.objects.select_for_update().filter(kind=MeetingKind.BOARD).first()
    same_year = [
        m
        for m in Meeting.objects.only("starts_at")
        if to_jalali(timezone.localtime(m.starts_at).date()).year == year
    ]
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        online_link=online_link.strip(),
        created_by=actor,
        sequence=len(same_year) + 1,
    )
    meeting.full_clean()
    meeting.save()
    voting = list(members)
    invited_guests = list(guests)
    if kind in (MeetingKind.BOARD, MeetingKind.JOINT):
        voting += list(board_users())
    if kind == MeetingKind.JOINT:
        invited_guests += list(
            User.objects.filter(is_active=True, role_assignments__role=Role.DIRECTORATE).distinct()
        )
    seen = set()
    for user, is_voting in [(u, True) for u in voting] + [(u, False) for u in invited_guests]:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        MeetingMember.objects.create(meeting=meeting, user=user, voting=is_voting)
    audit.record(actor=actor, action="decisions.meeting_create", target=meeting)
    notify_later(
        [m.user for m in meeting.members.select_related("user")],
        subject=_("دعوت به جلسه: %(title)s") % {"title": meeting.title},
        body=meeting.place or meeting.online_link,
        kind="meeting_invitation",
        url=reverse("decisions:meeting_detail", args=[meeting.pk]),
    )
    return meeting


def _ensure_editable(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.FINAL:
        raise Conflict(_("صورتجلسه این جلسه نهایی شده است و دیگر تغییر نمی‌کند."))


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    legal_basis: str = "",
    proposal: Proposal | None = None,
    consultation: Consultation | None = None,
) -> AgendaItem:
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    _ensure_editable(meeting)
    if proposal is not None and proposal.state not in (
        Proposal.State.SUBMITTED,
        Proposal.State.ON_AGENDA,
    ):
        raise Conflict(_("این پیشنهاد پیش‌تر بررسی شده است."))
    item = AgendaItem(
        meeting=meeting,
        order=meeting.agenda.count() + 1,
        title=title.strip(),
        description=description.strip(),
        legal_basis=legal_basis.strip(),
        proposal=proposal,
        consultation=consultation,
    )
    item.full_clean()
    item.save()
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ON_AGENDA)
    audit.record(
        actor=actor,
        action="decisions.agenda_item_add",
        target=meeting,
        changes={"item": item.title},
    )
    return item


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, present_user_ids: Iterable[int]) -> None:
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    _ensure_editable(meeting)
    ids = set(present_user_ids)
    for member in meeting.members.all():
        member.present = member.user_id in ids
        member.save(update_fields=["present"])
    if meeting.state == Meeting.State.SCHEDULED:
        meeting.state = Meeting.State.IN_PROGRESS
        meeting.save(update_fields=["state"])
    audit.record(
        actor=actor, action="decisions.attendance", target=meeting, changes={"present": len(ids)}
    )


def quorum(meeting: Meeting) -> tuple[int, int, bool]:
    """(voting members present, voting members, whether the quorum is met)."""
    voting = meeting.members.filter(voting=True)
    total = voting.count()
    present = voting.filter(present=True).count()
    rule = rule_for(meeting.kind)
    return present, total, total > 0 and present * 100 > total * rule.quorum_percent


@transaction.atomic
def voting_open(*, actor, item: AgendaItem) -> None:
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _ensure_editable(item.meeting)
    if item.state != AgendaItem.State.PENDING:
        raise Conflict(_("رأی‌گیری این بند پیش‌تر آغاز شده است."))
    present, total, met = quorum(item.meeting)
    if not met:
        raise Conflict(
            _("جلسه به حدنصاب نرسیده است (%(present)s از %(total)s عضو حاضرند).")
            % {"present": present, "total": total}
        )
    item.state = AgendaItem.State.VOTING
    item.save(update_fields=["state"])
    audit.record(actor=actor, action="decisions.voting_open", target=item)


@transaction.atomic
def vote_cast(*, actor, item: AgendaItem, choice: str) -> Vote:
    """A voting member present at the meeting votes once on an item open for voting."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if choice not in Vote.Choice.values:
        raise ValidationError(_("رأی باید موافق، مخالف یا ممتنع باشد."))
    if item.state != AgendaItem.State.VOTING:
        raise Conflict(_("رأی‌گیری این بند باز نیست."))
    member = item.meeting.members.filter(user=actor).first()
    if member is None or not member.voting:
        raise PermissionDenied(_("فقط اعضای دارای رأی این جلسه رأی می‌دهند."))
    if not member.present:
        raise Conflict(_("حضور شما در این جلسه ثبت نشده است؛ عضو غایب رأی نمی‌دهد."))
    present, total, met = quorum(item.meeting)
    if not met:
        raise Conflict(
            _("جلسه به حدنصاب نرسیده است (%(present)s از %(total)s عضو حاضرند).")
            % {"present": present, "total": total}
        )
    if Vote.objects.filter(item=item, member=actor).exists():
        raise Conflict(_("رأی شما برای این بند پیش‌تر ثبت شده است."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(item=item, member=actor, choice=choice)
    except IntegrityError:
        raise Conflict(_("رأی شما برای این بند پیش‌تر ثبت شده است.")) from None
    audit.record(actor=actor, action="decisions.vote", target=item)
    return vote


def _passes(rule: MeetingRule, present: int, votes_for: int, cast: int) -> bool:
    match rule.majority:
        case MeetingRule.Majority.TWO_THIRDS_PRESENT:
            return votes_for * 3 >= present * 2
        case MeetingRule.Majority.SIMPLE_CAST:
            return votes_for * 2 > cast
    return votes_for * 2 > present


def resolution_number(meeting: Meeting) -> str:
    """«year/meeting/sequence», all digits: e.g. 1405/7/2 is the second resolution of the
    year's seventh meeting. Call with the meeting row locked."""
    year = to_jalali(timezone.localtime(meeting.starts_at).date()).year
    n = Resolution.objects.filter(meeting=meeting).count() + 1
    return f"{year}/{meeting.sequence}/{n}"


@transaction.atomic
def voting_close(*, actor, item: AgendaItem, text: str = "") -> Resolution | None:
    """Count the votes by the meeting's majority rule; a passed item becomes a resolution."""
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.state != AgendaItem.State.VOTING:
        raise Conflict(_("رأی‌گیری این بند باز نیست."))
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    present, _total, met = quorum(meeting)
    counts = {c: item.votes.filter(choice=c).count() for c in Vote.Choice.values}
    item.votes_for = counts["for"]
    item.votes_against = counts["against"]
    item.votes_abstain = counts["abstain"]
    item.present_count = present
    item.closed_at = timezone.now()
    resolution = None
    if not met:
        item.state = AgendaItem.State.NO_QUORUM
    elif _passes(rule_for(meeting.kind), present, counts["for"], sum(counts.values())):
        item.state = AgendaItem.State.PASSED
    else:
        item.state = AgendaItem.State.REJECTED
    item.save()
    if item.state == AgendaItem.State.PASSED:
        resolution = Resolution.objects.create(
            number=resolution_number(meeting),
            item=item,
            meeting=meeting,
            title=item.title,
            text=(text or item.description or item.title).strip(),
            legal_basis=item.legal_basis,
            passed_on=timezone.localtime(meeting.starts_at).date(),
        )
        audit.record(actor=actor, action="decisions.resolution", target=resolution)
    if item.proposal_id:
        Proposal.objects.filter(pk=item.proposal_id).update(state=Proposal.State.DECIDED)
    audit.record(
        actor=actor,
        action="decisions.voting_close",
        target=item,
        changes={"result": item.state, **counts},
    )
    return resolution


# --------------------------------------------------------------------------- minutes
@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, summary: str) -> Minutes:
    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    if minutes.final:
        raise Conflict(_("صورتجلسه نهایی شده است و ویرایش نمی‌شود؛ برای اصلاح، اصلاحیه بنویسید."))
    minutes.summary = summary.strip()
    minutes.save(update_fields=["summary"])
    audit.record(actor=actor, action="decisions.minutes_save", target=meeting)
    return minutes


@transaction.atomic
def minutes_finalise(*, actor, meeting: Meeting) -> Minutes:
    from hamafza.decisions.pdf import render_minutes

    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    if minutes.final:
        raise Conflict(_("صورتجلسه پیش‌تر نهایی شده است."))
    if meeting.agenda.filter(state=AgendaItem.State.VOTING).exists():
        raise Conflict(_("رأی‌گیری بندی هنوز باز است؛ پیش از نهایی کردن، آن را ببندید."))
    minutes.finalised_at = timezone.now()
    minutes.finalised_by = actor
    minutes.pdf.save(f"minutes-{meeting.pk}.pdf", render_minutes(meeting, minutes), save=False)
    minutes.save()
    meeting.state = Meeting.State.FINAL
    meeting.save(update_fields=["state"])
    audit.record(actor=actor, action="decisions.minutes_finalise", target=meeting)
    return minutes


@transaction.atomic
def minutes_amend(*, actor, meeting: Meeting, text: str) -> MinutesAmendment:
    from hamafza.decisions.pdf import render_minutes

    if not actor.has_role(*MEETING_MANAGERS):
        raise PermissionDenied
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    if not minutes.final:
        raise Conflict(_("صورتجلسه هنوز نهایی نشده است؛ خود آن را ویرایش کنید."))
    if not text.strip():
        raise ValidationError({"text": _("متن اصلاحیه را بنویسید.")})
    amendment = MinutesAmendment.objects.create(
        minutes=minutes, text=text.strip(), created_by=actor
    )
    minutes.pdf.delete(save=False)
    minutes.pdf.save(f"minutes-{meeting.pk}.pdf", render_minutes(meeting, minutes), save=False)
    minutes.save(update_fields=["pdf"])
    audit.record(actor=actor, action="decisions.minutes_amend", target=meeting)
    return amendment


def calendar_token_for(user) -> str:
    token, _created = CalendarToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(24)}
    )
    return token.token


@transaction.atomic
def calendar_token_renew(*, actor) -> str:
    """A new secret address for the person's meeting calendar; the old one stops working at
    once (a calendar shared by mistake, a lost phone)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    token = secrets.token_urlsafe(24)
    CalendarToken.objects.update_or_create(user=actor, defaults={"token": token})
    audit.record(actor=actor, action="decisions.calendar_token_renew", target=actor)
    return token


def is_member_or_staff(user, meeting: Meeting) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.STAFF, Role.ADMIN, Role.BOARD)
        or meeting.members.filter(user=user).exists()
    )
