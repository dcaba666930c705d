import pytest

from hoptac.partners.models import Contact, Partner
from hoptac.portal.collections import COLLECTIONS, RESERVED_SLUGS, Collection, get_collection, is_internal

pytestmark = pytest.mark.django_db


def test_partners_collection_shows_only_the_public_registry_fields():
    partners = get_collection("partners")
    assert partners.public_field_names() == ["name_vi", "name_en", "acronym", "kind", "country"]
    assert partners.published().count() == Partner.objects.count()


def test_a_collection_narrows_the_models_portal_fields_and_never_widens_them(monkeypatch):
    monkeypatch.setattr(Partner, "portal_fields", ("name_vi", "notes", "kind", "owner_unit"), raising=False)
    assert get_collection("partners").public_field_names() == ["name_vi", "kind"]


def test_a_publishable_model_that_declares_no_portal_fields_shows_nothing(monkeypatch):
    events = get_collection("events")
    if events is None:
        pytest.skip("activities.Event has not landed")
    monkeypatch.delattr(events.model(), "portal_fields")
    assert events.public_field_names() == []


@pytest.mark.parametrize(
    "name",
    ["notes", "internal_notes", "approval_comment", "contacts", "contact_email", "search_text", "created_by", "draft"],
)
def test_internal_names_are_never_public(name):
    assert is_internal(name)


@pytest.mark.parametrize("name", ["title_vi", "parties", "signed_on", "status", "summary", "committed_usd"])
def test_public_names_are_not_taken_for_internal(name):
    assert not is_internal(name)


def test_a_collection_waits_for_its_model_and_its_publication_flag():
    assert not Collection("x", "nothere.Thing", "X", "X").active
    assert not Collection("x", "partners.Contact", "X", "X").active  # no is_published
    assert Collection("x", "partners.Contact", "X", "X", needs_published_flag=False).active
    assert Contact in (Collection("x", "partners.Contact", "X", "X", needs_published_flag=False).model(),)


def test_slugs_are_unique_and_not_reserved():
    slugs = [c.slug for c in COLLECTIONS]
    assert len(slugs) == len(set(slugs))
    assert not set(slugs) & RESERVED_SLUGS


def test_every_publishable_collection_is_filtered_to_published_records():
    for collection in COLLECTIONS:
        if collection.active and collection.needs_published_flag:
            assert "is_published" in str(collection.published().query)
