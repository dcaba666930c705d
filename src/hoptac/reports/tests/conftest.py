"""Fixed data for the reports tests: a few records of each type that has landed, in 2025."""

import datetime
import hashlib

import pytest

from hoptac.reports.figures import model

TODAY = datetime.date(2025, 12, 15)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def records(db, unit_a, unit_b):
    """Documents, events and delegations (what exists of them) spread over 2024-2025 and two units."""
    from hoptac.documents.models import Document
    from hoptac.partners.models import Partner

    made: dict[str, list] = {"documents": [], "events": [], "delegations": []}
    ilo = Partner.objects.filter(acronym="ILO").first()
    for i, (day, unit) in enumerate(
        [
            (datetime.date(2025, 2, 3), unit_a),
            (datetime.date(2025, 6, 30), unit_a),
            (datetime.date(2025, 11, 27), unit_b),
            (datetime.date(2024, 12, 31), unit_a),
        ]
    ):
        made["documents"].append(
            Document.objects.create(
                title=f"Document {i}", published_on=day, owner_unit=unit, format="txt", content_hash=_hash(f"d{i}")
            )
        )
    Event = model("activities", "Event")
    if Event is not None:
        specs = [
            ("policy_dialogue", datetime.date(2025, 11, 27), unit_a, "held"),
            ("workshop", datetime.date(2025, 8, 14), unit_a, "reported"),
            ("training_course", datetime.date(2025, 3, 10), unit_b, "planned"),
            ("conference", datetime.date(2025, 5, 5), unit_a, "cancelled"),
            ("workshop", datetime.date(2024, 10, 1), unit_a, "held"),
        ]
        for i, (kind, day, unit, status) in enumerate(specs):
            event = Event.objects.create(
                kind=kind, title_vi=f"Sự kiện {i}", start_date=day, end_date=day, organiser_unit=unit, status=status
            )
            if ilo and i == 0:
                event.co_organisers.add(ilo)
            made["events"].append(event)
    Delegation = model("activities", "Delegation")
    if Delegation is not None:
        from hoptac.reference.models import Country

        france, japan = Country.objects.get(iso2="FR"), Country.objects.get(iso2="JP")
        specs = [
            ("outgoing", datetime.date(2025, 10, 3), unit_a, "returned", france),
            ("outgoing", datetime.date(2025, 4, 1), unit_b, "approved", japan),
            ("incoming", datetime.date(2025, 9, 9), unit_a, "returned", france),
            ("outgoing", datetime.date(2024, 10, 3), unit_a, "reported", france),
        ]
        for i, (direction, day, unit, status, country) in enumerate(specs):
            delegation = Delegation.objects.create(
                direction=direction,
                title_vi=f"Đoàn {i}",
                owner_unit=unit,
                start_date=day,
                end_date=day + datetime.timedelta(days=4),
                status=status,
            )
            delegation.legs.create(country=country, start_date=day, end_date=day + datetime.timedelta(days=4))
            made["delegations"].append(delegation)
    return made
