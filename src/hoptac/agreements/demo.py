"""Demo agreements from the seed articles (src/hoptac/reference/data/seeds/), created by
`hoptac demo`. Idempotent: each agreement is found by its English title and kind and left
alone if it exists (only a missing link to its seed document is added).

Both come from seed 001 (VNA, "Vietnam, France boost cooperation in public services,
administrative modernisation"):
- the administrative agreement between the Ministry of Home Affairs and France's Ministry for
  Public Servants, Simplification and Transformation of Public Action on cooperation in public
  services and administrative modernisation in the 2025-2028 period, signed by the two ministers
  (Pham Thi Thanh Tra, Guillaume Kasbarian) at their meeting on 4 October, with its priority areas;
- the MoU on railway, sea and inland waterway transport signed by Minister of Transport Nguyen
  Van Thang and AFD's Director Phillipe Orliange (spelt as the article spells it).

What the article leaves to context or does not state is entered as a demo choice and said so in
the record's internal notes, which begin with "Demo data"."""

import datetime

from django.db import transaction

from hoptac.agreements.models import (
    Agreement,
    AgreementText,
    DatePrecision,
    ImplementationActivity,
    Signatory,
    StatusChange,
)
from hoptac.agreements.services import agreement_search_text
from hoptac.audit.services import record_create
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.partners.models import Partner
from hoptac.reference.models import Country
from hoptac.search.index import index_after_commit

SEED = "001_bf7ab5e4af0389bb.txt"
SEED_TITLE = "Vietnam, France boost cooperation in public services, administrative modernisation"

FRANCE_ADMIN_TITLE_EN = (
    "Administrative agreement between the Ministry of Home Affairs of Vietnam and the Ministry for Public "
    "Servants, Simplification and Transformation of Public Action of France on cooperation in public services "
    "and administrative modernisation, 2025-2028"
)
FRANCE_ADMIN_TITLE_VI = (
    "Thỏa thuận hành chính giữa Bộ Nội vụ Việt Nam và Bộ Công chức, Đơn giản hóa và Chuyển đổi hành động công "
    "Pháp về hợp tác trong lĩnh vực công vụ và hiện đại hóa hành chính giai đoạn 2025-2028"
)
# The priority areas, in the article's words.
PRIORITY_AREAS = [
    "Developing e-government and promoting digital transformation of the public administration",
    "Managing digital records and documents in public service activities",
    "Gender equality policies and equal and responsible access to career opportunities",
    "Sharing experiences and practices in organising local administrations tailored to urban, rural and island areas",
    "Training and further training for civil servants, especially local civil servants and those involved in "
    "strategic planning",
    "Advising on training policies for civil servants and public employees based on job positions",
    "Developing online training systems (e-learning) and distance learning",
    "Building legal frameworks and systems for public service ethics control",
]
FRANCE_ADMIN_FIELDS = [
    "digital-transformation",
    "archives",
    "gender-equality",
    "local-government",
    "civil-service",
    "public-ethics",
    "administrative-reform",
]

AFD_TITLE_EN = "Memorandum of Understanding on cooperation in railway, sea and inland waterway transport"
AFD_TITLE_VI = "Bản ghi nhớ về hợp tác trong lĩnh vực giao thông vận tải đường sắt, hàng hải và đường thủy nội địa"


def _unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).exclude(kind=Unit.Kind.PROVINCE).first()


def _france() -> Partner | None:
    return Partner.objects.filter(kind=Partner.Kind.COUNTRY, country_id="FR").order_by("pk").first()


def _french_ministry(france: Partner | None) -> Partner:
    """The French ministry for public service from the registry (reference key
    "org:fr-public-service"), or, if the registry lacks it, a partner created here."""
    found = (
        Partner.objects.filter(reference_key="org:fr-public-service").first()
        or Partner.objects.filter(name_en__startswith="Ministry for Public Servants").order_by("pk").first()
    )
    if found:
        return found
    partner = Partner(
        kind=Partner.Kind.FOREIGN_GOVERNMENT_BODY,
        name_en="Ministry for Public Servants, Simplification and Transformation of Public Action (France)",
        name_vi="Bộ Công chức, Đơn giản hóa và Chuyển đổi hành động công Pháp",
        country_id="FR",
        parent=france,
        notes=f"Demo data: created by the agreements demo from seed article {SEED} ({SEED_TITLE}).",
    )
    from hoptac.partners.services import partner_search_text

    partner.search_text = partner_search_text(partner)
    return record_create(partner, user=None)


def _transport_ministry() -> Unit:
    """The Vietnamese party of the AFD MoU. The demo units do not include it, so it is added here."""
    unit = _unit("BGTVT")
    if unit is None:
        unit = record_create(
            Unit(
                code="BGTVT",
                kind=Unit.Kind.MINISTRY,
                name_vi="Bộ Giao thông vận tải",
                name_en="Ministry of Transport",
                short_name="BGTVT",
            ),
            user=None,
        )
    return unit


def _seed_document():
    from hoptac.documents.models import Document

    return (
        Document.objects.filter(file_name=SEED).order_by("pk").first()
        or Document.objects.filter(title=SEED_TITLE).order_by("pk").first()
    )


def _link_seed_text(agreement: Agreement) -> None:
    document = _seed_document()
    if document and not agreement.texts.filter(document=document).exists():
        AgreementText.objects.create(agreement=agreement, title=f"{SEED_TITLE} (VNA)", language="en", document=document)


