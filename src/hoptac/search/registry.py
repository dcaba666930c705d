"""What search indexes: one entry per record type.

To index another record type, its app writes a module `search_index.py` with

    register(Entry("agreement", "agreements.Agreement", describe_agreement, _("Agreements")))

where `describe_agreement(obj) -> Indexed`; every installed app's `search_index` module is
imported the first time the registry is read. The entry is skipped when its app is not installed
or its model does not exist yet, so entries can be written before the model lands."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


@dataclass
class Indexed:
    title: str
    text: str
    url: str
    language: str = ""
    year: int | None = None
    partner_ids: list[int] = field(default_factory=list)
    field_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    type: str
    model_label: str  # "app_label.ModelName"
    describe: Callable[[object], Indexed]
    label: Promise | str
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str | Prefetch, ...] = ()
    # Results are ordered by group, then by relevance: documents (group 0) come before the
    # registry records that name the same thing (a partner called "UN Women" is a short record
    # that would otherwise outrank every article about it); filter by type to see records first.
    group: int = 1

    @property
    def model(self):
        app_label, name = self.model_label.split(".")
        return apps.get_model(app_label, name)

    def available(self) -> bool:
        app_label, name = self.model_label.split(".")
        if not any(c.label == app_label for c in apps.get_app_configs()):
            return False
        try:
            apps.get_model(app_label, name)
        except LookupError:
            return False
        return True

    def queryset(self):
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


_REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> None:
    _REGISTRY[entry.type] = entry


_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("search_index")


def entries() -> list[Entry]:
    """The registered entries whose models exist, in registration order."""
    _discover()
    return [e for e in _REGISTRY.values() if e.available()]


def entry_for_type(type_name: str) -> Entry | None:
    _discover()
    entry = _REGISTRY.get(type_name)
    return entry if entry and entry.available() else None


def entry_for_model(model) -> Entry | None:
    label = model._meta.label
    return next((e for e in entries() if e.model_label == label), None)


# ---- the record types -------------------------------------------------------------------


def describe_document(doc) -> Indexed:
    partner_ids = sorted({m.partner_id for m in doc.mentions.all() if m.partner_id and m.status != "rejected"})
    return Indexed(
        title=doc.title,
        text=doc.text,
        url=doc.get_absolute_url(),
        language=doc.language,
        year=doc.published_on.year if doc.published_on else None,
        partner_ids=partner_ids,
    )


def describe_partner(partner) -> Indexed:
    country = partner.country
    names = [partner.name_vi, partner.name_en, partner.acronym, *partner.aliases]
    if country:
        names += [country.name_vi, country.name_en]
    return Indexed(
        title=f"{partner.name_vi} ({partner.acronym})" if partner.acronym else partner.name_vi,
        text="\n".join(n for n in [*names, partner.notes] if n),
        url=partner.get_absolute_url(),
        language="",
        year=None,
        partner_ids=[partner.pk],
    )


register(
    Entry("document", "documents.Document", describe_document, _("Documents"), ("owner_unit",), ("mentions",), group=0)
)
register(Entry("partner", "partners.Partner", describe_partner, _("Partners"), ("country",)))
