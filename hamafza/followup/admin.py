from django.contrib import admin

from hamafza.core.admin_audit import AuditedAdmin
from hamafza.followup.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    raw_id_fields = ["union", "cooperative"]
