"""Stored files go out only through views that check who asks: never from a public media URL."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

# What an agreement's signed text or a progress report's evidence comes as: office documents,
# spreadsheets and scans. Never html or svg, which a browser would run.
ATTACHMENT_TYPES = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".xls",
    ".xlsx",
    ".ods",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
)


def check_upload(upload, types: tuple[str, ...] = ATTACHMENT_TYPES) -> None:
    """An uploaded file's type and size (HOPTAC_UPLOAD_MAX_MB), before anything is stored."""
    if not upload.name.lower().endswith(types):
        raise ValidationError(
            _("%(name)s: choose a file of one of these types: %(types)s.")
            % {"name": upload.name, "types": ", ".join(types)}
        )
    limit = settings.HOPTAC_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)}
        )


def download(file, filename: str = "") -> FileResponse:
    """The file as a download, never rendered: an uploaded html or svg could otherwise run script
    on our origin."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or PurePath(file.name).name or "file",
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
