"""Forms of the actions area: creating and editing an action, reporting progress, and the
follow-up board's filters. They only clean input; the rules live in services."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import Role, User
from hamafza.core.forms import MultipleFileField, MultipleFileInput
from hamafza.followup.models import Action, Organisation
from hamafza.persian.forms import JalaliDateField, JalaliDateInput, PersianIntegerField

MAX_EVIDENCE_FILES = 10
# People offered (as suggestions) for an action's owner; anyone else is typed by username.
OWNER_CANDIDATE_ROLES = (Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN)


def owner_candidates():
    """Suggestions for the owner field: chamber-side people and members of listed bodies."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_assignments__role__in=OWNER_CANDIDATE_ROLES) | Q(organisations__isnull=False)
        )
        .distinct()
        .order_by("username")[:300]
    )


class ActionForm(forms.Form):
    """An action of a resolution; the responsible body is chosen from the list or, when it
    is not listed, typed in by name and kind."""

    title = forms.CharField(
        label=_("عنوان اقدام"),
        max_length=300,
        error_messages={"required": _("عنوان اقدام را بنویسید.")},
    )
    description = forms.CharField(
        label=_("شرح"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("چه باید انجام شود و نتیجه‌اش چگونه سنجیده می‌شود."),
    )
    responsible = forms.ModelChoiceField(
        label=_("نهاد مسئول"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("— انتخاب کنید —"),
        error_messages={"invalid_choice": _("این نهاد در فهرست نیست.")},
    )
    new_name = forms.CharField(
        label=_("نام نهاد"),
        max_length=255,
        required=False,
        help_text=_("مثلاً «بانک توسعه تعاون استان» یا «اداره کل امور مالیاتی استان»."),
    )
    new_kind = forms.ChoiceField(
        label=_("نوع نهاد"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.OUTSIDE,
        required=False,
    )
    owner = forms.CharField(
        label=_("پیگیری‌کننده (نام کاربری)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocomplete": "off", "list": "fu-owner-candidates"}
        ),
        help_text=_("اختیاری؛ کسی که پیگیری این اقدام با اوست."),
    )
    due_on = JalaliDateField(
        label=_("مهلت"),
        help_text=_("به شکل ۱۴۰۵/۰۹/۰۶؛ نه پیش از تاریخ تصویب مصوبه."),
        error_messages={"required": _("مهلت اقدام را وارد کنید.")},
    )

    def clean_owner(self) -> User | None:
        username = self.cleaned_data["owner"].strip()
        if not username:
            return None
        user = User.objects.filter(is_active=True, username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(
                _("کاربری با نام کاربری «%(name)s» پیدا نشد.") % {"name": username}
            )
        return user

    def clean(self):
        data = super().clean()
        chosen = data.get("responsible")
        typed = (data.get("new_name") or "").strip()
        if chosen is None and not typed and "responsible" not in self.errors:
            self.add_error(
                "responsible",
                _("نهاد مسئول را از فهرست انتخاب کنید یا نام نهاد تازه را بنویسید."),
            )
        elif chosen is not None and typed:
            self.add_error(
                "new_name",
                _("یا نهادی از فهرست انتخاب کنید یا نهاد تازه بنویسید، نه هر دو."),
            )
        return data

    def new_body(self) -> tuple[str, str] | None:
        """The (name, kind) of a body to create, when one was typed in."""
        typed = (self.cleaned_data.get("new_name") or "").strip()
        if self.cleaned_data.get("responsible") is None and typed:
            return typed, self.cleaned_data.get("new_kind") or Organisation.Kind.OUTSIDE
        return None


class ProgressForm(forms.Form):
    """A progress report by the responsible party."""

    text = forms.CharField(
        label=_("گزارش"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("گزارش پیشرفت را بنویسید.")},
    )
    status = forms.ChoiceField(
        label=_("وضعیت"),
        choices=Action.Status.choices,
        error_messages={"invalid_choice": _("وضعیت نامعتبر است.")},
    )
    progress = PersianIntegerField(
        label=_("پیشرفت (درصد)"),
        required=False,
        help_text=_("۰ تا ۱۰۰؛ «انجام شد» یعنی ۱۰۰."),
        error_messages={"invalid": _("پیشرفت باید عددی بین ۰ و ۱۰۰ باشد.")},
    )
    files = MultipleFileField(
        label=_("مستندات"),
        help_text=_("PDF، JPG، PNG، docx یا xlsx؛ هر فایل حداکثر ۱۰ مگابایت، حداکثر ۱۰ فایل."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )
    no_evidence_reason = forms.CharField(
        label=_("دلیل نبود مستند"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("اگر اقدام را «انجام شد» می‌کنید و مستندی ندارید، بنویسید چرا."),
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status, "progress": action.progress})
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("حداکثر ۱۰ فایل پیوست کنید."))
        return files

    def clean_progress(self) -> int:
        value = self.cleaned_data.get("progress")
        return self.action.progress if value is None else value


SORTS = {
    # key: (label, ordering after "overdue first")
    "": (_("دیرکرد، سپس مهلت"), ["-is_overdue", "due_on", "id"]),
    "due": (_("مهلت (نزدیک‌ترین)"), ["due_on", "id"]),
    "-due": (_("مهلت (دورترین)"), ["-due_on", "-id"]),
    "progress": (_("پیشرفت (کمترین)"), ["progress", "due_on", "id"]),
    "-progress": (_("پیشرفت (بیشترین)"), ["-progress", "due_on", "id"]),
    "-updated": (_("تازه‌ترین تغییر"), ["-updated_at", "-id"]),
}


class BoardFilterForm(forms.Form):
    """Filters and order of the follow-up board (all optional)."""

    status = forms.ChoiceField(
        label=_("وضعیت"),
        required=False,
        choices=[("", _("همه")), *list(Action.Status.choices)],
    )
    responsible = forms.ModelChoiceField(
        label=_("نهاد مسئول"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("همه"),
    )
    overdue = forms.BooleanField(label=_("فقط اقدام‌های معوق"), required=False)
    # A sample date as placeholder would read as a filter already set.
    due_from = JalaliDateField(
        label=_("مهلت از"),
        required=False,
        widget=JalaliDateInput(attrs={"placeholder": _("روز/ماه/سال")}),
    )
    due_to = JalaliDateField(
        label=_("مهلت تا"),
        required=False,
        widget=JalaliDateInput(attrs={"placeholder": _("روز/ماه/سال")}),
    )
    sort = forms.ChoiceField(
        label=_("ترتیب"),
        required=False,
        choices=[(k, v[0]) for k, v in SORTS.items()],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and start > end:
            self.add_error("due_to", _("«مهلت تا» نمی‌تواند پیش از «مهلت از» باشد."))
        return data
