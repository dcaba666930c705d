"""Demo projects on the themes of the seed articles, created by `hoptac demo` (idempotent: each
project is found by its code and left alone if it exists).

What the seeds state: ILO, UNDP and UN Women shared trends in labour-market development,
administrative reform and gender equality at the Ministry of Home Affairs' policy dialogue of
27/11/2025 (seed 000); the Ministry of Home Affairs and the French ministry for public servants
cooperated in 2016-2024 on training young officials and female staff, and on 04/10/2024 signed
documents to cooperate on training civil servants, e-learning and public-service ethics (seed 001).

What they do not state: any project, amount, date or place below. Every project is therefore
demo data, and its notes say so: "Demo data — illustrative figures, not from a source".

The French project is the cooperation the administrative agreement of 04/10/2024 sets out
(agreements.demo, same seed): it is linked to that agreement when the agreement is recorded
(`hoptac demo` loads agreements first). The other themes have no agreement in the seeds."""

import datetime
from decimal import Decimal

from django.db import transaction

from hoptac.agreements.demo import FRANCE_ADMIN_TITLE_EN
from hoptac.agreements.models import Agreement
from hoptac.aid import services
from hoptac.aid.models import Kind, OrgRole, Project, Status, Transaction, TransactionType
from hoptac.aid.rates import RateTable
from hoptac.audit.services import record_create, record_update
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.partners.models import Partner
from hoptac.search.index import index_after_commit

DEMO_NOTE = "Demo data — illustrative figures, not from a source."
D = datetime.date


def _partner(acronym: str = "", name_en: str = "") -> Partner | None:
    if acronym:
        return Partner.objects.filter(acronym=acronym).order_by("pk").first()
    return Partner.objects.filter(name_en__startswith=name_en).order_by("pk").first()


def _france() -> Partner | None:
    return Partner.objects.filter(kind=Partner.Kind.COUNTRY, country_id="FR").first()


def _province(name: str) -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True, name_vi__endswith=name).first()


def _unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).exclude(kind=Unit.Kind.PROVINCE).first()


def _field(code: str) -> Field | None:
    return Field.objects.filter(code=code).first()


