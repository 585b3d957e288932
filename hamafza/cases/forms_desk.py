"""Forms of the chamber's desk: triage, assignment, referral (with its letter), the outcome,
and putting cases on a meeting's agenda. They only clean input; the rules (which move the
workflow allows, who may) live in services."""

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import Role, User
from hamafza.cases import services
from hamafza.cases.models import Case, Category
from hamafza.decisions.models import Meeting
from hamafza.persian.jalali import format_jalali_datetime
from hamafza.persian.text import to_persian_digits

LRI, PDI = "\u2066", "\u2069"
# Meetings a case can still be put before: not held yet, or being held.
OPEN_MEETING_STATES = (Meeting.State.SCHEDULED, Meeting.State.IN_PROGRESS)


def staff_users(current: User | None = None) -> QuerySet[User]:
    """Active chamber staff, offered as the person in charge of a case (and whoever is in
    charge now, so the choice shows them even when they are no longer staff)."""
    qs = User.objects.filter(is_active=True, role_assignments__role=Role.STAFF)
    if current is not None:
        qs = qs | User.objects.filter(pk=current.pk)
    return qs.distinct().order_by("first_name", "last_name", "username")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def _fa(value) -> str:
    return to_persian_digits(str(value))


def ltr_number(value) -> str:
    """A tracking or letter number («۱۴۰۵-۰۰۰۴۲/۱») in Persian digits, isolated left to
    right so that plain Persian text shows it as the case page does, year first on the left."""
    return LRI + _fa(value) + PDI


class TriageForm(forms.Form):
    """First look at a new case: confirm or correct its category and urgency, choose who
    works it, and an optional note the cooperative reads in the case's timeline."""

    category = forms.ModelChoiceField(
        label=_("موضوع"),
        queryset=Category.objects.filter(active=True),
        empty_label=None,
        error_messages={"invalid_choice": _("این موضوع در فهرست نیست.")},
    )
    urgency = forms.ChoiceField(label=_("فوریت"), choices=Case.Urgency.choices)
    assignee = StaffChoiceField(
        label=_("کارشناس مسئول"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("این کارشناس در فهرست نیست.")},
    )
    note = forms.CharField(
        label=_("یادداشت بررسی"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "اختیاری؛ در تاریخچه درخواست می‌آید و تعاونی هم آن را می‌بیند. "
            "یادداشت داخلی را در گفت‌وگوی درخواست بنویسید."
        ),
    )

    def __init__(self, *args, case: Case, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "category": case.category_id,
                "urgency": case.urgency,
                "assignee": case.assignee_id or user.pk,
            },
        )
        super().__init__(*args, **kwargs)
        # The case's own category stays selectable even if it was retired meanwhile.
        self.fields["category"].queryset = (
            Category.objects.filter(active=True) | Category.objects.filter(pk=case.category_id)
        ).distinct()
        self.fields["assignee"].queryset = staff_users(case.assignee or user)


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("کارشناس مسئول"),
        queryset=User.objects.none(),
        empty_label=_("— انتخاب کنید —"),
        error_messages={
            "required": _("کارشناس مسئول را انتخاب کنید."),
            "invalid_choice": _("این کارشناس در فهرست نیست."),
        },
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"assignee": case.assignee_id})
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users(case.assignee)


def letter_draft(case: Case) -> str:
    """A first draft of the referral letter, for staff to edit before sending. The addressee
    and subject are printed on the letter itself (the letterhead), so the draft starts with
    the greeting and speaks of «that body»."""
    coop = case.cooperative
    facts = gettext(
        "به استحضار می‌رساند %(coop)s به شناسه ملی %(national_id)s و شماره ثبت %(reg)s، "
        "از تعاونی‌های شهرستان %(county)s، درخواستی با شماره پیگیری %(n)s و موضوع «%(title)s» "
        "در %(chamber)s ثبت کرده است. خلاصه درخواست تعاونی چنین است:"
    ) % {
        "coop": coop.name,
        "national_id": _fa(coop.national_id),
        "reg": _fa(coop.registration_number),
        "county": coop.county.name,
        "n": ltr_number(case.tracking_number),
        "title": case.title,
        "chamber": settings.HAMAFZA_CHAMBER_NAME,
    }
    lines = [
        gettext("با سلام و احترام،"),
        facts,
        "«" + " ".join(case.description.split()) + "»",
        gettext(
            "خواهشمند است دستور فرمایید موضوع بررسی شود و نتیجه را به این اتاق اعلام فرمایید "
            "تا به آگاهی تعاونی برسد."
        ),
        gettext("پیشاپیش از همکاری آن دستگاه محترم سپاسگزاریم."),
    ]
    return "\n".join(lines)


