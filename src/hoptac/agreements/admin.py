from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.agreements.models import (
    Agreement,
    AgreementText,
    Consultation,
    ImplementationActivity,
    Signatory,
    StatusChange,
)
from hoptac.agreements.services import agreement_search_text


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ["partner", "unit"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "date", "decision_number", "note", "user", "created_at"]
    can_delete = False


class ActivityInline(admin.TabularInline):
    model = ImplementationActivity
    extra = 0


class ConsultationInline(admin.TabularInline):
    model = Consultation
    extra = 0


class TextInline(admin.TabularInline):
    model = AgreementText
    extra = 0
    raw_id_fields = ["document"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title_vi", "kind", "level", "status", "signed_on", "valid_until", "owner_unit"]
    list_filter = ["kind", "level", "status", "is_published"]
    search_fields = ["title_vi", "title_en", "number"]
    autocomplete_fields = ["owner_unit", "parties", "vietnamese_parties", "signed_at_country", "superseded_by"]
    filter_horizontal = ["fields"]
    # The status changes through the lifecycle (pages and API), where each step is recorded.
    readonly_fields = ["status"]
    inlines = [SignatoryInline, ConsultationInline, ActivityInline, TextInline, StatusChangeInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # The admin bypasses the services; keep the derived search text right.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        text = agreement_search_text(obj, obj.parties.all(), obj.vietnamese_parties.all())
        Agreement.objects.filter(pk=obj.pk).update(search_text=text)


@admin.register(ImplementationActivity)
class ImplementationActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "agreement", "owner_unit", "due_date", "status"]
    list_filter = ["status"]
