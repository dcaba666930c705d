from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.partners.models import Contact, Partner, PartnershipLevel, StatedCount
from hoptac.partners.services import partner_search_text


class PartnershipLevelInline(admin.TabularInline):
    model = PartnershipLevel
    extra = 0


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name_vi", "name_en", "acronym", "kind", "country", "parent"]
    list_filter = ["kind"]
    search_fields = ["name_vi", "name_en", "acronym", "search_text"]
    autocomplete_fields = ["country", "parent", "owner_unit"]
    inlines = [PartnershipLevelInline]

    def save_model(self, request, obj, form, change):
        # The admin bypasses the services; keep the derived search text and version right.
        obj.search_text = partner_search_text(obj)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(PartnershipLevel)
class PartnershipLevelAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "level", "since", "since_precision", "source_url"]
    list_filter = ["level"]
    autocomplete_fields = ["partner"]


@admin.register(StatedCount)
class StatedCountAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "value", "as_of", "source_title"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "partner", "email"]
    search_fields = ["name", "title", "email"]
    autocomplete_fields = ["partner"]
