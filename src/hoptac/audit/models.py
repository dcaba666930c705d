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
