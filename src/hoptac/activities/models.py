"""Events (conferences, workshops, dialogues, training courses...) and delegations (đoàn ra,
đoàn vào): what was held and who travelled, with their lifecycles and the report each owes.

Derived state (report due date, "late") is computed by methods from the stored dates, never
stored by hand; the number of days a report is due after the end is a setting read at call
time (HOPTAC_EVENT_REPORT_DAYS, HOPTAC_DELEGATION_REPORT_DAYS, default 15)."""

import datetime
import os
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.web.params import validate_record_date

DEFAULT_REPORT_DAYS = 15


def report_days(kind: str) -> int:
    """Days after the end a report is due: settings.HOPTAC_<KIND>_REPORT_DAYS, else the
    environment variable of the same name, else 15."""
    name = f"HOPTAC_{kind.upper()}_REPORT_DAYS"
    value = getattr(settings, name, None) or os.environ.get(name)
    try:
        days = int(value) if value not in (None, "") else DEFAULT_REPORT_DAYS
    except (TypeError, ValueError):
        days = DEFAULT_REPORT_DAYS
    return max(days, 0)


class ReportMixin:
    """A post-event / post-trip report: due some days after the end unless a date is set."""

    REPORT_KIND = "event"
    REPORT_OWED_STATUSES: tuple[str, ...] = ()

    def report_due(self) -> datetime.date | None:
        if self.report_due_on:
            return self.report_due_on
        if not self.end_date:
            return None
        return self.end_date + datetime.timedelta(days=report_days(self.REPORT_KIND))

    def report_owed(self) -> bool:
        return self.status in self.REPORT_OWED_STATUSES and self.report_filed_on is None

    def report_filed_late(self) -> bool:
        due = self.report_due()
        return bool(self.report_filed_on and due and self.report_filed_on > due)

    def report_late(self, today: datetime.date) -> bool:
        """Late on `today`: not filed and the due date has passed, or filed after it."""
        due = self.report_due()
        if due is None:
            return False
        if self.report_filed_on:
            return self.report_filed_on > due
        return self.report_owed() and today > due

    def report_days_left(self, today: datetime.date) -> int | None:
        due = self.report_due()
        return (due - today).days if due else None


class Event(ReportMixin, Record):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        POLICY_DIALOGUE = "policy_dialogue", _("Policy dialogue")
        TRAINING_COURSE = "training_course", _("Training course")
        WORKING_SESSION = "working_session", _("Working session")
        CEREMONY = "ceremony", _("Ceremony")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    REPORT_KIND = "event"
    REPORT_OWED_STATUSES = (Status.HELD,)
    unit_fields = ("organiser_unit", "follow_ups__owner_unit")
    portal_fields = (
        "kind",
        "title_vi",
        "title_en",
        "start_date",
        "end_date",
        "city",
        "country",
        "online",
        "venue",
        "co_organisers",
        "fields",
        "outcome_summary",
    )

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    start_date = models.DateField(_("start date"), validators=[validate_record_date])
    end_date = models.DateField(
        _("end date"), help_text=_("The start date for a one-day event."), validators=[validate_record_date]
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    online = models.BooleanField(_("online"), default=False)
    organiser_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("organiser unit"), on_delete=models.PROTECT, related_name="organised_events"
    )
    co_organisers = models.ManyToManyField(
        "partners.Partner", verbose_name=_("co-organising partners"), blank=True, related_name="co_organised_events"
    )
    fields = models.ManyToManyField("fields.Field", verbose_name=_("fields"), blank=True, related_name="events")
    agenda = models.TextField(_("agenda"), blank=True)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="events"
    )
    approver = models.CharField(_("approved by"), max_length=255, blank=True)
    approval_decision = models.CharField(_("approval decision number"), max_length=128, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True, validators=[validate_record_date])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    report_due_on = models.DateField(
        _("report due date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the default: days after the end."),
        validators=[validate_record_date],
    )
    report_filed_on = models.DateField(_("report filed on"), null=True, blank=True, validators=[validate_record_date])
    report_summary = models.TextField(_("report"), blank=True)
    is_published = models.BooleanField(_("published on the portal"), default=False)
    notes = models.TextField(_("internal notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="event_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("activities:event_detail", args=[self.pk])

    def display_title(self, language: str = "vi") -> str:
        return (self.title_en or self.title_vi) if language == "en" else self.title_vi

    def place_display(self) -> str:
        parts = [p for p in (self.venue, self.city, self.country.name_vi if self.country else "") if p]
        if self.online:
            parts.append(str(_("online")))
        return ", ".join(parts)


class EventParticipant(models.Model):
    """An international partner taking part in an event, and how many of its people came."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participants")
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="event_participations"
    )
    people = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["event", "partner"], name="event_participant_once")]

    def __str__(self) -> str:
        return f"{self.partner} ({self.people})" if self.people else str(self.partner)


class FollowUpAction(models.Model):
    """Something an event decided to do next: who does it, by when, and whether it is done."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(_("action"), max_length=500)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_record_date])
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_record_date])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description

    def overdue(self, today: datetime.date) -> bool:
        return not self.done and self.due_date is not None and today > self.due_date


