"""Demo events and delegations from the seed articles (src/hoptac/reference/data/seeds/),
created by `hoptac demo`. Idempotent: each record is found by its natural key (kind or
direction, start date, English title) and left alone if it exists.

Only what the seeds state is entered; where a field needs a value the seeds do not give
(a status, a year the article leaves to context, a funding source) the record's notes say so,
beginning with "Demo data".

Not created: the "intensive training and development courses in Japan, France, and Australia"
(seed 000) — the article dates them only as "in 2025", so there are no dates to enter."""

import datetime

from django.db import transaction

from hoptac.activities import services
from hoptac.activities.models import Delegation, Event
from hoptac.audit.services import record_create
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.partners.models import Partner
from hoptac.reference.models import Country

POLICY_DIALOGUE_URL = (
    "https://baochinhphu.vn/doi-thoai-chinh-sach-thuc-day-hop-tac-quoc-te-trong-linh-vuc-noi-vu-102251127112349168.htm"
)


def _unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).exclude(kind=Unit.Kind.PROVINCE).first()


def _partner(acronym: str = "", name_en: str = "") -> Partner | None:
    queryset = Partner.objects.all()
    if acronym:
        return queryset.filter(acronym=acronym).order_by("pk").first()
    return queryset.filter(name_en__startswith=name_en).order_by("pk").first()


def _documents(url_part: str) -> list:
    from hoptac.documents.models import Document

    return list(Document.objects.filter(source_url__contains=url_part))


def _policy_dialogue() -> None:
    key = {"kind": Event.Kind.POLICY_DIALOGUE, "start_date": datetime.date(2025, 11, 27)}
    title_en = "Policy dialogue between the Ministry of Home Affairs and international partners"
    if Event.objects.filter(title_en=title_en, **key).exists():
        return
    organiser = _unit("BNV")
    if organiser is None:
        return
    event = Event(
        **key,
        end_date=key["start_date"],
        title_en=title_en,
        title_vi="Đối thoại chính sách giữa Bộ Nội vụ và các đối tác quốc tế",
        city="Hà Nội",
        country=Country.objects.filter(iso2="VN").first(),
        organiser_unit=organiser,
        status=Event.Status.HELD,
        is_published=True,  # reported in a public Government news article
        agenda=(
            "Opening speech: Deputy Minister of Home Affairs Vu Chien Thang.\n"
            "Department of Organisation and Personnel: the new structure, functions and tasks of the Ministry "
            "of Home Affairs after the merger.\n"
            "Department of International Cooperation: overview of the Ministry's integration and international "
            "cooperation (Ms Ha Thi Minh Duc, Deputy Director).\n"
            "ILO, IOM, UNDP and UN Women: new international trends in public human resource management, "
            "administrative reform, labour market development and promoting gender equality."
        ),
        outcome_summary=(
            "Partners proposed expanding cooperation, aiming at developing high-quality human resources, "
            "strengthening institutional capacity and supporting Vietnam to participate more deeply in global "
            "initiatives. The Ministry proposed strengthening multilateral cooperation with the United Nations and "
            "ASEAN, bilateral cooperation through technical projects and new memorandums of understanding, and "
            "maintaining policy dialogue mechanisms with international partners."
        ),
        notes=(
            "Source: " + POLICY_DIALOGUE_URL + "\n"
            "Demo data: the status 'held' follows from the article; the number of people each organisation "
            "sent, the approval and whether a post-event report was filed are not stated."
        ),
    )
    with transaction.atomic():
        event = record_create(event, user=None)
        event.fields.set(
            Field.objects.filter(code__in=["civil-service", "administrative-reform", "employment", "gender-equality"])
        )
        event.documents.set(_documents("doi-thoai-chinh-sach-thuc-day-hop-tac-quoc-te"))
        participants = [
            services.Participant(p)
            for p in (_partner("ILO"), _partner("IOM"), _partner("UNDP"), _partner("UN Women"))
            if p is not None
        ]
        services._after_event_write(event, participants=participants, follow_ups=[])


