from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Sector(models.Model):
    """OECD-DAC 5-digit purpose code (IATI Sector codelist, vocabulary 1)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=255)
    category = models.CharField(_("category"), max_length=3, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("DAC sector")
        verbose_name_plural = _("DAC sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class Field(models.Model):
    """A cooperation field (lĩnh vực hợp tác), mapped to DAC sectors for aid."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("DAC sectors"), blank=True, related_name="fields")

    class Meta:
        verbose_name = _("cooperation field")
        verbose_name_plural = _("cooperation fields")
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.display_name(get_language())

    def display_name(self, language: str = "vi") -> str:
        return (self.name_en or self.name_vi) if language == "en" else self.name_vi
