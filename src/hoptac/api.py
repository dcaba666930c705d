"""The REST API under /api/v1/: one NinjaAPI, token or session auth, JSON errors.

Each app adds its router in `urls()` below; permissions come from hoptac.org.permissions."""

import logging

from django.contrib.auth import authenticate
from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from hoptac.audit.services import ConflictError
from hoptac.org.models import ApiToken

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if row is None or row.expires_at < timezone.now() or not row.user.is_active:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "What went wrong, in the request's language"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "422 only: the messages for each field (dotted path) that is not valid",
        },
    },
    "required": ["message"],
}


def _error_responses(method: str, path: str, operation: dict) -> dict[str, str]:
    """The refusals an operation can give besides its own answers, every one as an Error body."""
    found = {"500": "A bug on the server; it is logged"}
    if operation.get("security"):
        found["401"] = "No valid token or session"
        found["403"] = "Your role or unit may not do this"
    if "{" in path:
        found["404"] = "No such record, or not one you may see"
    if method in ("patch", "put", "delete"):
        found["409"] = "The record changed since the version you sent"
    if operation.get("parameters") or operation.get("requestBody"):
        found["422"] = "A parameter or a field is not valid"
    return found


class ObjectBodyParser(Parser):
    """Every body the API takes is a JSON object. ninja would read a list or a string through its
    attributes ("hello".title() became a title) and create a record from it."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class HoptacAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # ninja documents only the responses a route declares; the error handlers below answer
        # every route, so their shapes are added to each operation here.
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code, description in _error_responses(method, path, operation).items():
                    responses.setdefault(code, {"description": description, "content": error})
        return schema


api = HoptacAPI(
    title="hoptac API",
    version="1",
    description="International cooperation records: partners, agreements, projects, events, tasks, documents.",
    auth=[BearerToken(), django_auth],  # django_auth: the browser's session, CSRF-checked
    parser=ObjectBodyParser(),
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


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    # a number past SQLite's 2**63 or a date past 9999 that got past the schema's bounds
    return _error(request, 422, _("A number or a date in this request is too large."))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return _error(request, 400, _("The multipart body cannot be read: %(error)s") % {"error": exc})


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def on_bad_request(request, exc):
    # too many fields, too large a body, a malformed header: Django's own 400s, answered in JSON
    logger.warning("Bad request %s %s: %s", request.method, request.path, exc)
    return _error(request, 400, _("The request cannot be read: %(error)s") % {"error": exc})


@api.exception_handler(RecursionError)
def on_too_deep(request, exc):
    # JSON nested past Python's recursion limit: the parser gives up before any endpoint runs
    logger.warning("Body nested too deeply in %s %s", request.method, request.path)
    return _error(request, 400, _("The request body is nested too deeply."))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    # A bug, not the client's fault: the operator gets the traceback in the log, the client
    # gets JSON it can parse (Django's HTML error page means nothing to a script).
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return _error(request, 500, _("Something went wrong on our side; it has been logged. Please try again later."))


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
