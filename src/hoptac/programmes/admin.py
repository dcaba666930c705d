from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.programmes.models import Programme, ProgressReport, ReportAttachment, ReportingCycle, Task


class CycleInline(admin.TabularInline):
    model = ReportingCycle
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["document_number", "title", "document_date", "issuer", "implements_number", "parent"]
    search_fields = ["document_number", "title", "title_en", "implements_number"]
    autocomplete_fields = ["parent", "owner_unit"]
    filter_horizontal = ["fields"]
    inlines = [CycleInline]

    def save_model(self, request, obj, form, change):
        # The admin bypasses the services; keep the version right.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "programme", "lead_unit", "deadline_kind", "deadline", "status"]
    list_filter = ["status", "deadline_kind", "programme"]
    search_fields = ["code", "title", "expected_product"]
    autocomplete_fields = ["programme", "lead_unit", "coordinating_units", "upper_task"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["task", "unit", "kind", "reported_on", "percent", "status"]
    list_filter = ["status", "kind"]
    autocomplete_fields = ["task", "unit"]
    inlines = [AttachmentInline]
