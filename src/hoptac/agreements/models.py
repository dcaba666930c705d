"""International agreements and treaties, their signatories, legal steps and implementation.

Derived state (in force, expiring, expired) is computed from the dates with an explicit `today`,
never stored: see `Agreement.state_on` and docs/agreements.md."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.web.params import validate_record_date


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class State(models.TextChoices):
    """Derived from the status and the dates on a given day; never stored."""

    NOT_IN_FORCE = "not_in_force", _("Not (yet) in force")
    IN_FORCE = "in_force", _("In force")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Terminated or superseded")


class Agreement(Record):
    class Kind(models.TextChoices):
        TREATY = "treaty", _("Treaty")
        AGREEMENT = "agreement", _("International agreement")
        MOU = "memorandum_of_understanding", _("Memorandum of understanding")
        ADMINISTRATIVE_AGREEMENT = "administrative_agreement", _("Administrative agreement")
        PROTOCOL = "protocol", _("Protocol")
        COOPERATION_PROGRAMME = "cooperation_programme", _("Cooperation programme or plan")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        """On whose behalf it is signed."""

        STATE = "state", _("State")
        GOVERNMENT = "government", _("Government")
        MINISTRY = "ministry", _("Ministry or ministerial-level agency")
        PROVINCE = "province", _("Provincial People's Committee")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        NEGOTIATING = "negotiating", _("Negotiating")
        CONSULTING = "consulting", _("Consulting")
        APPROVED = "approved", _("Approved")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")
        SUPERSEDED = "superseded", _("Superseded")

    unit_fields = ("owner_unit", "vietnamese_parties", "activities__owner_unit")
    # What the public portal may show once an approver publishes the agreement.
    portal_fields = (
        "kind",
        "level",
        "number",
        "title_vi",
        "title_en",
        "vietnamese_parties",
        "parties",
        "signed_on",
        "signed_at_city",
        "signed_at_country",
        "in_force_from",
        "valid_until",
        "status",
        "fields",
        "summary",
    )

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.MINISTRY)
    number = models.CharField(_("number or code"), max_length=100, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="agreements_owned",
        help_text=_("The unit that keeps this record and follows it up."),
    )
    vietnamese_parties = models.ManyToManyField(
        "org.Unit", verbose_name=_("Vietnamese parties"), blank=True, related_name="agreements"
    )
    parties = models.ManyToManyField("partners.Partner", verbose_name=_("foreign parties"), related_name="agreements")
    signed_on = models.DateField(_("signed on"), null=True, blank=True, validators=[validate_record_date])
    signed_on_precision = models.CharField(
        _("precision of the signing date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    signed_at_city = models.CharField(_("signed at (city)"), max_length=128, blank=True)
    signed_at_country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("signed at (country)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_force_from = models.DateField(_("in force from"), null=True, blank=True, validators=[validate_record_date])
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an open-ended agreement."),
        validators=[validate_record_date],
    )
    automatic_renewal = models.BooleanField(_("renewed automatically"), default=False)
    renewal_period_months = models.PositiveIntegerField(
        _("renewal period (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: each renewal is as long as the first term (or 12 months if it has no start date)."),
    )
    notice_period_days = models.PositiveIntegerField(
        _("notice period (days)"),
        null=True,
        blank=True,
        help_text=_("How long before the end a party must give notice to end or not renew it."),
    )
    fields = models.ManyToManyField("fields.Field", verbose_name=_("fields"), blank=True, related_name="agreements")
    summary = models.TextField(_("summary"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    is_published = models.BooleanField(_("published on the portal"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title_vi"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["signed_on"]),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    def display_name(self, language: str = "vi") -> str:
        return (self.title_en or self.title_vi) if language == "en" else self.title_vi

    def clean(self) -> None:
        errors = {}
        if self.in_force_from and self.valid_until and self.valid_until < self.in_force_from:
            errors["valid_until"] = _("The end date cannot be before the date it enters into force.")
        if self.signed_on and self.valid_until and self.valid_until < self.signed_on:
            errors.setdefault("valid_until", _("The end date cannot be before the signing date."))
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("An agreement cannot supersede itself.")
        if errors:
            raise ValidationError(errors)

    # ---- derived state -------------------------------------------------------------
    def renewal_months(self) -> int:
        if self.renewal_period_months:
            return self.renewal_period_months
        if self.in_force_from and self.valid_until:
            start, after = self.in_force_from, self.valid_until + datetime.timedelta(days=1)
            months = (after.year - start.year) * 12 + after.month - start.month - (1 if after.day < start.day else 0)
            return max(months, 1)
        return 12

    def term_end(self, today: datetime.date) -> datetime.date | None:
        """The last day of the term running on `today` (None: open-ended). An automatically
        renewed agreement rolls over by its renewal period until the term covers `today`."""
        if self.valid_until is None:
            return None
        end = self.valid_until
        if self.automatic_renewal:
            months, n = self.renewal_months(), 0
            while end < today:
                n += 1
                end = add_months(self.valid_until, months * n)
        return end

    def notice_deadline(self, today: datetime.date) -> datetime.date | None:
        end = self.term_end(today)
        if end is None or not self.notice_period_days:
            return None
        return end - datetime.timedelta(days=self.notice_period_days)

    def days_left(self, today: datetime.date) -> int | None:
        end = self.term_end(today)
        return None if end is None else (end - today).days

    def state_on(self, today: datetime.date, expiring_days: int = 90) -> str:
        """The derived state on `today` (a State value)."""
        S = self.Status
        if self.status in (S.TERMINATED, S.SUPERSEDED):
            return State.ENDED
        if self.status == S.SUSPENDED:
            return State.SUSPENDED
        if self.status == S.EXPIRED:
            return State.EXPIRED
        if self.status not in (S.SIGNED, S.IN_FORCE):
            return State.NOT_IN_FORCE
        if self.in_force_from is None or self.in_force_from > today:
            return State.NOT_IN_FORCE
        end = self.term_end(today)
        if end is None:
            return State.IN_FORCE
        if end < today:
            return State.EXPIRED
        if (end - today).days <= expiring_days:
            return State.EXPIRING
        return State.IN_FORCE

    def is_in_force(self, today: datetime.date) -> bool:
        return self.state_on(today) in (State.IN_FORCE, State.EXPIRING)

    def is_expiring_within(self, days: int, today: datetime.date) -> bool:
        return self.state_on(today, expiring_days=days) == State.EXPIRING

    def is_expired(self, today: datetime.date) -> bool:
        return self.state_on(today) == State.EXPIRED

    @property
    def state(self) -> str:
        """Today's derived state, as a label (the portal and pages show it)."""
        return str(State(self.state_on(timezone.localdate())).label)

    def signed_on_display(self) -> str:
        if self.signed_on is None:
            return ""
        if self.signed_on_precision == DatePrecision.YEAR:
            return f"{self.signed_on:%Y}"
        if self.signed_on_precision == DatePrecision.MONTH:
            return f"{self.signed_on:%m/%Y}"
        return f"{self.signed_on:%d/%m/%Y}"


