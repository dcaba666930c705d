from django.contrib import admin

from hoptac.reference.models import Country, Currency


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso2", "iso3", "name_vi", "name_en"]
    search_fields = ["iso2", "iso3", "name_vi", "name_en"]


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "withdrawn"]
    search_fields = ["code", "name_en"]
