from django import forms
from django.utils.translation import gettext_lazy as _

from hamafza.core.uploads import detect
from hamafza.persian.forms import (
    JalaliDateField,
    MobileField,
    NationalIdField,
    PersianIntegerField,
    PostalCodeField,
)
from hamafza.registry.models import Cooperative, Document, Union
from hamafza.registry.services import (
    REPRESENTATIVE_FIELDS,
    STAFF_FIELDS,
    UNION_REPRESENTATIVE_FIELDS,
    UNION_STAFF_FIELDS,
)


def _persian_empty_choices(form: forms.ModelForm) -> None:
    """Django's own empty choice ("- Select an option -") has no Persian translation."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = _("— انتخاب کنید —")


class CooperativeForm(forms.ModelForm):
    """The edit form; which fields appear depends on who edits (registry.services)."""

    national_id = NationalIdField(label=_("شناسه ملی"))
    registered_on = JalaliDateField(label=_("تاریخ ثبت"), required=False)
    members = PersianIntegerField(label=_("تعداد اعضا"), min_value=0)
    employees = PersianIntegerField(label=_("تعداد شاغلین"), min_value=0)
    capital_rial = PersianIntegerField(label=_("سرمایه (ریال)"), min_value=0)
    mobile = MobileField(label=_("تلفن همراه"), required=False)
    postal_code = PostalCodeField(label=_("کد پستی"), required=False)

    class Meta:
        model = Cooperative
        fields = STAFF_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(),
            "website": forms.URLInput(attrs={"dir": "ltr"}),
            "isic_codes": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STAFF_FIELDS if staff else REPRESENTATIVE_FIELDS
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        if "union" in self.fields:
            self.fields["union"].queryset = Union.objects.order_by("name")
        _persian_empty_choices(self)
        if "website" in self.fields:
            self.fields["website"].assume_scheme = "https"

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class UnionForm(forms.ModelForm):
    """A union's edit form; like CooperativeForm, its fields depend on who edits."""

    national_id = NationalIdField(label=_("شناسه ملی"))
    registered_on = JalaliDateField(label=_("تاریخ ثبت"), required=False)
    mobile = MobileField(label=_("تلفن همراه"), required=False)
    postal_code = PostalCodeField(label=_("کد پستی"), required=False)

    class Meta:
        model = Union
        fields = UNION_STAFF_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(),
            "website": forms.URLInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = UNION_STAFF_FIELDS if staff else UNION_REPRESENTATIVE_FIELDS
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        _persian_empty_choices(self)
        if "county" in self.fields:
            # A union without a county is a province-wide one (as its page says).
            self.fields["county"].empty_label = _("استانی")
        if "website" in self.fields:
            self.fields["website"].assume_scheme = "https"

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("فایل اکسل (xlsx) یا csv"),
        help_text=_("ردیف اول سرستون‌ها؛ ستون‌ها با نام فارسی یا انگلیسی و به هر ترتیب."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        from hamafza.registry.spreadsheets import MAX_FILE_BYTES

        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("فایل بزرگ‌تر از حد مجاز (۵۰ مگابایت) است؛ آن را در چند فایل بفرستید.")
            )
        if uploaded.size == 0:
            raise forms.ValidationError(_("فایل خالی است."))
        return uploaded


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("نوع سند"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("عنوان"), max_length=200)
    file = forms.FileField(
        label=_("فایل"),
        help_text=_("PDF، JPG، PNG، docx یا xlsx؛ حداکثر ۱۰ مگابایت."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.detected_kind = detect(uploaded)
        return uploaded
