from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.aid.models import (
    Budget,
    ExchangeRate,
    Indicator,
    Project,
    ProjectField,
    ProjectLocation,
    ProjectOrganisation,
    ProjectSector,
    Result,
    Transaction,
)


class OrganisationInline(admin.TabularInline):
    model = ProjectOrganisation
    extra = 0
    raw_id_fields = ["partner"]


class SectorInline(admin.TabularInline):
    model = ProjectSector
    extra = 0


class FieldInline(admin.TabularInline):
    model = ProjectField
    extra = 0


class LocationInline(admin.TabularInline):
    model = ProjectLocation
    extra = 0
    raw_id_fields = ["province"]


class BudgetInline(admin.TabularInline):
    model = Budget
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title_vi", "code", "iati_identifier", "kind", "status", "planned_start", "is_published"]
    list_filter = ["kind", "status", "is_published"]
    search_fields = ["title_vi", "title_en", "code", "iati_identifier", "agreement_number"]
    raw_id_fields = ["parent", "owner_unit", "agreement"]
    filter_horizontal = ["implementing_units"]
    inlines = [OrganisationInline, SectorInline, FieldInline, LocationInline, BudgetInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "project"]
    raw_id_fields = ["project"]
    inlines = [IndicatorInline]


@admin.register(Transaction)
class TransactionAdmin(SimpleHistoryAdmin):
    list_display = ["project", "type_code", "date", "value", "currency", "value_vnd", "value_usd"]
    list_filter = ["type_code", "currency"]
    raw_id_fields = ["project"]
    readonly_fields = ["rate_month", "rate_vnd", "rate_usd", "value_vnd", "value_usd"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "month", "vnd_per_unit", "source"]
    list_filter = ["currency"]
