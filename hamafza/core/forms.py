from django.forms.renderers import TemplatesSetting


class Renderer(TemplatesSetting):
    """Every form renders with Bootstrap markup and Persian-friendly field groups."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
