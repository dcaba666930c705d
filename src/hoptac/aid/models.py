"""Aid projects (a programme is a project with child projects), their money and exchange rates.

Coded values that IATI defines (aid type, finance type, flow type, organisation role and type,
sector vocabulary, transaction type) are stored as the IATI codes themselves, so that an
imported activity exports as it came in; the project's kind and status are hoptac's own
snake_case choices, with status mapped to the IATI ActivityStatus codes.

Money is Decimal. Each transaction keeps the rates it was converted at (`rate_vnd`, `rate_usd`,
the VND and USD value of one unit of its currency, from the month of its value date), and the
converted amounts computed from them, so that totals never change when the rate table does."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record
from hoptac.search.folding import search_blob
from hoptac.web.params import validate_record_date

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
# A thousand trillion in any currency: above any project, and small enough that its VND
# equivalent (rates near 30,000 VND per unit) still fits the converted amount's digits.
AMOUNT = [MinValueValidator(Decimal("-1e15")), MaxValueValidator(Decimal("1e15"))]
CENT = Decimal("0.01")


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Kind(models.TextChoices):
    ODA_GRANT = "oda_grant", _("ODA grant")
    ODA_LOAN = "oda_loan", _("ODA loan")
    CONCESSIONAL_LOAN = "concessional_loan", _("Concessional loan")
    NON_GOVERNMENTAL_AID = "non_governmental_aid", _("Foreign non-governmental aid")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    SOUTH_SOUTH = "south_south", _("South-South cooperation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """IATI ActivityStatus 1-6."""

    PIPELINE = "pipeline", _("Pipeline / identification")
    IMPLEMENTATION = "implementation", _("Implementation")
    FINALISATION = "finalisation", _("Finalisation")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    SUSPENDED = "suspended", _("Suspended")


STATUS_CODES = {
    Status.PIPELINE: "1",
    Status.IMPLEMENTATION: "2",
    Status.FINALISATION: "3",
    Status.CLOSED: "4",
    Status.CANCELLED: "5",
    Status.SUSPENDED: "6",
}
STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}


class TransactionType(models.TextChoices):
    """IATI TransactionType codes, with the snake_case names the API uses."""

    INCOMING_FUNDS = "1", _("Incoming funds")
    COMMITMENT = "2", _("Outgoing commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")
    INTEREST = "5", _("Interest payment")
    REPAYMENT = "6", _("Loan repayment")
    REIMBURSEMENT = "7", _("Reimbursement")
    PURCHASE_OF_EQUITY = "8", _("Purchase of equity")
    SALE_OF_EQUITY = "9", _("Sale of equity")
    CREDIT_GUARANTEE = "10", _("Credit guarantee")
    INCOMING_COMMITMENT = "11", _("Incoming commitment")
    OUTGOING_PLEDGE = "12", _("Outgoing pledge")
    INCOMING_PLEDGE = "13", _("Incoming pledge")


TRANSACTION_NAMES = {t.value: t.name.lower() for t in TransactionType}
TRANSACTION_CODES = {name: code for code, name in TRANSACTION_NAMES.items()}
COMMITTED_TYPES = (TransactionType.COMMITMENT,)
# Money that left the donor towards the project: disbursements and direct expenditure.
DISBURSED_TYPES = (TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE)


class OrgRole(models.TextChoices):
    """IATI OrganisationRole."""

    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class Project(Record):
    unit_fields = ("owner_unit", "implementing_units")
    # What the public portal may show of a published project.
    portal_fields = (
        "code",
        "iati_identifier",
        "title_vi",
        "title_en",
        "description_vi",
        "description_en",
        "kind",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    )

    code = models.CharField(_("code"), max_length=64, blank=True)
    iati_identifier = models.CharField(_("IATI identifier"), max_length=255, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PIPELINE)
    aid_type = models.CharField(_("IATI aid type"), max_length=16, blank=True)
    finance_type = models.CharField(_("IATI finance type"), max_length=16, blank=True)
    flow_type = models.CharField(_("IATI flow type"), max_length=16, blank=True)
    default_currency = models.CharField(_("default currency"), max_length=3, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    implementing_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("Vietnamese implementing units"), blank=True, related_name="aid_projects"
    )
    # PROTECT: the agreement is the project's legal basis; deleting it while projects rest on it
    # is refused with a message (audit.record_delete) rather than leaving them silently unlinked.
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("linked agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_projects",
        help_text=_("The recorded agreement the project is under; found from the number when exactly one has it."),
    )
    # Kept beside `agreement`: IATI carries only a reference text, and the agreement may not be recorded.
    agreement_number = models.CharField(
        _("agreement number"), max_length=128, blank=True, help_text=_("Number of the agreement the project is under.")
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True, validators=[validate_record_date])
    actual_start = models.DateField(_("actual start"), null=True, blank=True, validators=[validate_record_date])
    planned_end = models.DateField(_("planned end"), null=True, blank=True, validators=[validate_record_date])
    actual_end = models.DateField(_("actual end"), null=True, blank=True, validators=[validate_record_date])
    reporting_org_ref = models.CharField(_("reporting organisation identifier"), max_length=255, blank=True)
    reporting_org_type = models.CharField(_("reporting organisation type"), max_length=16, blank=True)
    reporting_org_name = models.CharField(_("reporting organisation"), max_length=500, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    is_published = models.BooleanField(_("published on the portal"), default=False)
    source_file = models.CharField(max_length=500, blank=True, editable=False, help_text="IATI file it came from.")
    search_text = models.TextField(blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-planned_start", "title_vi"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=~models.Q(iati_identifier=""),
                name="project_iati_identifier_unique",
            ),
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="project_code_unique"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.title() or self.iati_identifier or self.code or f"#{self.pk}"

    def title(self, language: str = "vi") -> str:
        first, second = (self.title_en, self.title_vi) if language == "en" else (self.title_vi, self.title_en)
        return first or second

    def get_absolute_url(self) -> str:
        return reverse("aid:detail", args=[self.pk])

    @property
    def status_code(self) -> str:
        return STATUS_CODES.get(self.status, "1")

    def make_search_text(self) -> str:
        return " " + search_blob(self.code, self.iati_identifier, self.title_vi, self.title_en)

    def start(self) -> datetime.date | None:
        return self.actual_start or self.planned_start

    def end(self) -> datetime.date | None:
        return self.actual_end or self.planned_end

    def clean(self):
        if not (self.title_vi or self.title_en):
            raise ValidationError({"title_vi": _("Give a title in Vietnamese or English.")})


class ProjectOrganisation(models.Model):
    """A participating organisation with its IATI role; `partner` links it to the registry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="organisations")
    role = models.CharField(_("role"), max_length=8, choices=OrgRole.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_roles",
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    ref = models.CharField(_("IATI organisation identifier"), max_length=255, blank=True)
    org_type = models.CharField(_("IATI organisation type"), max_length=8, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self) -> str:
        if self.partner_id:
            return str(self.partner)
        return self.name or self.ref


class ProjectSector(models.Model):
    """A sector (DAC 5-digit when vocabulary is 1) with its share of the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(_("vocabulary"), max_length=8, default="1")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=500, blank=True)
    percentage = models.DecimalField(
        _("percentage"), max_digits=7, decimal_places=3, null=True, blank=True, validators=PERCENT
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["vocabulary", "code"])]

    def __str__(self) -> str:
        return f"{self.code} ({self.percentage}%)" if self.percentage is not None else self.code


class ProjectField(models.Model):
    """A cooperation field (lĩnh vực) with its share of the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fields")
    field = models.ForeignKey("fields.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(_("percentage"), max_digits=7, decimal_places=3, validators=PERCENT)

    class Meta:
        ordering = ["-percentage", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "field"], name="project_field_once")]

    def __str__(self) -> str:
        return f"{self.field_id} ({self.percentage}%)"


