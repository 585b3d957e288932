"""Forms of the proposals area: submitting, commenting, the staff's two answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import Role
from hamafza.core.forms import MultipleFileField, MultipleFileInput
from hamafza.core.uploads import detect
from hamafza.decisions.models import LegalDocument, Meeting
from hamafza.decisions.views_library import in_library_order
from hamafza.persian.templatetags.persian import jdatetime_filter
from hamafza.registry.models import Cooperative, Union

MAX_ATTACHMENTS = 10
PERSONAL_ROLES = (Role.BOARD, Role.STAFF, Role.ADMIN)


def on_behalf_choices(user) -> list[tuple[str, str]]:
    """Whom the user may submit for: the cooperatives and unions they represent, and
    themselves when their own role lets them propose (board, staff, administrators)."""
    choices = []
    if user.has_role(*PERSONAL_ROLES):
        choices.append(("", _("از طرف خودم")))
    for coop in Cooperative.objects.filter(pk__in=user.cooperative_ids).order_by("name"):
        choices.append((f"coop:{coop.pk}", coop.name))
    for union in Union.objects.filter(pk__in=user.union_ids).order_by("name"):
        choices.append((f"union:{union.pk}", union.name))
    return choices


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("عنوان پیشنهاد"),
        max_length=300,
        error_messages={
            "required": _("عنوان پیشنهاد را بنویسید."),
            "max_length": _("عنوان حداکثر ۳۰۰ نویسه است."),
        },
    )
    text = forms.CharField(
        label=_("متن پیشنهاد"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("مسئله، پیشنهاد شما و اثری که از آن انتظار دارید."),
        error_messages={"required": _("متن پیشنهاد را بنویسید.")},
    )
    legal_basis = forms.CharField(
        label=_("مستند قانونی"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ماده یا بندی که پیشنهاد بر آن استوار است؛ به زبان خودتان."),
    )
    legal_documents = forms.ModelMultipleChoiceField(
        label=_("قوانین و مقررات مستند"),
        queryset=in_library_order(LegalDocument.objects.all()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("یکی از قوانین انتخاب‌شده در کتابخانه نیست.")},
    )
    on_behalf = forms.ChoiceField(
        label=_("از طرف"),
        required=False,
        error_messages={
            "invalid_choice": _("فقط از طرف تعاونی یا اتحادیه‌ای که نماینده آن هستید."),
        },
    )
    attachments = MultipleFileField(
        label=_("پیوست‌ها"),
        help_text=_("PDF، JPG، PNG، docx یا xlsx؛ هر فایل حداکثر ۱۰ مگابایت، حداکثر ۱۰ فایل."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = on_behalf_choices(user)
        self.fields["on_behalf"].choices = choices
        # Someone who represents organisations only must choose one of them.
        self.fields["on_behalf"].required = not user.has_role(*PERSONAL_ROLES)
        self.fields["on_behalf"].error_messages["required"] = _(
            "انتخاب کنید از طرف کدام تعاونی یا اتحادیه پیشنهاد می‌دهید."
        )
        if choices:
            self.fields["on_behalf"].initial = choices[0][0]
        self.detected = []

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("حداکثر ۱۰ فایل پیوست کنید."))
        errors, detected = [], []
        for uploaded in files:
            try:
                detected.append((uploaded, detect(uploaded)))
            except forms.ValidationError as error:
                for message in error.messages:
                    # The name isolated (FSI … PDI), so a Latin name stays in place in RTL.
                    errors.append(f"«\u2068{uploaded.name}\u2069»: {message}")
        if errors:
            raise forms.ValidationError(errors)
        self.detected = detected
        return files

    def organisation(self) -> dict:
        """The cooperative or union chosen, as keyword arguments of proposal_submit."""
        value = self.cleaned_data.get("on_behalf") or ""
        kind, _sep, pk = value.partition(":")
        if kind == "coop":
            return {"cooperative": Cooperative.objects.get(pk=int(pk))}
        if kind == "union":
            return {"union": Union.objects.get(pk=int(pk))}
        return {}


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("دیدگاه شما"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("متن دیدگاه را بنویسید.")},
    )


def upcoming_meetings():
    return Meeting.objects.filter(
        state__in=[Meeting.State.SCHEDULED, Meeting.State.IN_PROGRESS]
    ).order_by("starts_at")


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} — {jdatetime_filter(obj.starts_at)}"


class ToAgendaForm(forms.Form):
    meeting = MeetingChoiceField(
        label=_("جلسه"),
        queryset=Meeting.objects.none(),
        empty_label=_("یک جلسه را انتخاب کنید"),
        error_messages={
            "required": _("جلسه‌ای را انتخاب کنید."),
            "invalid_choice": _("این جلسه در پیش نیست؛ جلسه دیگری انتخاب کنید."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = upcoming_meetings()


class DeclineForm(forms.Form):
    answer = forms.CharField(
        label=_("پاسخ اتاق: چرا این پیشنهاد در دستور جلسه نمی‌آید"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("این پاسخ برای پیشنهاددهنده فرستاده و در صفحه پیشنهاد نمایش داده می‌شود."),
        error_messages={"required": _("بنویسید چرا این پیشنهاد در دستور جلسه نمی‌آید.")},
    )
