from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """ISO 3166-1 countries with Vietnamese and English names (reference data)."""

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=128)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=128)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.display_name(get_language())

    def display_name(self, language: str = "vi") -> str:
        return (self.name_en or self.name_vi) if language == "en" else self.name_vi


class Currency(models.Model):
    """ISO 4217 currencies, from the IATI Currency codelist."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=128)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=128, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
