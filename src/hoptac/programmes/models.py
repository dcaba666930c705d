"""Action programmes and plans (chương trình hành động, kế hoạch), their tasks, and the
progress reports the units file on them.

Overdue and due-soon are derived from a task's deadline and its last report on a given day
(`hoptac.programmes.deadlines`), never stored. Reporting cycles are rows: the rounds they open
(a period, its due day) are computed from them, so changing a cycle changes every round."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.web.params import validate_record_date


class Programme(Record):
    """An action programme or plan, issued by a document, implementing another one.

    Programmes nest: the Government's programme → a ministry's plan → a department's plan."""

    # Contributors see the programmes their unit maintains or has tasks in.
    unit_fields = ("owner_unit", "tasks__lead_unit", "tasks__coordinating_units")

    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    document_number = models.CharField(
        _("document number"), max_length=64, blank=True, help_text=_("The issuing document, e.g. 153/NQ-CP.")
    )
    document_date = models.DateField(_("document date"), null=True, blank=True, validators=[validate_record_date])
    issuer = models.CharField(_("issued by"), max_length=255, blank=True, help_text=_("e.g. the Government."))
    implements_number = models.CharField(
        _("implements document"), max_length=64, blank=True, help_text=_("The document it implements, e.g. 59-NQ/TW.")
    )
    implements_date = models.DateField(
        _("date of the implemented document"), null=True, blank=True, validators=[validate_record_date]
    )
    implements_issuer = models.CharField(_("issuer of the implemented document"), max_length=255, blank=True)
    implements_title = models.CharField(_("title of the implemented document"), max_length=500, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True, validators=[validate_record_date])
    period_end = models.DateField(_("period until"), null=True, blank=True, validators=[validate_record_date])
    fields = models.ManyToManyField("fields.Field", verbose_name=_("fields"), blank=True, related_name="programmes")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("implements programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The upper programme this plan carries out."),
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("maintained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-document_date", "title"]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.title}" if self.document_number else self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])

    def display_title(self, language: str = "vi") -> str:
        return (self.title_en or self.title) if language == "en" else self.title

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if self.pk and self.parent_id:
            seen, node = {self.pk}, self.parent
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("A programme cannot implement itself.")})
                seen.add(node.pk)
                node = node.parent