class ReferForm(forms.Form):
    """The body the case goes to (chosen from the list, or an outside body typed in) and the
    letter's text."""

    organisation = forms.ModelChoiceField(
        label=_("دستگاه گیرنده"),
        queryset=services.referral_bodies(),
        required=False,
        empty_label=_("— انتخاب کنید —"),
        error_messages={"invalid_choice": _("این دستگاه در فهرست نیست.")},
    )
    new_name = forms.CharField(
        label=_("یا نام دستگاهی که در فهرست نیست"),
        max_length=255,
        required=False,
        help_text=_("مثلاً «بانک توسعه تعاون، شعبه مرکزی مشهد» یا «اداره کل امور مالیاتی استان»."),
    )
    letter_text = forms.CharField(
        label=_("متن نامه"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("متن نامه ارجاع را بنویسید.")},
        help_text=_(
            "پیش‌نویس را بخوانید و ویرایش کنید. سربرگ، شماره و تاریخ نامه، گیرنده، موضوع و "
            "امضای شما خودکار روی نامه می‌آید."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = services.referral_bodies().order_by("kind", "name")

    def clean(self):
        data = super().clean()
        chosen = data.get("organisation")
        typed = " ".join((data.get("new_name") or "").split())
        data["new_name"] = typed
        if chosen is None and not typed and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("دستگاه گیرنده را از فهرست انتخاب کنید یا نام دستگاه تازه را بنویسید."),
            )
        elif chosen is not None and typed:
            self.add_error(
                "new_name",
                _("یا دستگاهی از فهرست انتخاب کنید یا نام دستگاه تازه را بنویسید، نه هر دو."),
            )
        return data


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label=_("مشکل چگونه حل شد"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("بنویسید مشکل چگونه حل شد.")},
        help_text=_(
            "تعاونی این متن را می‌خواند و حل شدن مشکل را تأیید می‌کند یا درخواست را بازگشایی می‌کند."
        ),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("دلیل رد درخواست"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("دلیل رد درخواست را بنویسید.")},
        help_text=_(
            "تعاونی این دلیل را می‌خواند؛ روشن و محترمانه بنویسید و اگر راه دیگری هست، نشانش دهید."
        ),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        # Date first: a long title is cut at the end of the box, the date stays readable.
        label = f"{format_jalali_datetime(obj.starts_at)} — {obj.title}"
        if obj.state != Meeting.State.SCHEDULED:
            label += f" ({obj.get_state_display()})"
        return label


class AgendaForm(forms.Form):
    """One agenda item for the chosen cases; the cases themselves come from the page's
    address (?cases=…) and are posted back as hidden fields."""

    meeting = MeetingChoiceField(
        label=_("جلسه"),
        queryset=Meeting.objects.none(),
        empty_label=_("— انتخاب کنید —"),
        error_messages={
            "required": _("جلسه را انتخاب کنید."),
            "invalid_choice": _(
                "این جلسه دیگر بند تازه نمی‌پذیرد؛ جلسه‌ای برگزارنشده یا در حال برگزاری انتخاب کنید."
            ),
        },
    )
    title = forms.CharField(
        label=_("عنوان بند"),
        max_length=300,
        error_messages={"required": _("عنوان بند را بنویسید.")},
        help_text=_(
            "اگر بند تصویب شود، عنوان مصوبه همین است و مصوبه منتشرشده را همه می‌بینند؛ "
            "عنوانی کلی بنویسید که مشکل را بگوید، نه نام تعاونی را."
        ),
    )
    description = forms.CharField(
        label=_("شرح بند"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "اعضای جلسه این شرح را می‌بینند و متن پیش‌فرض مصوبه از آن برمی‌آید؛ نام تعاونی‌ها "
            "را فقط اگر لازم است بیاورید (درخواست‌های مرتبط برای مجازان جداگانه نشان داده "
            "می‌شوند)."
        ),
    )

    def __init__(self, *args, meetings: QuerySet[Meeting], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


def agenda_draft(cases: list[Case]) -> tuple[str, str]:
    """A title and a short description naming the subject and how many cases: no case's
    own words, no cooperative."""
    if not cases:
        return "", ""
    categories = {c.category.name for c in cases}
    # Named by the subject, not by a case's own title: the item's title is shown on every
    # linked case's page and becomes the published resolution's title.
    if len(categories) == 1:
        title = gettext("رسیدگی به مشکل تعاونی‌ها در موضوع «%(category)s»") % {
            "category": cases[0].category.name
        }
    else:
        title = gettext("رسیدگی به مشکلات طرح‌شده در درخواست‌های تعاونی‌ها")
    if len(cases) == 1:
        head = gettext("درخواست تعاونی در موضوع «%(category)s».") % {
            "category": cases[0].category.name
        }
    elif len(categories) == 1:
        head = gettext("%(n)s درخواست تعاونی‌ها در موضوع «%(category)s».") % {
            "n": _fa(len(cases)),
            "category": cases[0].category.name,
        }
    else:
        head = gettext("%(n)s درخواست تعاونی‌ها.") % {"n": _fa(len(cases))}
    # No case titles or cooperatives here: the description becomes the resolution's draft
    # text, which is published; the meeting page lists the linked cases to those allowed.
    return title[:300], head
