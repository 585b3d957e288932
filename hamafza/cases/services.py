"""Every write on cases: validated, atomic, audited, and told to the people concerned. The UI,
the API, the demo data and `hamafza tick` all move cases through these functions only.

A move the workflow (models.TRANSITIONS) does not allow raises Conflict (HTTP 409).
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import Role, User
from hamafza.cases import permissions
from hamafza.cases.models import (
    TRANSITIONS,
    Attachment,
    Case,
    CaseSequence,
    Category,
    Event,
    Message,
    Referral,
)
from hamafza.core import audit
from hamafza.core.notify import notify, notify_later
from hamafza.core.uploads import detect
from hamafza.decisions.models import AgendaItem, Meeting
from hamafza.decisions.services import Conflict, agenda_item_add
from hamafza.followup.models import Organisation
from hamafza.persian.jalali import format_jalali_datetime, to_jalali
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import Cooperative

MAX_ATTACHMENTS = 5
logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- who
def can_file_for(user, cooperative: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(*permissions.MANAGERS):
        return True
    if cooperative.pk in user.cooperative_ids:
        return True
    return cooperative.union_id is not None and cooperative.union_id in user.union_ids


def fileable_cooperatives(user) -> QuerySet[Cooperative]:
    """The cooperatives the user may file a case for (staff: all)."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    if user.has_role(*permissions.MANAGERS):
        return Cooperative.objects.all()
    from django.db.models import Q

    return Cooperative.objects.filter(
        Q(pk__in=user.cooperative_ids) | Q(union_id__in=user.union_ids)
    )


def party_users(case: Case) -> list[User]:
    """The people of the side that brought the case: its cooperative's representatives and the
    filing union's representatives, as they are now (whoever filed it and no longer represents
    either is told nothing more: they may no longer see the case)."""
    from django.db.models import Q

    condition = Q(
        role_assignments__role=Role.COOPERATIVE,
        role_assignments__cooperative_id=case.cooperative_id,
    )
    if case.union_id:
        condition |= Q(role_assignments__role=Role.UNION, role_assignments__union_id=case.union_id)
    return list(User.objects.filter(condition, is_active=True).distinct())


def desk_users(case: Case | None = None) -> list[User]:
    """Who works the case: its assignee, or, while nobody is assigned (or the assignee is no
    longer on the chamber's staff), all chamber staff."""
    if (
        case is not None
        and case.assignee_id
        and case.assignee.is_active
        and permissions.can_manage(case.assignee)
    ):
        return [case.assignee]
    return list(User.objects.filter(role_assignments__role=Role.STAFF, is_active=True).distinct())


def _url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def _tell_party(case: Case, subject: str, body: str, kind: str = "case_updated") -> int:
    return notify(party_users(case), subject=subject, body=body, kind=kind, url=_url(case))


def _fa(value) -> str:
    return to_persian_digits(str(value))


def _number(value: str) -> str:
    """A tracking or letter number in Persian digits, isolated left to right, so a Persian
    sentence (SMS, e-mail, notification) shows «۱۴۰۵-۰۰۰۴۲» year first, as the pages do."""
    return "\u2066" + _fa(value) + "\u2069"


# --------------------------------------------------------------------------- filing
def _next_tracking_number(moment: datetime.datetime) -> str:
    year = to_jalali(timezone.localtime(moment).date()).year
    CaseSequence.objects.get_or_create(year=year)
    sequence = CaseSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:05d}"


