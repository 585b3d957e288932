from django import forms
from django.forms.renderers import TemplatesSetting


class Renderer(TemplatesSetting):
    """Every form renders with Bootstrap markup and Persian-friendly field groups."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