class ReportingCycle(models.Model):
    """How often the units of a programme report, and by which day.

    A round covers one period (a month, quarter, half-year or year) and is due on `due_day`
    of the period's last month (or of a later month with `due_month_offset`). The round opens
    `opens_days_before` days before it is due; reminders go out `remind_days_before` days before
    and on each of `remind_days_after` days after the due day while someone has not reported."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SIX_MONTHLY = "six_monthly", _("Six-monthly")
        YEARLY = "yearly", _("Yearly")

    MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.SIX_MONTHLY: 6, Frequency.YEARLY: 12}

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cycles"
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    due_day = models.PositiveSmallIntegerField(
        _("due day"), validators=[MinValueValidator(1), MaxValueValidator(31)], help_text=_("Day of the month.")
    )
    due_month_offset = models.PositiveSmallIntegerField(
        _("months after the period's last month"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_("0: due in the period's last month (e.g. by 15 June for the first half-year); 1: the month after."),
    )
    opens_days_before = models.PositiveSmallIntegerField(_("round opens (days before due)"), default=30)
    remind_days_before = models.PositiveSmallIntegerField(_("remind (days before due)"), default=7)
    remind_days_after = models.JSONField(
        _("remind again (days after due)"), default=list, blank=True, help_text=_("e.g. [1, 7, 14]")
    )
    basis = models.CharField(
        _("set by"), max_length=500, blank=True, help_text=_("The text that sets this cycle (document and article).")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["programme", "frequency"]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} · {self.due_day}"

    @property
    def months(self) -> int:
        return self.MONTHS[self.frequency]

    def reminder_days_after(self) -> list[int]:
        days = self.remind_days_after if isinstance(self.remind_days_after, list) else []
        return sorted({int(d) for d in days if str(d).isdigit() and int(d) > 0}) or [1, 7]


class Task(Record):
    """One task of a programme: who leads, who coordinates, by when, producing what."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        COMPLETED_LATE = "completed_late", _("Completed late")
        SUSPENDED = "suspended", _("Suspended")

    CLOSED = (Status.COMPLETED, Status.COMPLETED_LATE)

    class DeadlineKind(models.TextChoices):
        DATE = "date", _("By a date")
        YEARLY = "yearly", _("Yearly, on a day")
        QUARTERLY = "quarterly", _("Quarterly, on a day")
        REGULAR = "regular", _("Regular (each reporting round)")
        NONE = "none", _("No deadline")

    unit_fields = ("lead_unit", "coordinating_units")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="tasks"
    )
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_("e.g. II.3 or 12."))
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.TextField(_("task"))
    description = models.TextField(_("description"), blank=True)
    field = models.ForeignKey(
        "fields.Field", verbose_name=_("field"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    coordinating_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("coordinating units"), blank=True, related_name="coordinated_tasks"
    )
    deadline_kind = models.CharField(
        _("deadline"), max_length=16, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    deadline = models.DateField(_("deadline date"), null=True, blank=True, validators=[validate_record_date])
    deadline_month = models.PositiveSmallIntegerField(
        _("deadline month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "Yearly: the month. Quarterly: the first month it falls in (3 = March, June, September, December)."
        ),
    )
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    reporting_cycle = models.ForeignKey(
        ReportingCycle,
        verbose_name=_("reporting cycle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text=_("For a regular task: the cycle whose rounds it reports in (default: the programme's first)."),
    )
    expected_product = models.CharField(_("expected product"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[validate_record_date])
    upper_task = models.ForeignKey(
        "self",
        verbose_name=_("serves upper task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lower_tasks",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["programme", "position", "pk"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        title = self.title if len(self.title) <= 90 else self.title[:89] + "…"
        return f"{self.code}. {title}" if self.code else title

    def get_absolute_url(self) -> str:
        return reverse("programmes:task", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    def clean(self):
        errors = {}
        kind = self.deadline_kind
        if kind == self.DeadlineKind.DATE and not self.deadline:
            errors["deadline"] = _("A task due by a date needs the date.")
        if kind == self.DeadlineKind.YEARLY and not (self.deadline_month and self.deadline_day):
            errors["deadline_day"] = _("A yearly deadline needs a day and a month.")
        if kind == self.DeadlineKind.QUARTERLY and not self.deadline_day:
            errors["deadline_day"] = _("A quarterly deadline needs a day.")
        if self.status in self.CLOSED and not self.completed_on:
            errors["completed_on"] = _("A completed task needs the day it was completed.")
        if self.upper_task_id and self.upper_task_id == self.pk:
            errors["upper_task"] = _("A task cannot serve itself.")
        if errors:
            raise ValidationError(errors)

    # Derived state: see hoptac.programmes.deadlines
    def state(self, today: datetime.date):
        from hoptac.programmes.deadlines import task_state

        return task_state(self, today)


class ProgressReport(Record):
    """Progress on one task: a report by its lead unit, or a contribution by a coordinating unit.
    An approver accepts it or returns it with a comment."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report by the lead unit")
        CONTRIBUTION = "contribution", _("Contribution by a coordinating unit")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    unit_fields = ("task__lead_unit", "task__coordinating_units")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="task_reports"
    )
    reported_on = models.DateField(_("report date"), validators=[validate_record_date])
    period_end = models.DateField(
        _("reporting period ending"),
        null=True,
        blank=True,
        help_text=_("The report round it answers."),
        validators=[validate_record_date],
    )
    percent = models.PositiveSmallIntegerField(
        _("percent done"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    milestone = models.CharField(_("milestone reached"), max_length=500, blank=True)
    narrative = models.TextField(_("progress"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    completes_task = models.BooleanField(
        _("the task is done"), default=False, help_text=_("Closes the task when the report is accepted.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["task", "kind", "status", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.task} · {self.reported_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:task", args=[self.task_id]) + f"#report-{self.pk}"

    def clean(self):
        if self.percent is None and not self.milestone and not self.completes_task:
            raise ValidationError({"percent": _("Give the percentage done or the milestone reached.")})


def attachment_path(instance: "ReportAttachment", filename: str) -> str:
    return f"programmes/reports/{instance.report.reported_on:%Y}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:attachment", args=[self.pk])
