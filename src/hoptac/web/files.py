"""Stored files go out only through views that check who asks: never from a public media URL."""

from pathlib import PurePath

from django.http import FileResponse, Http404


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