PROJECTS = [
    {
        "code": "DEMO-ILO-LM",
        "iati_identifier": "VN-hoptac-DEMO-ILO-LM",
        "title_vi": "Hỗ trợ phát triển thị trường lao động hiện đại, linh hoạt và hội nhập (dữ liệu minh họa)",
        "title_en": "Support to a modern, flexible and integrated labour market (demo)",
        "description_en": "Demo project on the labour-market theme ILO raised at the policy dialogue of "
        "27/11/2025: labour-market information, skills for the green economy, protection of migrant workers.",
        "description_vi": "Dự án minh họa theo chủ đề thị trường lao động ILO nêu tại hội nghị đối thoại chính "
        "sách ngày 27/11/2025.",
        "kind": Kind.TECHNICAL_ASSISTANCE,
        "status": Status.IMPLEMENTATION,
        "aid_type": "C01",
        "finance_type": "110",
        "flow_type": "10",
        "default_currency": "USD",
        "planned_start": D(2024, 7, 1),
        "actual_start": D(2024, 9, 1),
        "planned_end": D(2027, 6, 30),
        "donors": [("ILO", "")],
        "owner": "BNV-HTQT",
        "implementing": ["BNV-CVL"],
        "sectors": [("16020", 70), ("11330", 30)],
        "fields": [("employment", 70), ("vocational-training", 30)],
        "locations": [("Hà Nội", 50), ("Hồ Chí Minh", 50)],
        "transactions": [
            (TransactionType.COMMITMENT, D(2024, 7, 15), "2400000", "USD"),
            (TransactionType.DISBURSEMENT, D(2024, 10, 1), "450000", "USD"),
            (TransactionType.DISBURSEMENT, D(2025, 4, 1), "600000", "USD"),
            (TransactionType.EXPENDITURE, D(2025, 6, 30), "3000000000", "VND"),
        ],
        "results": [
            {
                "title": "Labour-market information system covers the new provincial units",
                "indicators": [
                    {
                        "title": "Provincial units reporting labour-market data quarterly",
                        "baseline_year": 2024,
                        "baseline_value": "0",
                        "period_start": D(2024, 9, 1),
                        "period_end": D(2026, 12, 31),
                        "target_value": "34",
                        "actual_value": "12",
                    }
                ],
            }
        ],
    },
    {
        "code": "DEMO-UNDP-PAR",
        "iati_identifier": "VN-hoptac-DEMO-UNDP-PAR",
        "title_vi": "Hỗ trợ cải cách hành chính và mô hình chính quyền địa phương hai cấp (dữ liệu minh họa)",
        "title_en": "Support to public administration reform and two-level local government (demo)",
        "description_en": "Demo project on the administrative-reform theme UNDP raised at the policy dialogue "
        "of 27/11/2025, and on the two-level local government in operation since 01/07/2025.",
        "kind": Kind.ODA_GRANT,
        "status": Status.IMPLEMENTATION,
        "aid_type": "C01",
        "finance_type": "110",
        "flow_type": "10",
        "default_currency": "USD",
        "planned_start": D(2025, 1, 1),
        "actual_start": D(2025, 3, 1),
        "planned_end": D(2028, 12, 31),
        "donors": [("UNDP", "")],
        "owner": "BNV-HTQT",
        "implementing": ["BNV-TCCB"],
        "sectors": [("15110", 80), ("15112", 20)],
        "fields": [("administrative-reform", 60), ("local-government", 40)],
        "locations": [("Hà Nội", 40), ("Huế", 30), ("Cần Thơ", 30)],
        "transactions": [
            (TransactionType.COMMITMENT, D(2025, 1, 20), "3500000", "USD"),
            (TransactionType.DISBURSEMENT, D(2025, 5, 15), "700000", "USD"),
        ],
        "results": [],
    },
    {
        "code": "DEMO-UNW-GE",
        "iati_identifier": "VN-hoptac-DEMO-UNW-GE",
        "title_vi": "Thúc đẩy bình đẳng giới trong khu vực công (dữ liệu minh họa)",
        "title_en": "Promoting gender equality in the public sector (demo)",
        "description_en": "Demo project on the gender-equality theme UN Women raised at the policy dialogue of "
        "27/11/2025; the Ministry of Home Affairs took on state management of gender equality in 2025.",
        "kind": Kind.TECHNICAL_ASSISTANCE,
        "status": Status.PIPELINE,
        "aid_type": "C01",
        "finance_type": "110",
        "flow_type": "10",
        "default_currency": "USD",
        "planned_start": D(2026, 1, 1),
        "planned_end": D(2027, 12, 31),
        "donors": [("UN Women", "")],
        "owner": "BNV-HTQT",
        "implementing": ["BNV-TCCB"],
        "sectors": [("15170", 100)],
        "fields": [("gender-equality", 100)],
        "locations": [],
        "transactions": [
            (TransactionType.COMMITMENT, D(2025, 11, 28), "800000", "USD"),
        ],
        "results": [],
    },
    {
        "code": "DEMO-FR-CS",
        "iati_identifier": "VN-hoptac-DEMO-FR-CS",
        "title_vi": "Hợp tác Việt Nam - Pháp đào tạo, bồi dưỡng công chức (dữ liệu minh họa)",
        "title_en": "Vietnam-France cooperation on civil-service training (demo)",
        "description_en": "Demo project on the cooperation the two ministries agreed on 04/10/2024: training "
        "civil servants (especially local ones and strategic planners), e-learning and distance learning, "
        "public-service ethics.",
        "kind": Kind.TECHNICAL_ASSISTANCE,
        "status": Status.IMPLEMENTATION,
        "aid_type": "D02",
        "finance_type": "110",
        "flow_type": "10",
        "default_currency": "EUR",
        "agreement": (Agreement.Kind.ADMINISTRATIVE_AGREEMENT, FRANCE_ADMIN_TITLE_EN),
        "planned_start": D(2025, 1, 1),
        "actual_start": D(2025, 2, 1),
        "planned_end": D(2027, 12, 31),
        "donors": [("", "FR")],
        "implementers": [("INSP", "")],
        "owner": "BNV-HTQT",
        "implementing": ["BNV-TCCB"],
        "sectors": [("15110", 50), ("11430", 50)],
        "fields": [("civil-service", 70), ("digital-transformation", 30)],
        "locations": [("Hà Nội", 100)],
        "transactions": [
            (TransactionType.COMMITMENT, D(2025, 1, 10), "450000", "EUR"),
            (TransactionType.DISBURSEMENT, D(2025, 3, 1), "120000", "EUR"),
            (TransactionType.DISBURSEMENT, D(2025, 9, 1), "95000", "EUR"),
            (TransactionType.EXPENDITURE, D(2025, 10, 15), "500000000", "VND"),
        ],
        "results": [
            {
                "title": "Civil servants trained",
                "indicators": [
                    {
                        "title": "Civil servants completing a course (of whom women)",
                        "baseline_year": 2024,
                        "baseline_value": "0",
                        "period_start": D(2025, 1, 1),
                        "period_end": D(2025, 12, 31),
                        "target_value": "300",
                        "actual_value": "180",
                    }
                ],
            }
        ],
    },
]


