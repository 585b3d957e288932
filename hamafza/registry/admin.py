from django.contrib import admin

from hamafza.core.admin_audit import AuditedAdmin
from hamafza.registry.models import (
    BoardMembership,
    Cooperative,
    County,
    Document,
    ImportJob,
    Person,
    Sector,
    Union,
)
from hamafza.registry.services import board_term_refresh


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = ["name", "province"]
    search_fields = ["name"]


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


@admin.register(Union)
class UnionAdmin(AuditedAdmin):
    list_display = ["name", "national_id", "county", "sector", "status"]
    list_filter = ["sector", "status"]
    search_fields = ["name", "national_id"]


class BoardInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Cooperative)
class CooperativeAdmin(AuditedAdmin):
    list_display = ["name", "national_id", "county", "sector", "status", "members"]
    list_filter = ["status", "sector", "county"]
    search_fields = ["name", "national_id", "registration_number"]
    list_select_related = ["county", "sector"]
    autocomplete_fields = ["union"]
    inlines = [BoardInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        board_term_refresh(form.instance)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    search_fields = ["full_name", "national_code"]


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = ["title", "cooperative", "kind", "uploaded_at"]
    list_select_related = ["cooperative"]
    raw_id_fields = ["cooperative"]
    exclude = ["file"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "created_by", "created_at", "state"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
