from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hoptac.org.models import ApiToken, Unit, User


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name_vi", "name_en", "kind", "code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_vi", "name_en", "short_name", "code"]
    autocomplete_fields = ["parent", "successor"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "unit__kind"]
    autocomplete_fields = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("hoptac"), {"fields": ("unit", "role", "title")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("hoptac"), {"fields": ("unit", "role", "title")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "key_hash", "created_at", "last_used_at"]
