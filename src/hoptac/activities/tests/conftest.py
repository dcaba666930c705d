import datetime

import pytest

from hoptac.activities import services
from hoptac.activities.models import Delegation, Event
from hoptac.partners.models import Partner
from hoptac.reference.models import Country

D = datetime.date


@pytest.fixture
def ilo(db) -> Partner:
    return Partner.objects.get(acronym="ILO")


@pytest.fixture
def undp(db) -> Partner:
    return Partner.objects.get(acronym="UNDP")


@pytest.fixture
def make_event(editor, unit_a):
    def make(user=None, **values) -> Event:
        data = {
            "kind": Event.Kind.WORKSHOP,
            "title_vi": "Hội thảo thử",
            "title_en": "Test workshop",
            "start_date": D(2025, 11, 27),
            "end_date": D(2025, 11, 27),
            "organiser_unit": unit_a,
            "today": D(2025, 12, 1),
        }
        data.update(values)
        return services.event_create(user=user or editor, **data)

    return make


@pytest.fixture
def make_delegation(editor, unit_a):
    def make(user=None, **values) -> Delegation:
        data = {
            "direction": Delegation.Direction.OUTGOING,
            "title_vi": "Đoàn công tác thử",
            "title_en": "Test delegation",
            "start_date": D(2024, 10, 3),
            "end_date": D(2024, 10, 7),
            "owner_unit": unit_a,
            "legs": [services.Leg(Country.objects.get(iso2="FR"), D(2024, 10, 3), D(2024, 10, 7), "Paris")],
            "today": D(2024, 11, 1),
        }
        data.update(values)
        return services.delegation_create(user=user or editor, **data)

    return make