def _agreement(spec: dict) -> Agreement | None:
    if "agreement" not in spec:
        return None
    kind, title_en = spec["agreement"]
    return Agreement.objects.filter(kind=kind, title_en=title_en).order_by("pk").first()


def _organisations(spec: dict) -> list[dict]:
    orgs = []
    for role, key in ((OrgRole.FUNDING, "donors"), (OrgRole.IMPLEMENTING, "implementers")):
        for acronym, country in spec.get(key, []):
            partner = _france() if country == "FR" else _partner(acronym)
            if partner is not None:
                orgs.append({"role": role, "partner": partner})
    return orgs


def _create(spec: dict, rates: RateTable) -> Project | None:
    owner = _unit(spec["owner"])
    values = {
        k: spec[k]
        for k in (
            "code",
            "iati_identifier",
            "title_vi",
            "title_en",
            "kind",
            "status",
            "aid_type",
            "finance_type",
            "flow_type",
            "default_currency",
            "planned_start",
            "planned_end",
        )
    }
    values.update(
        description_vi=spec.get("description_vi", ""),
        description_en=spec.get("description_en", ""),
        actual_start=spec.get("actual_start"),
        owner_unit=owner,
        agreement=_agreement(spec),
        notes=DEMO_NOTE,
    )
    parts = {
        "organisations": _organisations(spec),
        "sectors": [{"code": code, "percentage": Decimal(p)} for code, p in spec["sectors"]],
        "fields": [{"field": f, "percentage": Decimal(p)} for code, p in spec["fields"] if (f := _field(code))],
        "locations": [
            {"province": u, "percentage": Decimal(p)} for name, p in spec["locations"] if (u := _province(name))
        ],
        "results": spec["results"],
    }
    # Shares must still sum to 100 if some reference row is missing: then leave that list out.
    for name, wanted in (("fields", spec["fields"]), ("locations", spec["locations"])):
        if len(parts[name]) != len(wanted):
            parts[name] = []
    services.validate_parts(parts)
    with transaction.atomic():
        project = Project(**values)
        project.search_text = project.make_search_text()
        implementing = [u for code in spec["implementing"] if (u := _unit(code))]
        project = record_create(project, user=None, m2m={"implementing_units": implementing})
        services._save_parts(project, parts)
        for i, (type_code, day, value, currency) in enumerate(spec["transactions"]):
            tx = Transaction(
                project=project,
                position=i,
                type_code=type_code,
                date=day,
                value=Decimal(value),
                currency=currency,
                value_date=day,
                description=DEMO_NOTE,
            )
            services.convert(tx, rates)
            record_create(tx, user=None)
    index_after_commit(project)
    return project


def load_demo() -> int:
    """Create the demo projects that do not exist yet; return how many were created."""
    from hoptac.aid.rates import load_shipped_rates

    load_shipped_rates()
    rates = RateTable()
    created = 0
    for spec in PROJECTS:
        existing = Project.objects.filter(code=spec["code"]).first()
        if existing:
            # Only a missing link to its agreement is added (the agreement may be loaded later).
            agreement = _agreement(spec)
            if agreement is not None and existing.agreement_id is None:
                record_update(existing, user=None, expected_version=None, changes={"agreement": agreement})
            continue
        if _create(spec, rates) is not None:
            created += 1
    return created
