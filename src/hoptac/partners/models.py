import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.web.params import validate_record_date


class Level(models.TextChoices):
    """Vietnam's bilateral partnership frameworks, highest first."""

    COMPREHENSIVE_STRATEGIC = "comprehensive_strategic", _("Comprehensive strategic partner")
    STRATEGIC = "strategic", _("Strategic partner")
    COMPREHENSIVE = "comprehensive", _("Comprehensive partner")


LEVEL_RANK = {Level.COMPREHENSIVE_STRATEGIC: 3, Level.STRATEGIC: 2, Level.COMPREHENSIVE: 1}


class Partner(Record):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        FOREIGN_GOVERNMENT_BODY = "foreign_government_body", _("Foreign government body")
        DEVELOPMENT_AGENCY = "development_agency", _("Development agency")
        NGO = "ngo", _("Foreign NGO")
        UNIVERSITY = "university", _("University or research institute")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    # The registry is shared: every signed-in user sees it; contributors change only
    # the partners their unit maintains.
    shared_registry = True
    unit_fields = ("owner_unit",)

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True, help_text=_("Other names and spellings."))
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("maintained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
    )
    reference_key = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Key in the shipped reference data."
    )
    search_text = models.TextField(blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name_vi"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_key"], condition=~models.Q(reference_key=""), name="partner_reference_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        name = self.display_name(get_language())
        return f"{name} ({self.acronym})" if self.acronym else name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])

    def display_name(self, language: str = "vi") -> str:
        return (self.name_en or self.name_vi) if language == "en" else self.name_vi

    def level_on(self, day: datetime.date) -> "PartnershipLevel | None":
        """The highest level held on `day` (levels only go up, so also the latest)."""
        held = [lv for lv in self.levels.all() if lv.since <= day]
        return max(held, key=lambda lv: (LEVEL_RANK[lv.level], lv.since), default=None)

    def descendants_and_self(self) -> list[int]:
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                Partner.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
            )
            ids.update(frontier)
        return sorted(ids)


class PartnershipLevel(models.Model):
    """One level a country has held with Vietnam, from a date, with its source."""

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("level"), max_length=32, choices=Level.choices)
    # A source that gives only a month or a year is stored as its first day, with the precision kept.
    since = models.DateField(_("since"), validators=[validate_record_date])
    since_precision = models.CharField(_("precision"), max_length=5, choices=Precision.choices, default=Precision.DAY)
    source_url = models.URLField(_("source"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership level")
        verbose_name_plural = _("partnership levels")
        ordering = ["partner", "since"]
        constraints = [models.UniqueConstraint(fields=["partner", "level"], name="partnership_level_once")]

    def __str__(self) -> str:
        return f"{self.partner.name_en}: {self.get_level_display()} ({self.since_display()})"

    def since_display(self) -> str:
        if self.since_precision == self.Precision.YEAR:
            return f"{self.since:%Y}"
        if self.since_precision == self.Precision.MONTH:
            return f"{self.since:%m/%Y}"
        return f"{self.since:%d/%m/%Y}"


class StatedCount(models.Model):
    """A total a source states (e.g. "14 comprehensive strategic partners"), kept as its own
    sourced figure beside the counts of itemised rows, never reconciled by inventing rows."""

    class Subject(models.TextChoices):
        COMPREHENSIVE_STRATEGIC = "comprehensive_strategic", _("Comprehensive strategic partners")
        STRATEGIC = "strategic", _("Strategic partners")
        COMPREHENSIVE = "comprehensive", _("Comprehensive partners")
        DIPLOMATIC_RELATIONS = "diplomatic_relations", _("Countries with diplomatic relations")

    subject = models.CharField(_("subject"), max_length=32, choices=Subject.choices)
    value = models.PositiveIntegerField(_("stated count"))
    as_of = models.DateField(_("as of"), validators=[validate_record_date])
    source_title = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    quote = models.TextField(_("quotation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated count")
        verbose_name_plural = _("stated counts")
        ordering = ["-as_of", "subject"]
        constraints = [models.UniqueConstraint(fields=["subject", "as_of", "source_title"], name="stated_count_once")]

    def __str__(self) -> str:
        return f"{self.get_subject_display()}: {self.value} ({self.as_of:%d/%m/%Y})"


class Contact(Record):
    """A person at a partner. Internal: never published."""

    shared_registry = True
    unit_fields = ("partner__owner_unit",)

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name
