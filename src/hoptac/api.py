"""The REST API under /api/v1/: one NinjaAPI, token or session auth, JSON errors.

Each app adds its router in `urls()` below; permissions come from hoptac.org.permissions."""

from django.contrib.auth import authenticate
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from hoptac.audit.services import ConflictError
from hoptac.org.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if row is None or row.expires_at < timezone.now() or not row.user.is_active:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="hoptac API",
    version="1",
    description="International cooperation records: partners, agreements, projects, events, tasks, documents.",
    auth=[BearerToken(), django_auth],  # django_auth: the browser's session, CSRF-checked
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, message: str, **extra):
    return api.create_response(request, {"message": message, **extra}, status=status)


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        errors.setdefault(_field_of(item.get("loc", ())), []).append(item.get("msg", "invalid"))
    return _error(request, 422, _("Some fields are not valid."), errors=errors)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {("__all__" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _error(request, 422, _("Some fields are not valid."), errors=errors)


@api.exception_handler(ConflictError)
def on_conflict(request, exc: ConflictError):
    return _error(
        request,
        409,
        _("This record was changed by someone else since version %(version)s. Reload it and apply your change again.")
        % {"version": exc.expected_version},
        current_version=exc.current.version,
        changes=[{"field": c.field, "old": _jsonable(c.old), "new": _jsonable(c.new)} for c in exc.changes],
    )


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, _("You are not allowed to do this."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Authentication required: send 'Authorization: Bearer <token>'."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MessageOut(Schema):
    message: str


@api.post("/token", auth=None, response={200: TokenOut, 401: MessageOut}, tags=["auth"])
def issue_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"message": _("Wrong username or password.")})
    return Status(200, {"token": ApiToken.issue(user)})


def _register_routers() -> None:
    from hoptac.activities import api as activities
    from hoptac.agreements import api as agreements
    from hoptac.aid import api as aid
    from hoptac.documents import api as documents
    from hoptac.notifications import api as notifications
    from hoptac.org.api import router as org_router
    from hoptac.partners.api import router as partners_router
    from hoptac.portal import api as portal
    from hoptac.programmes import api as programmes
    from hoptac.reference.api import router as reference_router
    from hoptac.reports import api as reports

    api.add_router("/partners", partners_router)
    api.add_router("/units", org_router)
    api.add_router("/", reference_router)
    # Each app's module exposes `router` (its collections, mounted at the root) so that one
    # app can serve several collections (activities: /events and /delegations).
    for module in (agreements, activities, aid, programmes, documents, notifications, reports, portal):
        api.add_router("/", module.router)


_register_routers()
