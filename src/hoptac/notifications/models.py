from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoptac.web.params import validate_record_date


class Notification(models.Model):
    """A reminder sent to one user: kept in the app (unread count in the navigation bar)
    and e-mailed. `key` names the item and the reason ("agreement:12:expires-in-30"); one
    notification per user, key and day makes `hoptac remind` idempotent within a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    sent_on = models.DateField(_("sent on"), validators=[validate_record_date])
    title = models.CharField(_("title"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_record_date])
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "sent_on"], name="notification_once_a_day")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
