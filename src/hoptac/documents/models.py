from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.web.params import validate_record_date


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")


class Document(Record):
    """A text the department receives or keeps: news, an agreement text, a decision, minutes, a report.

    The original file is kept as uploaded; `text` is the plain text extracted from it, and is
    what the page shows (always escaped), what search indexes and what extraction reads."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        AGREEMENT_TEXT = "agreement_text", _("Agreement text")
        DECISION = "decision", _("Decision")
        MINUTES = "minutes", _("Minutes")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    class Format(models.TextChoices):
        TXT = "txt", _("Plain text")
        HTML = "html", "HTML"
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"
        PASTED = "pasted", _("Pasted text")

    unit_fields = ("owner_unit",)

    title = models.CharField(_("title"), max_length=500)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.VI)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NEWS)
    source = models.CharField(_("source"), max_length=255, blank=True, help_text=_("Publisher or sender."))
    source_url = models.URLField(_("web address"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, validators=[validate_record_date])
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    file = models.FileField(_("original file"), upload_to="documents/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-published_on", "-created_at"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["published_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])


class Mention(models.Model):
    """Something extraction found in a document's text, at character offsets [start, end)."""

    class Type(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        COUNTRY = "country", _("Country")
        PERSON = "person", _("Person")
        DOCUMENT_NUMBER = "document_number", _("Document number")
        DATE = "date", _("Date")
        PLACE = "place", _("Place")
        AMOUNT = "amount", _("Amount")
        COUNT = "count", _("Count")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="mentions"
    )
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)
    value = models.JSONField(_("value"), null=True, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.5)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("linked partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["document", "start"]
        indexes = [models.Index(fields=["type", "status"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.text}"

    def as_contract(self) -> dict:
        return {
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "value": self.value,
        }


class SearchEntry(models.Model):
    """One indexed record of any type (see hoptac.search.registry). The full-text index itself is
    an FTS5 table on SQLite or a tsvector column on PostgreSQL, created by migration 0002."""

    type = models.CharField(max_length=32)
    obj_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    language = models.CharField(max_length=2, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    partner_ids = models.JSONField(default=list, blank=True)
    field_ids = models.JSONField(default=list, blank=True)
    folded_title = models.TextField(blank=True)
    folded_body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "obj_id"], name="search_entry_once")]

    def __str__(self) -> str:
        return f"{self.type}:{self.obj_id} {self.title}"
