from django.contrib import admin

from hamafza.registry.models import BoardMembership, Cooperative, County, Person, Sector, Union


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "province"]
    search_fields = ["name"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    list_display = ["name", "national_id", "county", "sector", "status"]
    list_filter = ["sector", "status"]
    search_fields = ["name", "national_id"]


class BoardInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "national_id", "county", "sector", "status", "members"]
    list_filter = ["status", "sector", "county"]
    search_fields = ["name", "national_id", "registration_number"]
    list_select_related = ["county", "sector"]
    autocomplete_fields = ["union"]
    inlines = [BoardInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    search_fields = ["full_name", "national_code"]
