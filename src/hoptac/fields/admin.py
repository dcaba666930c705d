from django.contrib import admin

from hoptac.fields.models import Field, Sector


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "parent"]
    search_fields = ["code", "name_vi", "name_en"]
    filter_horizontal = ["sectors"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "category", "active"]
    search_fields = ["code", "name_en"]