class Delegation(ReportMixin, Record):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing (đoàn ra)")
        INCOMING = "incoming", _("Incoming (đoàn vào)")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        UNDER_WAY = "under_way", _("Under way")
        RETURNED = "returned", _("Returned")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    class Funding(models.TextChoices):
        STATE_BUDGET = "state_budget", _("State budget")
        PARTNER_FUNDED = "partner_funded", _("Partner-funded")
        PROJECT_FUNDED = "project_funded", _("Project-funded")

    REPORT_KIND = "delegation"
    REPORT_OWED_STATUSES = (Status.RETURNED,)
    unit_fields = ("owner_unit", "members__unit")

    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit in charge"), on_delete=models.PROTECT, related_name="delegations"
    )
    leader_name = models.CharField(_("leader"), max_length=255, blank=True)
    leader_title = models.CharField(_("leader's title"), max_length=255, blank=True)
    start_date = models.DateField(_("start date"), validators=[validate_record_date])
    end_date = models.DateField(_("end date"), validators=[validate_record_date])
    purpose = models.TextField(_("purpose"), blank=True)
    partners_met = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners met"), blank=True, related_name="delegations_met"
    )
    funding_source = models.CharField(
        _("funding source"), max_length=16, choices=Funding.choices, default=Funding.STATE_BUDGET
    )
    project = models.ForeignKey(
        "aid.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations",
        help_text=_("For a project-funded delegation."),
    )
    # A project not (yet) registered in the system is named by its code.
    project_ref = models.CharField(_("project code (if not registered)"), max_length=64, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=18, decimal_places=2, null=True, blank=True)
    cost_currency = models.ForeignKey(
        "reference.Currency",
        verbose_name=_("currency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.CharField(_("approved by"), max_length=255, blank=True)
    approval_decision = models.CharField(_("approval decision number"), max_length=128, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True, validators=[validate_record_date])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    outcomes = models.TextField(_("outcomes"), blank=True)
    agreements = models.ManyToManyField(
        "agreements.Agreement",
        verbose_name=_("agreements signed during the trip"),
        blank=True,
        related_name="delegations",
    )
    report_due_on = models.DateField(
        _("report due date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the default: days after the return."),
        validators=[validate_record_date],
    )
    report_filed_on = models.DateField(_("report filed on"), null=True, blank=True, validators=[validate_record_date])
    report_summary = models.TextField(_("report"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="delegation_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0), name="delegation_cost_positive"
            ),
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("activities:delegation_detail", args=[self.pk])

    def display_title(self, language: str = "vi") -> str:
        return (self.title_en or self.title_vi) if language == "en" else self.title_vi


class DelegationMember(models.Model):
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("delegation"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(
        _("organisation"), max_length=255, blank=True, help_text=_("For a member from outside the registered units.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class DelegationLeg(models.Model):
    """One stop: a country (and city) between two dates."""

    delegation = models.ForeignKey(
        Delegation, verbose_name=_("delegation"), on_delete=models.CASCADE, related_name="legs"
    )
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("city"), max_length=128, blank=True)
    start_date = models.DateField(_("from"), validators=[validate_record_date])
    end_date = models.DateField(_("to"), validators=[validate_record_date])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leg")
        verbose_name_plural = _("legs")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="leg_end_after_start")
        ]

    def __str__(self) -> str:
        place = f"{self.city}, {self.country.name_vi}" if self.city else self.country.name_vi
        return f"{place} ({self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y})"


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed; a new token revokes the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
