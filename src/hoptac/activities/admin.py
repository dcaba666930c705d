from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.activities.models import (
    CalendarFeed,
    Delegation,
    DelegationLeg,
    DelegationMember,
    Event,
    EventParticipant,
    FollowUpAction,
)


class ParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    raw_id_fields = ["partner"]


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0


class MemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0


class LegInline(admin.TabularInline):
    model = DelegationLeg
    extra = 0


class _VersionedAdmin(SimpleHistoryAdmin):
    def save_model(self, request, obj, form, change):
        # The admin bypasses the services; keep the version right so stale edits elsewhere are caught.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Event)
class EventAdmin(_VersionedAdmin):
    list_display = ["title_vi", "kind", "start_date", "end_date", "organiser_unit", "status", "is_published"]
    list_filter = ["kind", "status", "is_published"]
    search_fields = ["title_vi", "title_en", "search_text"]
    date_hierarchy = "start_date"
    raw_id_fields = ["co_organisers", "documents"]
    inlines = [ParticipantInline, FollowUpInline]


@admin.register(Delegation)
class DelegationAdmin(_VersionedAdmin):
    list_display = ["title_vi", "direction", "start_date", "end_date", "owner_unit", "status"]
    list_filter = ["direction", "status", "funding_source"]
    search_fields = ["title_vi", "title_en", "leader_name", "search_text"]
    date_hierarchy = "start_date"
    raw_id_fields = ["partners_met"]
    inlines = [MemberInline, LegInline]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["token"]
