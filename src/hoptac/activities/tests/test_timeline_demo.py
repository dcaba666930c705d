import datetime

import pytest

from hoptac.activities import services
from hoptac.activities.demo import load_demo
from hoptac.activities.models import Delegation, Event
from hoptac.partners.models import Partner
from hoptac.partners.timeline import all_entries

pytestmark = pytest.mark.django_db
D = datetime.date


def test_timeline_lists_events_and_delegations_with_the_partner(
    make_event, make_delegation, editor, contributor_b, ilo
):
    event = make_event(participants=[services.Participant(ilo)])
    trip = make_delegation(partners_met=[ilo])
    make_event(title_vi="Không liên quan")
    entries = all_entries(ilo, editor)
    assert {(e.kind, e.url) for e in entries} >= {
        ("event", event.get_absolute_url()),
        ("delegation", trip.get_absolute_url()),
    }
    assert all("Không liên quan" not in e.title for e in entries)
    assert [e for e in all_entries(ilo, contributor_b) if e.kind in ("event", "delegation")] == []


def test_partner_page_timeline_tab(logged_in, editor, make_event, ilo):
    make_event(participants=[services.Participant(ilo)])
    page = logged_in(editor).get(f"/partners/{ilo.pk}/?tab=timeline")
    assert "Test workshop" in page.content.decode() or "Hội thảo thử" in page.content.decode()


def test_demo_records_from_the_seeds_and_idempotent(editor):
    load_demo()
    load_demo()
    dialogue = Event.objects.get(kind="policy_dialogue", start_date=D(2025, 11, 27))
    assert sorted(p.partner.acronym for p in dialogue.participants.all()) == ["ILO", "IOM", "UN Women", "UNDP"]
    assert dialogue.organiser_unit.code == "BNV" and dialogue.city == "Hà Nội"
    assert "Demo data" in dialogue.notes
    workshop = Event.objects.get(kind="workshop", start_date=D(2025, 8, 14))
    assert workshop.organiser_unit.code == "BNG"
    trip = Delegation.objects.get(direction="outgoing", start_date=D(2024, 10, 3))
    assert trip.end_date == D(2024, 10, 7)
    assert [(g.country_id, g.city) for g in trip.legs.all()] == [("FR", "Paris")]
    france = Partner.objects.get(kind="country", country_id="FR")
    assert france in trip.partners_met.all()
    assert Event.objects.count() == 2 and Delegation.objects.count() == 1
    for acronym in ("ILO", "IOM", "UNDP", "UN Women"):
        partner = Partner.objects.get(acronym=acronym)
        assert any(e.kind == "event" for e in all_entries(partner, editor)), acronym
    assert any(e.kind == "delegation" for e in all_entries(france, editor))


def test_demo_links_the_agreement_signed_during_the_visit_whichever_demo_runs_first():
    from hoptac.agreements.demo import load_demo as load_agreements

    load_demo()
    trip = Delegation.objects.get(direction="outgoing", start_date=D(2024, 10, 3))
    assert trip.agreements.count() == 0
    load_agreements()
    load_demo()
    assert [a.signed_on for a in trip.agreements.all()] == [D(2024, 10, 4)]


def test_search_finds_events_and_delegations(editor, make_event, make_delegation, django_capture_on_commit_callbacks):
    from hoptac.search.registry import entry_for_type

    with django_capture_on_commit_callbacks(execute=True):
        make_event(title_vi="Đối thoại chính sách về bình đẳng giới")
        make_delegation()
    from hoptac.documents.models import SearchEntry

    assert entry_for_type("event") and entry_for_type("delegation")
    assert SearchEntry.objects.filter(type="event", title__contains="bình đẳng giới").exists()
    assert SearchEntry.objects.filter(type="delegation").exists()