def _create(*, parties, vietnamese_parties, fields, signatories, status_date, **data) -> Agreement:
    agreement = Agreement(**data)
    agreement.search_text = agreement_search_text(agreement, parties, vietnamese_parties)
    agreement = record_create(
        agreement, user=None, m2m={"parties": parties, "vietnamese_parties": vietnamese_parties, "fields": fields}
    )
    for order, (side, name, title, unit, partner) in enumerate(signatories):
        Signatory.objects.create(
            agreement=agreement, side=side, name=name, title=title, unit=unit, partner=partner, order=order
        )
    StatusChange.objects.create(
        agreement=agreement,
        from_status="",
        to_status=agreement.status,
        date=status_date,
        note="Demo data: registered in this status from the seed article.",
    )
    return agreement


def _france_admin_agreement() -> None:
    existing = Agreement.objects.filter(
        title_en=FRANCE_ADMIN_TITLE_EN, kind=Agreement.Kind.ADMINISTRATIVE_AGREEMENT
    ).first()
    if existing:
        _link_seed_text(existing)
        return
    moha, department = _unit("BNV"), _unit("BNV-HTQT")
    france = _france()
    if moha is None or department is None:
        return
    ministry = _french_ministry(france)
    summary = (
        "The two ministries agree to carry out joint activities exchanging experiences and practices, with "
        "priority given to:\n" + "\n".join(f"- {area}" for area in PRIORITY_AREAS)
    )
    agreement = _create(
        kind=Agreement.Kind.ADMINISTRATIVE_AGREEMENT,
        level=Agreement.Level.MINISTRY,
        title_vi=FRANCE_ADMIN_TITLE_VI,
        title_en=FRANCE_ADMIN_TITLE_EN,
        owner_unit=department,
        signed_on=datetime.date(2024, 10, 4),
        signed_at_city="Paris",
        signed_at_country=Country.objects.filter(iso2="FR").first(),
        in_force_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        status=Agreement.Status.IN_FORCE,
        # The seed article is public (VNA): the agreement it reports is on the public portal.
        is_published=True,
        summary=summary,
        notes=(
            f"Source: seed article {SEED} (VNA, {SEED_TITLE}).\n"
            "Demo data: the year of signing (2024) is taken from the article's context (cooperation over "
            "2016-2024; State President To Lam's visit to France and the 19th Francophonie Summit, 3-7 October); "
            "the place from its 'Paris (VNA)' dateline. The dates in force (01/01/2025-31/12/2028) are read from "
            "'the 2025-2028 period'; the article gives no exact dates. The responsible unit (Department of "
            "International Cooperation) and the status 'in force' are demo choices."
        ),
        # France's page shows the ministry's agreements through the registry's parent link;
        # France itself is named only if the ministry is not filed under it.
        parties=[ministry] + ([france] if france and ministry.parent_id != france.pk else []),
        vietnamese_parties=[moha],
        fields=list(Field.objects.filter(code__in=FRANCE_ADMIN_FIELDS)),
        signatories=[
            (Signatory.Side.VIETNAMESE, "Pham Thi Thanh Tra", "Minister of Home Affairs", moha, None),
            (
                Signatory.Side.FOREIGN,
                "Guillaume Kasbarian",
                "Minister for Public Servants, Simplification and Transformation of Public Action",
                None,
                ministry,
            ),
        ],
        status_date=datetime.date(2025, 1, 1),
    )
    for area in PRIORITY_AREAS:
        record_create(
            ImplementationActivity(
                agreement=agreement,
                title=area,
                owner_unit=department,
                status=ImplementationActivity.Status.PLANNED,
                result="",
            ),
            user=None,
        )
    _link_seed_text(agreement)
    index_after_commit(agreement)


def _afd_transport_mou() -> None:
    existing = Agreement.objects.filter(title_en=AFD_TITLE_EN, kind=Agreement.Kind.MOU).first()
    if existing:
        _link_seed_text(existing)
        return
    afd = Partner.objects.filter(reference_key="org:afd").first() or Partner.objects.filter(acronym="AFD").first()
    if afd is None:
        return
    transport = _transport_ministry()
    agreement = _create(
        kind=Agreement.Kind.MOU,
        level=Agreement.Level.MINISTRY,
        title_vi=AFD_TITLE_VI,
        title_en=AFD_TITLE_EN,
        owner_unit=transport,
        signed_on=datetime.date(2024, 10, 1),
        signed_on_precision=DatePrecision.MONTH,
        status=Agreement.Status.SIGNED,
        summary="Vietnam and France will promote collaboration in railway, sea and inland waterway transport.",
        notes=(
            f"Source: seed article {SEED} (VNA, {SEED_TITLE}), which says the MoU was 'recently signed'.\n"
            "Demo data: the month (October 2024) is the article's; the day, the place, the dates in force and "
            "the status 'signed' are not stated and were not entered or are demo choices."
        ),
        parties=[afd],
        vietnamese_parties=[transport],
        fields=list(Field.objects.filter(code="transport")),
        signatories=[
            (Signatory.Side.VIETNAMESE, "Nguyen Van Thang", "Minister of Transport", transport, None),
            (Signatory.Side.FOREIGN, "Phillipe Orliange", "Director of the French Development Agency (AFD)", None, afd),
        ],
        status_date=datetime.date(2024, 10, 1),
    )
    _link_seed_text(agreement)
    index_after_commit(agreement)


def load_demo() -> None:
    with transaction.atomic():
        _france_admin_agreement()
        _afd_transport_mou()
