"""Portal pages are the same for every reader of a language, so they are cached three ways:
- the browser and any proxy may keep them (`Cache-Control: public, max-age`), varying on the
  language cookie (`Vary: Cookie`);
- an `ETag` made of the data stamp, the language and the address answers a revalidation
  with 304 and no rendering;
- the rendered response is kept in Django's cache under that same ETag, so a change to any
  record the portal may show (new stamp) is visible at once and nothing stale is served.
"""

import functools
import hashlib
from importlib.metadata import PackageNotFoundError, version

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponseNotAllowed, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from hoptac.portal.selectors import data_stamp

MAX_AGE = 300  # seconds a browser or proxy may reuse a page without asking
SERVER_TTL = 3600

try:
    CODE_VERSION = version("hoptac")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    CODE_VERSION = "dev"


def _etag(request) -> str:
    # The date too: derived states (in force, expiring) change at midnight.
    key = f"{CODE_VERSION}|{data_stamp()}|{timezone.localdate()}|{get_language()}|{request.build_absolute_uri()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _public(response, etag: str, max_age: int = MAX_AGE):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ("Cookie",))
    return response


def public_page(view):
    """For a portal view: GET/HEAD only, no login, cacheable as described above."""

    @login_not_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        etag = _etag(request)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return _public(HttpResponseNotModified(), etag)
        key = "portal:page:" + etag.strip('"')
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.cookies:
                cache.set(key, response, SERVER_TTL)
            else:
                return response
        return _public(response, etag)

    return wrapper