class ProjectLocation(models.Model):
    """Where the project works: a Vietnamese provincial unit, or a named place from IATI."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    province = models.ForeignKey(
        "org.Unit", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    ref = models.CharField(max_length=255, blank=True)
    percentage = models.DecimalField(
        _("percentage"), max_digits=7, decimal_places=3, null=True, blank=True, validators=PERCENT
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.province.name_vi if self.province_id else self.name


class Budget(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budgets")
    budget_type = models.CharField(_("type"), max_length=4, default="1", help_text="IATI BudgetType: 1 original")
    budget_status = models.CharField(_("status"), max_length=4, default="1", help_text="IATI BudgetStatus")
    period_start = models.DateField(_("period start"), validators=[validate_record_date])
    period_end = models.DateField(_("period end"), validators=[validate_record_date])
    value = models.DecimalField(_("amount"), max_digits=22, decimal_places=2, validators=AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    value_date = models.DateField(_("value date"), validators=[validate_record_date])

    class Meta:
        ordering = ["period_start", "pk"]

    def __str__(self) -> str:
        return f"{self.period_start}-{self.period_end}: {self.value} {self.currency}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end cannot be before the start.")})


class Result(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    result_type = models.CharField(_("type"), max_length=4, default="1", help_text="IATI ResultType: 1 output")
    title = models.CharField(_("title"), max_length=1000)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("measure"), max_length=4, default="1", help_text="IATI IndicatorMeasure: 1 unit")
    title = models.CharField(_("title"), max_length=1000)
    baseline_year = models.PositiveIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.CharField(_("baseline"), max_length=64, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True, validators=[validate_record_date])
    period_end = models.DateField(_("period end"), null=True, blank=True, validators=[validate_record_date])
    target_value = models.CharField(_("target"), max_length=64, blank=True)
    actual_value = models.CharField(_("actual"), max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ExchangeRate(models.Model):
    """Value of one unit of `currency` in VND for a month (rates are monthly averages)."""

    currency = models.CharField(_("currency"), max_length=3)
    month = models.DateField(_("month"), help_text=_("First day of the month."), validators=[validate_record_date])
    vnd_per_unit = models.DecimalField(_("VND per unit"), max_digits=20, decimal_places=6)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "month"]
        constraints = [models.UniqueConstraint(fields=["currency", "month"], name="exchange_rate_once")]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%m/%Y}: {self.vnd_per_unit} VND"


class Transaction(Record):
    unit_fields = ("project__owner_unit", "project__implementing_units")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transactions"
    )
    ref = models.CharField(_("reference"), max_length=255, blank=True)
    type_code = models.CharField(_("type"), max_length=8, choices=TransactionType.choices)
    date = models.DateField(_("date"), validators=[validate_record_date])
    value = models.DecimalField(_("amount"), max_digits=22, decimal_places=2, validators=AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"), validators=[validate_record_date])
    description = models.TextField(_("description"), blank=True)
    provider_name = models.CharField(_("provider"), max_length=500, blank=True)
    provider_ref = models.CharField(_("provider identifier"), max_length=255, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=500, blank=True)
    receiver_ref = models.CharField(_("receiver identifier"), max_length=255, blank=True)
    # The rates used, from the month of the value date, kept so figures never change silently.
    rate_month = models.DateField(_("rate month"), null=True, blank=True, validators=[validate_record_date])
    rate_vnd = models.DecimalField(_("VND per unit"), max_digits=20, decimal_places=6, null=True, blank=True)
    rate_usd = models.DecimalField(_("USD per unit"), max_digits=20, decimal_places=10, null=True, blank=True)
    value_vnd = models.DecimalField(_("amount in VND"), max_digits=26, decimal_places=2, null=True, blank=True)
    value_usd = models.DecimalField(_("amount in USD"), max_digits=24, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["date", "position", "pk"]
        indexes = [models.Index(fields=["type_code", "date"])]

    def __str__(self) -> str:
        return f"{self.get_type_code_display()} {self.date:%d/%m/%Y} {self.value} {self.currency}"

    def get_absolute_url(self) -> str:
        return reverse("aid:detail", args=[self.project_id]) + f"?tab=transactions#transaction-{self.pk}"

    @property
    def type_name(self) -> str:
        return TRANSACTION_NAMES.get(self.type_code, "unknown")


def check_percentages(values: list[Decimal | None], label: str) -> None:
    """Shares given for a project's sectors (or fields, or provinces) must sum to 100."""
    given = [v for v in values if v is not None]
    if not given:
        return
    # NaN or 10000 and -9900 would "sum to 100" (or break the sum) and then every page that draws a share
    if any(not v.is_finite() or not Decimal("0") <= v <= Decimal("100") for v in given):
        raise ValidationError(_("Each %(label)s percentage must lie between 0 and 100.") % {"label": label})
    if len(given) != len(values):
        raise ValidationError(_("Give a percentage for every %(label)s or for none.") % {"label": label})
    total = sum(given, Decimal("0"))
    if abs(total - Decimal("100")) > Decimal("0.01"):
        raise ValidationError(
            _("The %(label)s percentages sum to %(total)s, not 100.")
            % {"label": label, "total": f"{total.normalize():f}"}
        )
