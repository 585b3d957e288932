"""Forms of the case pages: filing a case, the conversation, and the cooperative's
confirmation, rating and reopening. They only clean input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamafza.cases import permissions, services
from hamafza.cases.models import Case, Category
from hamafza.core.forms import MultipleFileField, MultipleFileInput
from hamafza.core.uploads import detect
from hamafza.persian.identifiers import validate_national_id
from hamafza.persian.templatetags.persian import fanum
from hamafza.persian.text import to_latin_digits
from hamafza.registry.models import Cooperative

FILE_TYPES = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
STAFF_CHANNELS = [
    (Case.Channel.PHONE, Case.Channel.PHONE.label),
    (Case.Channel.LETTER, Case.Channel.LETTER.label),
    (Case.Channel.IN_PERSON, Case.Channel.IN_PERSON.label),
]


def _files_help():
    return _("PDF، JPG، PNG، docx یا xlsx؛ هر فایل حداکثر ۱۰ مگابایت، حداکثر %(n)s فایل.") % {
        "n": fanum(services.MAX_ATTACHMENTS)
    }


def check_files(files: list) -> list:
    """Refuse, before anything is saved, more files than allowed or any file of a kind or
    size not accepted; each problem names its file."""
    if len(files) > services.MAX_ATTACHMENTS:
        raise forms.ValidationError(
            _("حداکثر %(n)s فایل پیوست کنید.") % {"n": fanum(services.MAX_ATTACHMENTS)}
        )
    errors = []
    for uploaded in files:
        try:
            detect(uploaded)
        except forms.ValidationError as error:
            for message in error.messages:
                # The name isolated (FSI … PDI), so a Latin name stays in place in RTL.
                errors.append(f"«\u2068{uploaded.name}\u2069»: {message}")
    if errors:
        raise forms.ValidationError(errors)
    return files


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class CaseForm(forms.Form):
    """Filing a case. Who files decides the fields: a cooperative's representative files for
    it (no choice), a union's representative chooses one of its members, staff type the
    cooperative's national ID (or find it by name) and say how the case reached them."""

    cooperative = forms.CharField(label=_("تعاونی"), required=True)
    category = CategoryChoiceField(
        label=_("موضوع"),
        queryset=Category.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("موضوع درخواست را انتخاب کنید."),
            "invalid_choice": _("این موضوع در فهرست نیست."),
        },
    )
    title = forms.CharField(
        label=_("عنوان"),
        max_length=200,
        help_text=_("در یک جمله: مشکل چیست؟ مثلاً «تأخیر در پرداخت خسارت بیمه محصول»."),
        error_messages={
            "required": _("عنوان درخواست را بنویسید."),
            "max_length": _("عنوان حداکثر ۲۰۰ نویسه است."),
        },
    )
    description = forms.CharField(
        label=_("شرح مشکل"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("چه شده، از کی، چه کرده‌اید و از اتاق چه انتظاری دارید."),
        error_messages={"required": _("شرح مشکل را بنویسید.")},
    )
    urgency = forms.ChoiceField(
        label=_("فوریت"),
        choices=Case.Urgency.choices,
        initial=Case.Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("فوریت را از میان گزینه‌ها انتخاب کنید.")},
    )
    channel = forms.ChoiceField(
        label=_("راه رسیدن درخواست"),
        choices=STAFF_CHANNELS,
        initial=Case.Channel.PHONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("بگویید درخواست از چه راهی رسید."),
            "invalid_choice": _("راه رسیدن درخواست را از میان گزینه‌ها انتخاب کنید."),
        },
    )
    attachments = MultipleFileField(
        label=_("پیوست‌ها"),
        widget=MultipleFileInput(attrs={"accept": FILE_TYPES}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.staff = permissions.can_manage(user)
        self.fields["attachments"].help_text = _files_help()
        self.choices = None
        self.only = None
        if self.staff:
            self.fields["cooperative"] = forms.CharField(
                label=_("شناسه ملی تعاونی"),
                max_length=40,
                help_text=_(
                    "شناسه ملی ۱۱ رقمی را وارد کنید، یا بخشی از نام را بنویسید و از "
                    "پیشنهادها انتخاب کنید."
                ),
                error_messages={"required": _("تعاونی را با شناسه ملی آن مشخص کنید.")},
                widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
            )
        else:
            del self.fields["channel"]
            coops = list(
                services.fileable_cooperatives(user)
                .order_by("sort_key", "id")
                .only("id", "name", "union_id")
            )
            if len(coops) == 1:
                self.only = coops[0]
                del self.fields["cooperative"]
            else:
                self.choices = coops
                self.fields["cooperative"] = forms.ChoiceField(
                    label=_("برای کدام تعاونی؟"),
                    choices=[("", _("— انتخاب کنید —")), *((str(c.pk), c.name) for c in coops)],
                    error_messages={
                        "required": _("تعاونی‌ای را که درخواست برای آن است انتخاب کنید."),
                        "invalid_choice": _("فقط برای تعاونی‌هایی که نماینده آن‌ها هستید."),
                    },
                )

    def clean_cooperative(self) -> Cooperative:
        value = self.cleaned_data["cooperative"]
        if self.choices is not None:
            found = next((c for c in self.choices if str(c.pk) == value), None)
            if found is None:
                raise forms.ValidationError(_("فقط برای تعاونی‌هایی که نماینده آن‌ها هستید."))
            return Cooperative.objects.get(pk=found.pk)
        typed = to_latin_digits(value).strip()
        try:
            national_id = validate_national_id(typed)
        except forms.ValidationError:
            raise forms.ValidationError(
                _(
                    "شناسه ملی ۱۱ رقمی تعاونی را وارد کنید، یا نام را بنویسید و تعاونی را از "
                    "پیشنهادها انتخاب کنید."
                )
            ) from None
        found = services.fileable_cooperatives(self.user).filter(national_id=national_id).first()
        if found is None:
            raise forms.ValidationError(
                _("تعاونی‌ای با شناسه ملی %(id)s در فهرست نیست.") % {"id": fanum(national_id)}
            )
        return found

    def clean_attachments(self):
        return check_files(self.cleaned_data.get("attachments") or [])

    def chosen_cooperative(self) -> Cooperative:
        return self.only if self.only is not None else self.cleaned_data["cooperative"]

    def category_options(self):
        """The category radios with each category's targets (for the template)."""
        for widget in self["category"].subwidgets:
            yield widget, widget.data["value"].instance


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("پیام"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("متن پیام را بنویسید.")},
    )
    internal = forms.BooleanField(
        label=_("یادداشت داخلی (تعاونی نمی‌بیند)"),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("پیوست"),
        widget=MultipleFileInput(attrs={"accept": FILE_TYPES}),
    )

    def __init__(self, *args, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _files_help()
        if not manager:
            del self.fields["internal"]

    def clean_attachments(self):
        return check_files(self.cleaned_data.get("attachments") or [])


RATINGS = [
    ("1", _("۱ — بسیار ناراضی")),
    ("2", _("۲ — ناراضی")),
    ("3", _("۳ — متوسط")),
    ("4", _("۴ — راضی")),
    ("5", _("۵ — بسیار راضی")),
]


class RatingForm(forms.Form):
    """The cooperative's rating of the outcome (1–5) and a comment; used to confirm a
    resolved or rejected case and to rate one that closed by itself."""

    rating = forms.TypedChoiceField(
        label=_("رضایت شما از رسیدگی"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("امتیاز رضایت را از ۱ تا ۵ انتخاب کنید."),
            "invalid_choice": _("امتیاز رضایت را از ۱ تا ۵ انتخاب کنید."),
        },
    )
    comment = forms.CharField(
        label=_("نظر شما (اختیاری)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("چرا مشکل هنوز حل نشده است؟"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("بنویسید چرا درخواست را دوباره باز می‌کنید.")},
    )