def _mfa_workshop() -> None:
    key = {"kind": Event.Kind.WORKSHOP, "start_date": datetime.date(2025, 8, 14)}
    title_en = (
        "Building a National Assembly Resolution on a number of special mechanisms and policies to implement "
        "international integration"
    )
    if Event.objects.filter(title_en=title_en, **key).exists():
        return
    organiser = _unit("BNG")
    if organiser is None:
        return
    event = Event(
        **key,
        end_date=key["start_date"],
        title_en=title_en,
        title_vi=(
            "Xây dựng Nghị quyết của Quốc hội về một số cơ chế, chính sách đặc biệt để thực hiện hội nhập quốc tế"
        ),
        venue="Trụ sở Bộ Ngoại giao (Ministry of Foreign Affairs headquarters)",
        country=Country.objects.filter(iso2="VN").first(),
        organiser_unit=organiser,
        status=Event.Status.HELD,
        agenda=(
            "Chaired by Standing Deputy Minister of Foreign Affairs Nguyen Minh Vu; two discussion sessions with "
            "former leaders of the Ministry of Foreign Affairs, ambassadors, research institutes, central ministries "
            "and agencies, experts and scholars."
        ),
        outcome_summary=(
            "Participants identified bottlenecks and proposed mechanisms, policies and solutions for international "
            "integration, as reference for the Ministry of Foreign Affairs' drafting team of the Resolution."
        ),
        notes=(
            "Source: seed article 'Building mechanisms, policies for synchronous and comprehensive international "
            "integration: Workshop' (WVR).\n"
            "Demo data: the article gives the day (14 August) without the year; 2025 is taken from its context "
            "(Resolution 59 of January 2025). The city is not stated."
        ),
    )
    with transaction.atomic():
        event = record_create(event, user=None)
        services._after_event_write(event, participants=[], follow_ups=[])


def _visit_to_france() -> None:
    key = {"direction": Delegation.Direction.OUTGOING, "start_date": datetime.date(2024, 10, 3)}
    title_en = "Accompanying the State President's visit to France and the 19th Francophonie Summit"
    existing = Delegation.objects.filter(title_en=title_en, **key).first()
    if existing is not None:
        link_agreements(existing)  # the agreements demo may have run after this one
        return
    owner = _unit("BNV")
    france = Country.objects.filter(iso2="FR").first()
    if owner is None or france is None:
        return
    delegation = Delegation(
        **key,
        end_date=datetime.date(2024, 10, 7),
        title_en=title_en,
        title_vi=(
            "Tháp tùng Tổng Bí thư, Chủ tịch nước thăm chính thức Pháp và dự Hội nghị thượng đỉnh Pháp ngữ lần thứ 19"
        ),
        leader_name="Phạm Thị Thanh Trà",
        leader_title="Bộ trưởng Bộ Nội vụ (Minister of Home Affairs)",
        purpose=(
            "Ministry of Home Affairs delegation on the occasion of General Secretary and State President To Lam's "
            "trip to attend the 19th Francophonie Summit and his official visit to France (3-7 October). "
            "Meeting with the French Minister for Public Servants, Simplification and Transformation of Public "
            "Action, Guillaume Kasbarian, on 4 October."
        ),
        outcomes=(
            "The two ministers signed an administrative agreement between the two ministries on cooperation in "
            "public services and administrative modernisation in the 2025-2028 period. Minister Tra invited "
            "Minister Kasbarian to visit Vietnam and work with the Ministry of Home Affairs."
        ),
        owner_unit=owner,
        status=Delegation.Status.RETURNED,
        notes=(
            "Source: VNA, 'Vietnam, France boost cooperation in public services, administrative modernisation'.\n"
            "Demo data: the article gives 3-7 October without the year (2024: the 19th Francophonie Summit). "
            "The funding source, cost, approval decision, other members and whether a post-trip report was filed "
            "are not stated; the funding source shown is the form's default."
        ),
    )
    legs = [services.Leg(france, datetime.date(2024, 10, 3), datetime.date(2024, 10, 7), "Paris")]
    members = [services.Member("Phạm Thị Thanh Trà", "Bộ trưởng Bộ Nội vụ", owner)]
    with transaction.atomic():
        delegation = record_create(delegation, user=None)
        met = [
            p
            for p in (
                Partner.objects.filter(kind=Partner.Kind.COUNTRY, country_id="FR").first(),
                _partner(name_en="Ministry for Public Servants, Simplification"),
            )
            if p is not None
        ]
        delegation.partners_met.set(met)
        link_agreements(delegation)
        services._after_delegation_write(delegation, members=members, legs=legs)


def link_agreements(delegation: Delegation) -> None:
    """The administrative agreement signed in Paris on 4 October 2024, once the agreements demo made it."""
    from hoptac.agreements.models import Agreement

    signed = Agreement.objects.filter(
        kind=Agreement.Kind.ADMINISTRATIVE_AGREEMENT, signed_on=datetime.date(2024, 10, 4)
    )
    delegation.agreements.add(*signed)


def load_demo() -> None:
    _policy_dialogue()
    _mfa_workshop()
    _visit_to_france()
