from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Record(models.Model):
    """Columns every cooperation record has. `version` detects concurrent edits:
    an update names the version it was based on, and a stale one is refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class LinkChange(models.Model):
    """A change to a record's many-to-many links (its partners, fields...) made by one save:
    django-simple-history keeps the record's columns, this keeps the links beside them."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(help_text="the record's version that this save produced")
    field = models.CharField(max_length=64)
    # Labels as they read at the time, so a later rename does not rewrite the past.
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "version"])]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} v{self.version}: {self.field}"
