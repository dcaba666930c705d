"""Records for the portal tests, built generically for whichever publishable models exist.

Each record gets every text field filled: public fields with a tag of the record
("PUBPUB..." for a published one, "HIDDENUNPUB..." for an unpublished one) and every other
field with "INTERNALSECRET <field>", so that a leak shows up as a marker in a page or a
download. Related internal things (partner notes, contacts) carry the marker too."""

import datetime
from decimal import Decimal

from django.db import models, transaction

from hoptac.portal.collections import COLLECTIONS, Collection

PUBLISHED = "PUBPUB"
UNPUBLISHED = "HIDDENUNPUB"
NOT_HELD = "NOTHELDPUB"
INTERNAL = "INTERNALSECRET"
DAY = datetime.date(2025, 11, 27)


def _first(model):
    return model._default_manager.order_by("pk").first()


def _related_value(f: models.Field):
    related = f.related_model
    label = related._meta.label
    if label == "reference.Country":
        return related.objects.get(pk="FR")
    if label == "partners.Partner":
        return related.objects.get(acronym="ILO")
    if label == "org.Unit":
        return related.objects.filter(kind="province").order_by("code").first() or _first(related)
    return _first(related)


def _text_for(f: models.Field, public: bool, tag: str) -> str:
    value = f"{tag} {f.name}" if public else f"{INTERNAL} {f.name}"
    if isinstance(f, models.URLField):
        return "https://example.org/" + value.replace(" ", "-")
    if isinstance(f, models.EmailField):
        return value.replace(" ", ".") + "@example.org"
    limit = getattr(f, "max_length", None)
    return value[:limit] if limit else value


def fill(collection: Collection, *, published: bool, tag: str, status: str | None = None):
    """Create one record of the collection's model with every field filled."""
    model = collection.model()
    public = set(collection.public_field_names())
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.name == "is_published":
            values[f.name] = published
        elif f.name == "version":
            continue
        elif f.is_relation:
            if f.name in public or not f.null:
                values[f.name] = _related_value(f)
        elif f.choices:
            values[f.name] = status if (f.name == "status" and status) else f.flatchoices[0][0]
        elif isinstance(f, models.BooleanField):
            values[f.name] = False
        elif isinstance(f, models.DateTimeField):
            continue
        elif isinstance(f, models.DateField):
            values[f.name] = DAY
        elif isinstance(f, models.DecimalField):
            values[f.name] = Decimal("1")
        elif isinstance(f, (models.IntegerField, models.FloatField)):
            values[f.name] = f.default if f.has_default() else 1
        elif isinstance(f, models.JSONField):
            values[f.name] = [f"{INTERNAL} {f.name}"] if f.name not in public else []
        elif isinstance(f, (models.CharField, models.TextField)):
            if f.unique or f.name in ("reference_key", "code") and f.name not in public:
                values[f.name] = ""
            else:
                values[f.name] = _text_for(f, f.name in public, tag)
    values.update(IATI_STANDARD.get(model._meta.label, {}))
    obj = model._default_manager.create(**values)
    for f in model._meta.many_to_many:
        if f.name in public:
            getattr(obj, f.name).add(_related_value(f))
    extra = EXTRA.get(model._meta.label)
    if extra:
        extra(obj, tag)
    else:
        fill_children(obj)
    return obj


def fill_children(obj) -> list:
    """One row of every model that hangs off the record (status changes with their notes,
    consultations, signatories, follow-up actions...), every text in it marked internal:
    none of it is public unless a derived value says so."""
    made = []
    for rel in obj._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one) or rel.related_model._meta.label.startswith("simple_history"):
            continue
        child = rel.related_model
        values = {rel.field.name: obj}
        for f in child._meta.concrete_fields:
            if f.primary_key or f.name in values or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if f.is_relation:
                if not f.null:
                    values[f.name] = _related_value(f)
            elif f.choices:
                values[f.name] = f.flatchoices[0][0]
            elif isinstance(f, models.BooleanField):
                values[f.name] = False
            elif isinstance(f, models.DateTimeField):
                continue
            elif isinstance(f, models.DateField):
                values[f.name] = DAY
            elif isinstance(f, (models.DecimalField, models.IntegerField, models.FloatField)):
                values[f.name] = f.default if f.has_default() else 1
            elif isinstance(f, (models.CharField, models.TextField)) and not f.unique:
                values[f.name] = _text_for(f, False, "")
        try:
            with transaction.atomic():
                made.append(child._default_manager.create(**values))
        except Exception:  # a constraint this generic filler cannot know: skip that child
            continue
    return made


def _project_extra(project, tag: str) -> None:
    """A donor, a sector, a province and money for a project (the aid app's structure)."""
    from hoptac.aid.models import ProjectLocation, ProjectOrganisation, ProjectSector, Transaction
    from hoptac.org.models import Unit
    from hoptac.partners.models import Partner

    ProjectOrganisation.objects.create(project=project, role="1", partner=Partner.objects.get(acronym="UNDP"))
    ProjectSector.objects.create(project=project, code="15110", name=f"{tag} sector")
    ProjectLocation.objects.create(project=project, province=Unit.objects.filter(kind="province", code="48").first())
    Transaction.objects.create(
        project=project,
        type_code="2",
        date=DAY,
        value=Decimal("1000.00"),
        currency="USD",
        value_date=DAY,
        description=f"{INTERNAL} transaction description",
        value_vnd=Decimal("25000000.00"),
        value_usd=Decimal("1000.00"),
    )


EXTRA = {"aid.Project": _project_extra}
# IATI's own coded metadata of a project: part of any IATI publication (the IATI download
# carries it), so given real values rather than internal markers.
IATI_STANDARD = {
    "aid.Project": {
        "default_currency": "USD",
        "aid_type": "C01",
        "finance_type": "110",
        "flow_type": "10",
        "reporting_org_ref": "XM-DAC-41114",
        "reporting_org_type": "40",
        "reporting_org_name": "United Nations Development Programme",
    }
}


def publishable() -> list[Collection]:
    return [c for c in COLLECTIONS if c.active and c.needs_published_flag]


def make_all() -> dict[str, dict]:
    """For every active publishable collection: a published record, an unpublished one, and
    (where the collection has a condition, e.g. events held) a published one outside it."""
    made = {}
    for collection in publishable():
        status = collection.where.get("status__in", (None,))[0]
        entry = {
            "published": fill(collection, published=True, tag=PUBLISHED, status=status),
            "unpublished": fill(collection, published=False, tag=UNPUBLISHED, status=status),
        }
        if collection.where:
            entry["outside"] = fill(collection, published=True, tag=NOT_HELD, status="planned")
        made[collection.slug] = entry
    return made


def mark_partner_internals() -> None:
    """Internal facts of the partners the records name: notes and a contact."""
    from hoptac.partners.models import Contact, Partner

    for acronym in ("ILO", "UNDP"):
        partner = Partner.objects.get(acronym=acronym)
        Partner.objects.filter(pk=partner.pk).update(notes=f"{INTERNAL} partner notes")
        Contact.objects.create(partner=partner, name=f"{INTERNAL} contact", email="secret@example.org", phone="+84 1")
