"""Small builders for the aid tests (through the services, as a person would)."""

import datetime
from decimal import Decimal

from hoptac.aid import services
from hoptac.aid.models import Kind, Project, Status, TransactionType


def make_project(user, **overrides) -> Project:
    data = {
        "code": "P-1",
        "title_vi": "Dự án thử",
        "title_en": "Test project",
        "kind": Kind.ODA_GRANT,
        "status": Status.IMPLEMENTATION,
        "default_currency": "USD",
        "planned_start": datetime.date(2024, 1, 1),
        "planned_end": datetime.date(2026, 12, 31),
    }
    data.update(overrides)
    return services.project_create(user=user, **data)


def add_tx(user, project, type_code=TransactionType.COMMITMENT, value="1000", currency="USD", day=None, **extra):
    day = day or datetime.date(2024, 3, 15)
    return services.transaction_create(
        user=user, project=project, type_code=type_code, date=day, value=Decimal(value), currency=currency, **extra
    )
