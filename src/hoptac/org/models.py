import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoptac.audit.models import Record


class Unit(Record):
    """The Vietnamese side: a ministry, its departments, a province, another agency."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or ministerial-level agency")
        DEPARTMENT = "department", _("Department")
        PROVINCE = "province", _("Province or centrally-run city")
        AGENCY = "agency", _("Other agency")

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_("GSO code for provinces."))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A reorganised unit keeps its former names and points to the unit that took it over
    # (Decree 177/2025: provinces inherit what merged districts and provinces signed).
    former_names = models.JSONField(_("former names"), default=list, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name_vi"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], condition=~models.Q(code=""), name="unit_kind_code_unique")
        ]

    def __str__(self) -> str:
        return self.display_name(get_language())

    def get_absolute_url(self) -> str:
        return f"/admin/org/unit/{self.pk}/change/"

    def display_name(self, language: str = "vi") -> str:
        return (self.name_en or self.name_vi) if language == "en" else self.name_vi


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        APPROVER = "approver", _("Approver")
        EDITOR = "editor", _("Editor")
        CONTRIBUTOR = "contributor", _("Contributor")
        VIEWER = "viewer", _("Viewer")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    title = models.CharField(_("title"), max_length=128, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for machines. Only its hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            key_hash=cls.hash(raw),
            expires_at=timezone.now() + datetime.timedelta(days=settings.HOPTAC_API_TOKEN_DAYS),
        )
        return raw
