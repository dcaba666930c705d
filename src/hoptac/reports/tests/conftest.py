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
    made.update(_agreements(unit_a, unit_b, ilo))
    made.update(_aid(unit_a, unit_b, ilo))
    made.update(_tasks(unit_a, unit_b))
    return made


def _agreements(unit_a, unit_b, ilo) -> dict:
    Agreement = model("agreements", "Agreement")
    if Agreement is None:
        return {}
    from hoptac.partners.models import Partner

    france = Partner.objects.filter(kind="country", country_id="FR").first()
    d = datetime.date
    specs = [
        # kind, signed, in force from, valid until, status, unit, party
        ("administrative_agreement", d(2025, 3, 10), d(2025, 3, 10), d(2028, 3, 9), "in_force", unit_a, france),
        ("memorandum_of_understanding", d(2025, 9, 1), d(2025, 9, 1), d(2026, 1, 31), "in_force", unit_a, ilo),
        ("memorandum_of_understanding", d(2023, 5, 5), d(2023, 5, 5), d(2025, 12, 31), "in_force", unit_b, france),
        ("protocol", d(2025, 11, 2), None, None, "signed", unit_b, ilo),
        ("agreement", None, None, None, "negotiating", unit_a, france),
    ]
    made = []
    for i, (kind, signed, start, until, status, unit, party) in enumerate(specs):
        agreement = Agreement.objects.create(
            kind=kind, title_vi=f"Thỏa thuận {i}", owner_unit=unit, signed_on=signed, in_force_from=start,
            valid_until=until, status=status,
        )  # fmt: skip
        if party:
            agreement.parties.add(party)
        made.append(agreement)
    return {"agreements": made}


def _aid(unit_a, unit_b, ilo) -> dict:
    Project = model("aid", "Project")
    if Project is None:
        return {}
    from decimal import Decimal

    from hoptac.aid.models import ProjectLocation, ProjectOrganisation, Transaction
    from hoptac.org.models import Unit

    hanoi = Unit.objects.get(kind="province", code="01")
    former = Unit.objects.filter(kind="province", is_active=False).exclude(successor=None).first()
    d = datetime.date
    p1 = Project.objects.create(
        title_vi="Dự án việc làm",
        kind="technical_assistance",
        status="implementation",
        planned_start=d(2024, 1, 1),
        planned_end=d(2026, 12, 31),
        owner_unit=unit_a,
    )
    p2 = Project.objects.create(title_vi="Dự án bình đẳng giới", kind="oda_grant", status="implementation",
                                planned_start=d(2025, 1, 1), planned_end=d(2027, 12, 31),
                                owner_unit=unit_b)  # fmt: skip
    ProjectOrganisation.objects.create(project=p1, role="1", partner=ilo, position=0)
    ProjectOrganisation.objects.create(project=p2, role="1", name="UN Women", position=0)
    ProjectLocation.objects.create(project=p1, province=hanoi, percentage=Decimal("60"))
    if former:
        ProjectLocation.objects.create(project=p1, province=former, percentage=Decimal("40"))

    def tx(project, code, day, usd):
        usd = Decimal(usd)
        Transaction.objects.create(
            project=project, type_code=code, date=day, value=usd, currency="USD", value_date=day,
            rate_vnd=Decimal("25000"), rate_usd=Decimal("1"), value_vnd=usd * 25000, value_usd=usd,
        )  # fmt: skip

    tx(p1, "2", d(2024, 6, 1), "500000.00")  # committed before the period
    tx(p1, "3", d(2025, 2, 1), "100000.00")
    tx(p1, "4", d(2025, 7, 1), "50000.50")
    tx(p2, "2", d(2025, 1, 15), "300000.00")
    tx(p2, "3", d(2025, 12, 1), "75000.25")
    tx(p2, "3", d(2026, 1, 5), "10000.00")  # after the period
    return {"projects": [p1, p2], "province_former": former}


def _tasks(unit_a, unit_b) -> dict:
    Task = model("programmes", "Task")
    if Task is None:
        return {}
    from hoptac.programmes.models import Programme

    programme = Programme.objects.create(title="Chương trình hành động", document_number="153/NQ-CP", owner_unit=unit_a)
    d = datetime.date
    specs = [
        ("1", unit_a, d(2025, 6, 30), "in_progress", None),  # overdue on 15/12/2025
        ("2", unit_a, d(2025, 12, 20), "in_progress", None),  # due soon
        ("3", unit_b, d(2026, 6, 30), "not_started", None),  # on time
        ("4", unit_b, d(2025, 3, 31), "completed", d(2025, 3, 1)),
    ]
    made = []
    for code, unit, deadline, status, done in specs:
        made.append(
            Task.objects.create(
                programme=programme,
                code=code,
                title=f"Nhiệm vụ {code}",
                lead_unit=unit,
                deadline_kind="date",
                deadline=deadline,
                status=status,
                completed_on=done,
            )  # fmt: skip
        )
    from hoptac.programmes.models import ProgressReport

    first = made[0]
    ProgressReport.objects.create(
        task=first,
        unit=unit_a,
        reported_on=d(2025, 5, 1),
        percent=40,
        narrative="Draft circulated",
        difficulties="Late comments",
    )
    ProgressReport.objects.create(task=first, unit=unit_a, reported_on=d(2026, 1, 10), percent=90,
                                  narrative="After the period")  # fmt: skip
    return {"tasks": made}


# The browser fixtures of tests/conftest.py, for the browser test beside this app.
