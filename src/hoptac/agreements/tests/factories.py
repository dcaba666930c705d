"""Small helpers to build agreements in tests (through the services, as users do)."""

import datetime

from hoptac.agreements import services
from hoptac.agreements.models import Agreement
from hoptac.partners.models import Partner

NOT_SIGNED = ("proposed", "negotiating", "consulting", "approved")


def partner(acronym: str = "AFD") -> Partner:
    return Partner.objects.filter(acronym=acronym).order_by("pk").first()


def france() -> Partner:
    return Partner.objects.get(kind=Partner.Kind.COUNTRY, country_id="FR")


def agreement(user, *, parties=None, **values) -> Agreement:
    """An agreement in force 10/01/2025-09/01/2027 unless told otherwise; one not yet signed
    has no dates unless given."""
    data = {"kind": Agreement.Kind.MOU, "title_vi": "Bản ghi nhớ thử nghiệm", "title_en": "Test memorandum"}
    status = values.get("status", Agreement.Status.IN_FORCE)
    if status not in NOT_SIGNED:
        data.update(
            signed_on=datetime.date(2025, 1, 10),
            in_force_from=datetime.date(2025, 1, 10),
            valid_until=datetime.date(2027, 1, 9),
        )
    data.update(values)
    data.setdefault("status", status)
    return services.agreement_create(user=user, parties=parties or [partner()], **data)
