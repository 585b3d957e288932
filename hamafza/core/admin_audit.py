"""Changes made in the Django admin are audited like every other change."""

from django.contrib import admin

from hamafza.core import audit


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {
            name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))]
            for name in form.changed_data
        }
        action = f"admin.{obj._meta.model_name}_{'change' if change else 'add'}"
        audit.record(actor=request.user, action=action, target=obj, changes=changes)

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=f"admin.{obj._meta.model_name}_delete", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(
                actor=request.user, action=f"admin.{obj._meta.model_name}_delete", target=obj
            )
        super().delete_queryset(request, queryset)