class Signatory(models.Model):
    class Side(models.TextChoices):
        VIETNAMESE = "vietnamese", _("Vietnamese side")
        FOREIGN = "foreign", _("Foreign side")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(_("position"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("on behalf of (unit)"), null=True, blank=True, on_delete=models.SET_NULL
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("on behalf of (partner)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agreement", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class StatusChange(models.Model):
    """One step of the lifecycle: from which status to which, when, on which decision, by whom."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=Agreement.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Agreement.Status.choices)
    date = models.DateField(_("date"), validators=[validate_record_date])
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["agreement", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} ({self.date:%d/%m/%Y})"


class Consultation(Record):
    """An agency consulted on a draft (Law 70/2020 art. 7-8; Law 108/2016 for treaties) and its answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        AGREED = "agreed", _("Agreed")
        AGREED_WITH_COMMENTS = "agreed_with_comments", _("Agreed with comments")
        OBJECTED = "objected", _("Objected")

    unit_fields = ("agreement__owner_unit", "agreement__vietnamese_parties")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey(
        "org.Unit",
        verbose_name=_("consulted agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency_name = models.CharField(
        _("consulted agency (name)"),
        max_length=255,
        blank=True,
        help_text=_("When the agency is not in the unit list."),
    )
    requested_on = models.DateField(_("requested on"), null=True, blank=True, validators=[validate_record_date])
    answered_on = models.DateField(_("answered on"), null=True, blank=True, validators=[validate_record_date])
    answer = models.CharField(_("answer"), max_length=24, choices=Answer.choices, default=Answer.PENDING)
    answer_text = models.TextField(_("answer (content)"), blank=True)
    document_number = models.CharField(_("answer document number"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["agreement", "requested_on", "pk"]

    def __str__(self) -> str:
        return self.agency.name_vi if self.agency else self.agency_name

    def clean(self) -> None:
        if not self.agency_id and not self.agency_name.strip():
            raise ValidationError({"agency": _("Name the consulted agency.")})
        if self.requested_on and self.answered_on and self.answered_on < self.requested_on:
            raise ValidationError({"answered_on": _("The answer cannot come before the request.")})


class ImplementationActivity(Record):
    """A planned activity that carries out the agreement, with its owner, due date and result."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)
    unit_fields = ("owner_unit", "agreement__owner_unit")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=500)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_record_date])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[validate_record_date])
    result = models.TextField(_("result"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation activity")
        verbose_name_plural = _("implementation activities")
        ordering = ["agreement", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status in self.OPEN and self.due_date is not None and self.due_date < today


class AgreementText(models.Model):
    """The text of the agreement (or a translation, annex...): an uploaded file or a document
    already in the document store."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="texts")
    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=8, blank=True)
    file = models.FileField(_("file"), upload_to="agreements/%Y/", blank=True, max_length=300)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreement_texts",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement text")
        verbose_name_plural = _("agreement texts")
        ordering = ["agreement", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.file and not self.document_id:
            raise ValidationError(_("Attach a file or choose a document."))

    def url(self) -> str:
        if self.document_id:
            return self.document.get_absolute_url()
        return reverse("agreements:text_file", args=[self.pk]) if self.file else ""