def _save_attachments(
    case: Case, files: Iterable, *, actor, message: Message | None, internal: bool
) -> list[Attachment]:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("در هر نوبت حداکثر %(n)s فایل پیوست کنید.")
                % {"n": _fa(MAX_ATTACHMENTS)}
            }
        )
    saved = []
    for uploaded in files:
        try:
            kind = detect(uploaded)
        except ValidationError as error:
            raise ValidationError(
                {"attachments": [f"{uploaded.name}: {m}" for m in error.messages]}
            ) from None
        attachment = Attachment(
            case=case,
            message=message,
            internal=internal,
            original_name=uploaded.name[:255],
            content_type=kind.content_type,
            size=uploaded.size,
            uploaded_by=actor,
        )
        attachment.file.save(f"case-{case.pk}.{kind.extension}", uploaded, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def case_file(
    *,
    actor,
    cooperative: Cooperative,
    category: Category,
    title: str,
    description: str,
    urgency: str = Case.Urgency.NORMAL,
    channel: str | None = None,
    attachments: Iterable = (),
    now: datetime.datetime | None = None,
) -> Case:
    """File a case; it gets its tracking number, its service-level targets from its category,
    and a confirmation goes to the cooperative's side by SMS, e-mail and in the app."""
    if not can_file_for(actor, cooperative):
        raise PermissionDenied
    if not category.active:
        raise ValidationError({"category": _("این موضوع دیگر پذیرفته نمی‌شود.")})
    now = now or timezone.now()
    is_manager = actor.has_role(*permissions.MANAGERS)
    union = None
    if channel is None:
        if cooperative.pk in actor.cooperative_ids or is_manager:
            channel = Case.Channel.WEB if not is_manager else Case.Channel.PHONE
        else:
            channel = Case.Channel.UNION
    if channel == Case.Channel.UNION:
        if cooperative.union_id is None or cooperative.union_id not in actor.union_ids:
            raise PermissionDenied
        union = cooperative.union
    elif channel in (Case.Channel.PHONE, Case.Channel.LETTER, Case.Channel.IN_PERSON):
        if not is_manager:
            raise ValidationError({"channel": _("این راه ثبت فقط برای کارشناسان اتاق است.")})
    elif channel == Case.Channel.WEB:
        if cooperative.pk not in actor.cooperative_ids and not is_manager:
            raise PermissionDenied
    else:
        raise ValidationError({"channel": _("راه ثبت را انتخاب کنید.")})
    case = Case(
        tracking_number="pending",
        cooperative=cooperative,
        union=union,
        category=category,
        title=" ".join(title.split()),
        description=description.strip(),
        urgency=urgency,
        channel=channel,
        filed_by=actor,
        filed_at=now,
        first_response_due_at=now + datetime.timedelta(hours=category.first_response_hours),
        resolution_due_at=now + datetime.timedelta(days=category.resolution_days),
    )
    case.full_clean(exclude=["tracking_number"])
    case.tracking_number = _next_tracking_number(now)
    case.save()
    _save_attachments(case, attachments, actor=actor, message=None, internal=False)
    Event.objects.create(
        case=case, kind=Event.Kind.FILED, actor=actor, at=now, state_after=case.state
    )
    audit.record(
        actor=actor,
        action="cases.case_file",
        target=case,
        changes={"cooperative": cooperative.name, "category": category.name},
    )
    number = _number(case.tracking_number)
    _tell_party(
        case,
        _("درخواست شما با شماره پیگیری %(n)s ثبت شد") % {"n": number},
        _(
            "درخواست «%(title)s» برای %(coop)s با شماره پیگیری %(n)s در اتاق تعاون ثبت شد. "
            "نخستین پاسخ تا %(due)s داده می‌شود."
        )
        % {
            "title": case.title,
            "coop": cooperative.name,
            "n": number,
            "due": format_jalali_datetime(case.first_response_due_at),
        },
        kind="case_filed",
    )
    _confirm_to_registered_mobile(case)
    notify_later(
        [u for u in desk_users() if u.pk != actor.pk],
        subject=_("درخواست تازه %(n)s: %(title)s") % {"n": number, "title": case.title},
        body=_("%(coop)s درخواستی با موضوع «%(category)s» ثبت کرد.")
        % {"coop": cooperative.name, "category": category.name},
        kind="case_new",
        url=_url(case),
    )
    return case


def _confirm_to_registered_mobile(case: Case) -> None:
    """A case filed for a cooperative with no one in Hamafza (by phone, by letter) is still
    confirmed by SMS, to the mobile number in its registry record."""
    mobile = case.cooperative.mobile
    if not mobile or any(getattr(u, "mobile", "") == mobile for u in party_users(case)):
        return
    from hamafza.core.sms import send_sms

    text = _("%(coop)s: درخواست «%(title)s» در اتاق تعاون با شماره پیگیری %(n)s ثبت شد.") % {
        "coop": case.cooperative.name,
        "title": case.title,
        "n": _number(case.tracking_number),
    }
    try:
        send_sms(mobile, text)
    except Exception:  # a gateway failure must not undo the filing
        logger.exception("SMS confirmation of case %s failed", case.pk)


# --------------------------------------------------------------------------- workflow
def _locked(case: Case) -> Case:
    """The case re-read under a row lock, so two people cannot move it at once."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("cooperative", "category", "assignee", "filed_by")
        .get(pk=case.pk)
    )


def _require_manager(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied


def _move(
    case: Case,
    *,
    actor,
    to: str,
    kind: str,
    text: str = "",
    now: datetime.datetime | None = None,
) -> Event:
    if to not in TRANSITIONS[case.state]:
        raise Conflict(
            _("درخواستی با وضعیت «%(from)s» نمی‌تواند به «%(to)s» برود.")
            % {"from": case.get_state_display(), "to": Case.State(to).label}
        )
    now = now or timezone.now()
    before = case.state
    case.state = to
    if (
        actor is not None
        and actor.has_role(*permissions.MANAGERS)
        and case.first_response_at is None
    ):
        case.first_response_at = now
    case.save()
    event = Event.objects.create(
        case=case, kind=kind, actor=actor, at=now, state_before=before, state_after=to, text=text
    )
    audit.record(
        actor=actor,
        action=f"cases.case_{kind}",
        target=case,
        changes={"state": [before, to], **({"text": text} if text else {})},
    )
    return event


def _assign(case: Case, *, actor, assignee: User | None, now) -> bool:
    if assignee is None or assignee.pk == case.assignee_id:
        return False
    if not assignee.has_role(*permissions.MANAGERS) or not assignee.is_active:
        raise ValidationError({"assignee": _("فقط کارشناسان اتاق می‌توانند مسئول درخواست باشند.")})
    before = case.assignee.get_full_name() if case.assignee_id else ""
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    Event.objects.create(
        case=case,
        kind=Event.Kind.ASSIGNED,
        actor=actor,
        at=now,
        text=assignee.get_full_name() or assignee.username,
    )
    audit.record(
        actor=actor,
        action="cases.case_assign",
        target=case,
        changes={"assignee": [before, assignee.get_full_name() or assignee.username]},
    )
    if assignee.pk != getattr(actor, "pk", None):
        notify(
            [assignee],
            subject=_("درخواست %(n)s به شما سپرده شد") % {"n": _number(case.tracking_number)},
            body=case.title,
            kind="case_assigned",
            url=_url(case),
        )
    return True


@transaction.atomic
def case_assign(*, actor, case: Case, assignee: User) -> Case:
    _require_manager(actor)
    case = _locked(case)
    if case.state == Case.State.CLOSED:
        raise Conflict(_("این درخواست بسته شده است."))
    _assign(case, actor=actor, assignee=assignee, now=timezone.now())
    return case


@transaction.atomic
def case_triage(
    *,
    actor,
    case: Case,
    category: Category | None = None,
    urgency: str | None = None,
    assignee: User | None = None,
    note: str = "",
) -> Case:
    """First look: confirm or correct the category and urgency, assign someone."""
    _require_manager(actor)
    case = _locked(case)
    now = timezone.now()
    if category is not None and category.pk != case.category_id:
        case.category = category
    if urgency:
        case.urgency = urgency
    case.full_clean()
    _move(
        case,
        actor=actor,
        to=Case.State.TRIAGED,
        kind=Event.Kind.TRIAGED,
        text=note.strip(),
        now=now,
    )
    _assign(case, actor=actor, assignee=assignee or actor, now=now)
    _tell_party(
        case,
        _("درخواست %(n)s بررسی شد") % {"n": _number(case.tracking_number)},
        _("کارشناس اتاق درخواست «%(title)s» را بررسی کرد و پیگیری آن را به عهده گرفت.")
        % {"title": case.title},
    )
    return case


def referral_bodies() -> QuerySet[Organisation]:
    """Bodies a case can be referred to: the directorate and outside bodies."""
    return Organisation.objects.filter(
        kind__in=(Organisation.Kind.DIRECTORATE, Organisation.Kind.OUTSIDE)
    )


@transaction.atomic
def case_refer(*, actor, case: Case, organisation: Organisation, letter_text: str) -> Referral:
    """Refer the case to an outside body; the letter is numbered «tracking/n» and its PDF is
    made from it on request."""
    _require_manager(actor)
    case = _locked(case)
    if organisation.kind not in (Organisation.Kind.DIRECTORATE, Organisation.Kind.OUTSIDE):
        raise ValidationError({"organisation": _("ارجاع فقط به اداره کل یا دستگاهی بیرونی است.")})
    letter_text = letter_text.strip()
    if not letter_text:
        raise ValidationError({"letter_text": _("متن نامه ارجاع را بنویسید.")})
    now = timezone.now()
    _move(
        case,
        actor=actor,
        to=Case.State.REFERRED,
        kind=Event.Kind.REFERRED,
        text=organisation.name,
        now=now,
    )
    referral = Referral(
        case=case,
        organisation=organisation,
        letter_number=f"{case.tracking_number}/{case.referrals.count() + 1}",
        letter_text=letter_text,
        created_by=actor,
        created_at=now,
    )
    referral.full_clean()
    referral.save()
    _tell_party(
        case,
        _("درخواست %(n)s به %(body)s ارجاع شد")
        % {"n": _number(case.tracking_number), "body": organisation.name},
        _("اتاق تعاون درخواست «%(title)s» را با نامه شماره %(letter)s به %(body)s ارجاع داد.")
        % {
            "title": case.title,
            "letter": _number(referral.letter_number),
            "body": organisation.name,
        },
    )
    if organisation.kind == Organisation.Kind.DIRECTORATE:
        from hamafza.followup.services import responsible_users

        notify(
            responsible_users(organisation),
            subject=_("ارجاع درخواست %(n)s از اتاق تعاون") % {"n": _number(case.tracking_number)},
            body=case.title,
            kind="case_referred",
            url=_url(case),
        )
    return referral


@transaction.atomic
def case_start(*, actor, case: Case, note: str = "") -> Case:
    _require_manager(actor)
    case = _locked(case)
    if case.state not in (Case.State.TRIAGED, Case.State.REFERRED):
        if case.state in (*Case.DONE_STATES, Case.State.CLOSED):
            raise Conflict(_("این درخواست نتیجه گرفته است؛ برای ادامه رسیدگی آن را بازگشایی کنید."))
        raise Conflict(
            _("درخواستی با وضعیت «%(from)s» نمی‌تواند به «%(to)s» برود.")
            % {"from": case.get_state_display(), "to": Case.State.IN_PROGRESS.label}
        )
    _move(case, actor=actor, to=Case.State.IN_PROGRESS, kind=Event.Kind.STARTED, text=note.strip())
    return case


@transaction.atomic
def case_resolve(*, actor, case: Case, outcome: str) -> Case:
    _require_manager(actor)
    case = _locked(case)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("بنویسید مشکل چگونه حل شد.")})
    now = timezone.now()
    case.outcome = outcome
    case.resolved_at = now
    _move(
        case, actor=actor, to=Case.State.RESOLVED, kind=Event.Kind.RESOLVED, text=outcome, now=now
    )
    _tell_party(
        case,
        _("درخواست %(n)s حل شد؛ لطفاً تأیید کنید") % {"n": _number(case.tracking_number)},
        _(
            "اتاق تعاون درخواست «%(title)s» را حل‌شده اعلام کرد: %(outcome)s\n"
            "اگر مشکل حل شده است، آن را تأیید کنید و به رسیدگی امتیاز دهید؛ وگرنه تا "
            "%(days)s روز می‌توانید آن را بازگشایی کنید."
        )
        % {
            "title": case.title,
            "outcome": outcome,
            "days": _fa(settings.HAMAFZA_CASE_REOPEN_DAYS),
        },
    )
    return case


@transaction.atomic
def case_reject(*, actor, case: Case, reason: str) -> Case:
    _require_manager(actor)
    case = _locked(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("دلیل رد درخواست را بنویسید.")})
    now = timezone.now()
    case.outcome = reason
    case.resolved_at = now
    _move(case, actor=actor, to=Case.State.REJECTED, kind=Event.Kind.REJECTED, text=reason, now=now)
    _tell_party(
        case,
        _("درخواست %(n)s رد شد") % {"n": _number(case.tracking_number)},
        _("درخواست «%(title)s» رد شد. دلیل: %(reason)s") % {"title": case.title, "reason": reason},
    )
    return case


def _check_rating(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("امتیاز رضایت را از ۱ تا ۵ انتخاب کنید.")})
    return value


@transaction.atomic
def case_confirm(*, actor, case: Case, rating: int, comment: str = "") -> Case:
    """The cooperative confirms the outcome and rates it: the case is closed."""
    if not permissions.is_party(actor, case):
        raise PermissionDenied
    case = _locked(case)
    value = _check_rating(rating)
    now = timezone.now()
    case.rating = value
    case.rating_comment = comment.strip()
    case.rated_at = now
    case.closed_at = now
    case.auto_closed = False
    _move(case, actor=actor, to=Case.State.CLOSED, kind=Event.Kind.CLOSED, now=now)
    Event.objects.create(case=case, kind=Event.Kind.RATED, actor=actor, at=now, text=_fa(value))
    if case.assignee_id:
        notify(
            desk_users(case),
            subject=_("تعاونی درخواست %(n)s را تأیید کرد (رضایت: %(r)s از ۵)")
            % {"n": _number(case.tracking_number), "r": _fa(value)},
            body=case.rating_comment or case.title,
            kind="case_updated",
            url=_url(case),
        )
    return case


@transaction.atomic
def case_rate(*, actor, case: Case, rating: int, comment: str = "") -> Case:
    """Rate a case that closed by itself (the cooperative did not confirm in time)."""
    if not permissions.is_party(actor, case):
        raise PermissionDenied
    case = _locked(case)
    if case.state != Case.State.CLOSED:
        raise Conflict(_("رضایت را هنگام بستن درخواست ثبت کنید."))
    if case.rating is not None:
        raise Conflict(_("رضایت این درخواست پیش‌تر ثبت شده است."))
    value = _check_rating(rating)
    now = timezone.now()
    case.rating = value
    case.rating_comment = comment.strip()
    case.rated_at = now
    case.save()
    Event.objects.create(case=case, kind=Event.Kind.RATED, actor=actor, at=now, text=_fa(value))
    audit.record(actor=actor, action="cases.case_rate", target=case, changes={"rating": value})
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """The cooperative (or staff) reopens a resolved, rejected or closed case within the
    window after its outcome; it goes back to the desk."""
    if not (permissions.is_party(actor, case) or permissions.can_manage(actor)):
        raise PermissionDenied
    case = _locked(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("بنویسید چرا درخواست را دوباره باز می‌کنید.")})
    now = timezone.now()
    until = case.can_reopen_until()
    if case.state in Case.OPEN_STATES:
        raise Conflict(_("این درخواست هنوز باز است."))
    if until is None or now > until:
        raise Conflict(
            _("مهلت بازگشایی (%(days)s روز پس از نتیجه) گذشته است؛ درخواست تازه‌ای ثبت کنید.")
            % {"days": _fa(settings.HAMAFZA_CASE_REOPEN_DAYS)}
        )
    case.resolved_at = None
    case.closed_at = None
    case.auto_closed = False
    case.rating = None
    case.rating_comment = ""
    case.rated_at = None
    case.reopened_count += 1
    _move(
        case, actor=actor, to=Case.State.IN_PROGRESS, kind=Event.Kind.REOPENED, text=reason, now=now
    )
    notify(
        [u for u in desk_users(case) if u.pk != actor.pk],
        subject=_("درخواست %(n)s دوباره باز شد") % {"n": _number(case.tracking_number)},
        body=reason,
        kind="case_updated",
        url=_url(case),
    )
    return case


# --------------------------------------------------------------------------- conversation
@transaction.atomic
def message_add(
    *, actor, case: Case, text: str, internal: bool = False, attachments: Iterable = ()
) -> Message:
    """A message in the conversation, or (staff) an internal note the cooperative never sees."""
    manager = permissions.can_manage(actor)
    party = permissions.is_party(actor, case)
    if not (manager or party):
        raise PermissionDenied
    if internal and not manager:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("متن پیام را بنویسید.")})
    case = _locked(case)
    if case.state == Case.State.CLOSED and not manager:
        raise Conflict(_("این درخواست بسته شده است؛ برای ادامه آن را بازگشایی کنید."))
    now = timezone.now()
    message = Message(case=case, author=actor, text=text, internal=internal, posted_at=now)
    message.full_clean()
    message.save()
    _save_attachments(case, attachments, actor=actor, message=message, internal=internal)
    if manager and not internal and case.first_response_at is None:
        case.first_response_at = now
        case.save(update_fields=["first_response_at", "updated_at"])
    audit.record(
        actor=actor,
        action="cases.note_add" if internal else "cases.message_add",
        target=case,
    )
    number = _number(case.tracking_number)
    if internal:
        return message
    if manager and not party:
        _tell_party(
            case,
            _("پاسخ اتاق تعاون به درخواست %(n)s") % {"n": number},
            text,
            kind="case_message",
        )
    else:
        notify(
            [u for u in desk_users(case) if u.pk != actor.pk],
            subject=_("پیام تازه تعاونی در درخواست %(n)s") % {"n": number},
            body=text,
            kind="case_message",
            url=_url(case),
        )
    return message


# --------------------------------------------------------------------------- decisions
@transaction.atomic
def cases_put_on_agenda(
    *, actor, cases: Iterable[Case], meeting: Meeting, title: str, description: str = ""
) -> AgendaItem:
    """Put one case, or several similar ones together, on a meeting's agenda as one item."""
    _require_manager(actor)
    cases = list(cases)
    if not cases:
        raise ValidationError({"cases": _("دست‌کم یک درخواست را انتخاب کنید.")})
    locked = [_locked(c) for c in cases]
    closed = [c for c in locked if c.state == Case.State.CLOSED]
    if closed:
        raise Conflict(
            _("درخواست بسته‌شده را نمی‌توان در جلسه طرح کرد: %(n)s")
            % {"n": "، ".join(_number(c.tracking_number) for c in closed)}
        )
    numbers = "، ".join(_number(c.tracking_number) for c in locked)
    body = description.strip()
    item = agenda_item_add(
        actor=actor,
        meeting=meeting,
        title=title.strip()
        or _("رسیدگی به مشکل تعاونی‌ها در موضوع «%(category)s»")
        % {"category": locked[0].category.name},
        description=body,
    )
    now = timezone.now()
    for case in locked:
        case.agenda_items.add(item)
        Event.objects.create(
            case=case, kind=Event.Kind.AGENDA, actor=actor, at=now, text=meeting.title
        )
        audit.record(
            actor=actor,
            action="cases.case_agenda",
            target=case,
            changes={"meeting": meeting.title, "item": item.title, "cases": numbers},
        )
        _tell_party(
            case,
            _("درخواست %(n)s در جلسه «%(meeting)s» طرح می‌شود")
            % {"n": _number(case.tracking_number), "meeting": meeting.title},
            _("درخواست «%(title)s» در دستور جلسه %(when)s قرار گرفت.")
            % {"title": case.title, "when": format_jalali_datetime(meeting.starts_at)},
        )
    return item


# --------------------------------------------------------------------------- tick duties
def close_resolved(*, now: datetime.datetime) -> int:
    """Close the resolved and rejected cases the cooperative left unconfirmed for
    HAMAFZA_CASE_CLOSE_DAYS; tells their cooperative. Returns the people told."""
    cutoff = now - datetime.timedelta(days=settings.HAMAFZA_CASE_CLOSE_DAYS)
    sent = 0
    pks = list(
        Case.objects.filter(state__in=Case.DONE_STATES, resolved_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in pks:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update()
                .filter(pk=pk, state__in=Case.DONE_STATES)
                .select_related("filed_by")
                .first()
            )
            if case is None:  # confirmed or reopened meanwhile
                continue
            case.closed_at = now
            case.auto_closed = True
            _move(case, actor=None, to=Case.State.CLOSED, kind=Event.Kind.AUTO_CLOSED, now=now)
            sent += _tell_party(
                case,
                _("درخواست %(n)s بسته شد") % {"n": _number(case.tracking_number)},
                _(
                    "درخواست «%(title)s» پس از %(days)s روز بی‌پاسخ بسته شد. هنوز می‌توانید به "
                    "رسیدگی امتیاز دهید یا تا پایان مهلت، آن را بازگشایی کنید."
                )
                % {"title": case.title, "days": _fa(settings.HAMAFZA_CASE_CLOSE_DAYS)},
            )
    return sent


def _claim(pk: int, field: str, now) -> bool:
    return bool(Case.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}))


