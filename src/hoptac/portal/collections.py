"""What the public portal shows: a small registry of collections over the record apps.

A collection is one model's published records and the fields of it that are safe for the
public. It is active only when its model exists (apps land one by one) and, for records that
can be published, only when the model has an `is_published` flag. The fields come from the
model's own `portal_fields` (the record app decides what is public); a collection may narrow
them but never widen them, and names that look internal are dropped whatever anyone declares.
Every page, download and map of the portal reads records and values only through here.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Never public, whatever a model's portal_fields says (defence in depth: internal notes,
# contacts, drafts and approval comments stay inside).
INTERNAL_NAMES = frozenset(
    {
        "notes",
        "internal_notes",
        "search_text",
        "created_by",
        "owner_unit",
        "contacts",
        "is_published",
        "version",
        "history",
        "reference_key",
        "draft",
        "drafts",
        "approver",
        "approval_comment",
        "approval_comments",
    }
)
INTERNAL_PARTS = ("note", "comment", "contact", "email", "phone", "password", "token", "draft", "search_text")


def is_internal(name: str) -> bool:
    lowered = name.lower()
    return lowered in INTERNAL_NAMES or any(part in lowered for part in INTERNAL_PARTS)


@dataclass(frozen=True)
class PortalField:
    """One public field of a collection: how to read it, show it and describe it."""

    name: str
    label: str
    help_text: str
    kind: str  # text, choice, date, number, money, boolean, country, countries, relation, relations, computed
    model_field: models.Field | None = None
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def is_filter(self) -> bool:
        return self.kind in ("choice", "boolean", "country", "countries", "relation", "relations")

    @property
    def is_many(self) -> bool:
        return self.kind in ("countries", "relations")

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "choice", "country", "countries", "relation", "relations", "computed")

    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.kind, self.kind))


TYPE_LABELS: dict[str, Promise] = {
    "text": _("text"),
    "choice": _("code (see the list of values)"),
    "date": _("date (YYYY-MM-DD)"),
    "number": _("number"),
    "money": _("amount (decimal)"),
    "boolean": _("true or false"),
    "country": _("country (ISO 3166-1 alpha-2 code)"),
    "countries": _("list of countries (ISO 3166-1 alpha-2 codes)"),
    "relation": _("name"),
    "relations": _("list of names"),
    "computed": _("value computed from the record"),
    "id": _("integer"),
    "url": _("web address"),
}


@dataclass(frozen=True)
class Collection:
    slug: str
    model_label: str
    title: Promise
    description: Promise
    # Fields wanted on the portal; empty means all of the model's portal_fields.
    fields: tuple[str, ...] = ()
    # (Vietnamese, English) title fields, used when public.
    title_fields: tuple[str, str] = ("title_vi", "title_en")
    # Extra condition on top of is_published (e.g. only events that were held).
    where: dict = field(default_factory=dict)
    # Records without a publication flag are public as a whole (the partner registry).
    needs_published_flag: bool = True
    # Lookups from the model to reference.Country (iso2) for the world map,
    # and to org.Unit (provinces, by code) for the province map.
    country_lookups: tuple[str, ...] = ()
    province_lookups: tuple[str, ...] = ()
    list_size: int = 5

    # -- model -------------------------------------------------------------------------
    def model(self) -> type[models.Model] | None:
        try:
            model = apps.get_model(self.model_label)
        except (LookupError, ValueError):
            return None
        if self.needs_published_flag and not _has_field(model, "is_published"):
            return None
        if not _table_exists(model):
            return None
        return model

    @property
    def active(self) -> bool:
        return self.model() is not None

    def published(self) -> models.QuerySet:
        """The records the public may see: published, and matching `where`."""
        model = self.model()
        if model is None:
            raise LookupError(self.model_label)
        queryset = model._default_manager.all()
        if self.needs_published_flag:
            queryset = queryset.filter(is_published=True)
        if self.where:
            queryset = queryset.filter(**self.where)
        related = [f.name for f in self.public_fields() if f.kind in ("country", "relation")]
        many = [f.name for f in self.public_fields() if f.is_many]
        return queryset.select_related(*related).prefetch_related(*many)

    # -- fields ------------------------------------------------------------------------
    def public_field_names(self) -> list[str]:
        model = self.model()
        if model is None:
            return []
        declared = getattr(model, "portal_fields", None)
        if declared is None and self.needs_published_flag:
            return []  # a publishable record that declares nothing shows nothing
        wanted = list(self.fields or declared or ())
        if declared is not None:
            wanted = [name for name in wanted if name in declared]
        names = []
        for name in wanted:
            if is_internal(name) or name in names:
                continue
            if _has_field(model, name) or _is_computed(model, name):
                names.append(name)
        return names

    def public_fields(self) -> list[PortalField]:
        model = self.model()
        if model is None:
            return []
        return [_describe(model, name) for name in self.public_field_names()]

    def field(self, name: str) -> PortalField | None:
        return next((f for f in self.public_fields() if f.name == name), None)

    def date_field(self) -> PortalField | None:
        return next((f for f in self.public_fields() if f.kind == "date"), None)

    def filter_fields(self) -> list[PortalField]:
        return [f for f in self.public_fields() if f.is_filter and f.name not in self.title_fields][:6]

    def list_fields(self) -> list[PortalField]:
        shown = [f for f in self.public_fields() if f.name not in self.title_fields and f.kind != "text"]
        return shown[: self.list_size]

    # -- values ------------------------------------------------------------------------
    def record_title(self, obj, language: str) -> str:
        public = self.public_field_names()
        vi, en = self.title_fields
        order = (en, vi) if language == "en" else (vi, en)
        for name in order:
            if name in public and getattr(obj, name, ""):
                return str(getattr(obj, name))
        for f in self.public_fields():
            if f.kind == "text" and getattr(obj, f.name, ""):
                return str(getattr(obj, f.name))[:200]
        return f"#{obj.pk}"

    def raw(self, obj, f: PortalField):
        """The value as data: codes for choices and countries, names for other relations,
        Decimal for money, dates as dates. Lists for many-valued fields."""
        value = getattr(obj, f.name)
        if f.kind == "computed":
            value = value() if callable(value) else value
            return _plain(value)
        if f.kind == "country":
            return value.pk if value is not None else None
        if f.kind == "countries":
            return [c.pk for c in value.all()]
        if f.kind == "relation":
            return display_name(value, _language()) if value is not None else None
        if f.kind == "relations":
            return [display_name(v, _language()) for v in value.all()]
        return value

    def shown(self, obj, f: PortalField, language: str) -> str:
        """The value as a reader sees it on a page."""
        value = getattr(obj, f.name)
        if f.kind == "computed":
            value = value() if callable(value) else value
            return _show_plain(_plain(value))
        if f.kind == "choice":
            return str(dict(f.choices).get(value, value or ""))
        if f.kind in ("country", "relation"):
            return display_name(value, language) if value is not None else ""
        if f.kind in ("countries", "relations"):
            return ", ".join(display_name(v, language) for v in value.all())
        if f.kind == "boolean":
            return gettext("Yes") if value else gettext("No")
        return _show_plain(value)


def _language() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _plain(value):
    if isinstance(value, models.Model):
        return display_name(value, _language())
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _show_plain(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, decimal.Decimal):
        places = 0 if value == value.to_integral_value() else 2
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, (list, tuple)):
        return ", ".join(_show_plain(v) for v in value)
    return str(value)


def display_name(obj, language: str) -> str:
    """A related record's public name in the reader's language, nothing else of it."""
    if hasattr(obj, "display_name"):
        return str(obj.display_name(language))
    for vi, en in (("name_vi", "name_en"), ("title_vi", "title_en")):
        if hasattr(obj, vi):
            first, second = (en, vi) if language == "en" else (vi, en)
            return str(getattr(obj, first, "") or getattr(obj, second, "") or "")
    if hasattr(obj, "name_en"):
        return str(obj.name_en)
    return str(obj)


_TABLES_SEEN: set[str] = set()


def _table_exists(model) -> bool:
    """A model whose migration has not run yet (an app landing) is not a collection yet."""
    table = model._meta.db_table
    if table in _TABLES_SEEN:
        return True
    from django.db import connection

    if table in connection.introspection.table_names():
        _TABLES_SEEN.add(table)
        return True
    return False


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def _is_computed(model, name: str) -> bool:
    attr = getattr(model, name, None)
    return attr is not None and (isinstance(attr, property) or callable(attr)) and not name.startswith("_")


MONEY_HINTS = ("amount", "committed", "disbursed", "budget", "cost", "value", "vnd", "usd")


def _describe(model, name: str) -> PortalField:
    labels = getattr(model, "portal_field_labels", {}) or {}
    helps = getattr(model, "portal_field_help", {}) or {}
    if not _has_field(model, name):
        label = labels.get(name) or capfirst(name.replace("_", " "))
        return PortalField(name, str(label), str(helps.get(name, "")), "computed")
    f = model._meta.get_field(name)
    label = str(labels.get(name) or capfirst(getattr(f, "verbose_name", name)))
    help_text = str(helps.get(name) or getattr(f, "help_text", "") or "")
    related = getattr(f, "related_model", None)
    if f.many_to_many or f.one_to_many:
        kind = "countries" if related and related._meta.label == "reference.Country" else "relations"
        return PortalField(name, label, help_text, kind, f)
    if f.is_relation:
        kind = "country" if related and related._meta.label == "reference.Country" else "relation"
        return PortalField(name, label, help_text, kind, f)
    if getattr(f, "choices", None):
        choices = tuple((str(k), str(v)) for k, v in f.flatchoices)
        return PortalField(name, label, help_text, "choice", f, choices)
    if isinstance(f, models.BooleanField):
        return PortalField(name, label, help_text, "boolean", f)
    if isinstance(f, models.DateField):
        return PortalField(name, label, help_text, "date", f)
    if isinstance(f, models.DecimalField):
        kind = "money" if any(h in name for h in MONEY_HINTS) else "number"
        return PortalField(name, label, help_text, kind, f)
    if isinstance(f, (models.IntegerField, models.FloatField)):
        return PortalField(name, label, help_text, "number", f)
    return PortalField(name, label, help_text, "text", f)


# The registry. Order = order on the portal. Names of fields a record app has not declared
# public simply do not appear.
COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        slug="agreements",
        model_label="agreements.Agreement",
        title=_("Agreements"),
        description=_("International agreements and treaties signed, with their parties, dates, status and text."),
        country_lookups=("parties__country",),
    ),
    Collection(
        slug="projects",
        model_label="aid.Project",
        title=_("Aid projects"),
        description=_("Aid programmes and projects received: donor, sector, province, amounts committed and spent."),
        country_lookups=("donors__country", "donor__country"),
        province_lookups=("provinces__code", "province__code"),
    ),
    Collection(
        slug="events",
        model_label="activities.Event",
        title=_("Events held"),
        description=_("Conferences, workshops, policy dialogues and other events that were held."),
        where={"status__in": ("held", "reported")},
        country_lookups=("country", "co_organisers__country"),
    ),
    Collection(
        slug="partners",
        model_label="partners.Partner",
        title=_("Partners"),
        description=_("The registry of international partners: countries, organisations, agencies."),
        fields=("name_vi", "name_en", "acronym", "kind", "country"),
        title_fields=("name_vi", "name_en"),
        needs_published_flag=False,
        country_lookups=("country",),
    ),
)

RESERVED_SLUGS = frozenset({"data", "maps", "geo", "language", "about"})


def active_collections() -> list[Collection]:
    return [c for c in COLLECTIONS if c.active]


def get_collection(slug: str) -> Collection | None:
    return next((c for c in COLLECTIONS if c.slug == slug and c.active), None)