def warn_service_levels(*, now: datetime.datetime) -> int:
    """Warn the desk when a case nears its first-response or resolution target
    (HAMAFZA_CASE_WARN_PERCENT of the time gone), and again when it breaches one. Each notice
    is claimed once per case, so a second run sends none."""
    share = settings.HAMAFZA_CASE_WARN_PERCENT / 100
    sent = 0
    open_cases = Case.objects.filter(state__in=Case.OPEN_STATES).select_related(
        "assignee", "cooperative"
    )
    for case in open_cases.iterator():
        number = _number(case.tracking_number)
        checks = []
        if case.first_response_at is None:
            checks.append(
                (
                    case.first_response_due_at,
                    "response",
                    _("نخستین پاسخ"),
                )
            )
        checks.append((case.resolution_due_at, "resolution", _("رسیدگی")))
        for due, stage, label in checks:
            span = due - case.filed_at
            if now > due:
                field, subject = (
                    f"{stage}_breach_noticed_at",
                    _("مهلت %(stage)s درخواست %(n)s گذشت") % {"stage": label, "n": number},
                )
            elif now >= case.filed_at + span * share:
                field, subject = (
                    f"{stage}_warned_at",
                    _("مهلت %(stage)s درخواست %(n)s نزدیک است") % {"stage": label, "n": number},
                )
            else:
                continue
            if not _claim(case.pk, field, now):
                continue
            sent += notify(
                desk_users(case),
                subject=subject,
                body=_("%(title)s — %(coop)s؛ مهلت: %(due)s")
                % {
                    "title": case.title,
                    "coop": case.cooperative.name,
                    "due": format_jalali_datetime(due),
                },
                kind="case_sla",
                url=_url(case),
            )
    return sent
