"""Demo action programme from seed 003 (src/hoptac/reference/data/seeds/003_10264babc952464c.txt):
the Government's Resolution 153/NQ-CP of 31/05/2025, its action programme implementing the
Politburo's Resolution 59-NQ/TW of 24/01/2025 on international integration, with the tasks the
article states, grouped by field. Created by `hoptac demo`; idempotent (a programme is found by its
document number, a task by its programme and code, a demo report by its task and note).

What the seed states: the document numbers, dates and issuers, the titles, the task texts and
their fields, and the products some tasks name (a strategy, a project, a plan, a set of criteria).
What it does not state, and is therefore marked "Demo data" in the notes: the task codes, the lead
and coordinating units (assigned to the ministries that plausibly lead each field), deadlines,
statuses, reporting cycles and progress reports. Deadlines and report dates are set relative to
the day the demo is loaded, so that the pages always show tasks on time, due soon and overdue;
running the demo again moves them to the new day."""

import datetime

from django.utils import timezone

from hoptac.audit.services import record_create, record_update
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.programmes.deadlines import occurrences
from hoptac.programmes.models import Programme, ProgressReport, ReportingCycle, Task

SOURCE_URL = (
    "https://bvhttdl.gov.vn/mo-rong-da-dang-hoa-va-lam-sau-sac-cac-co-che-hop-tac-quoc-te-tren-cac-linh-vuc-"
    "van-hoa-thong-tin-xa-hoi-du-lich-the-thao-20250604083829072.htm"
)
DEMO_NOTE = (
    "Demo data: the code, lead and coordinating units, deadline, status and progress are invented for the "
    "demonstration (deadlines relative to the day the demo was loaded); the task text and field are from "
    "seed 003 (bvhttdl.gov.vn, 04/06/2025)."
)

PROGRAMME = {
    "document_number": "153/NQ-CP",
    "title": (
        "Chương trình hành động của Chính phủ thực hiện Nghị quyết số 59-NQ/TW ngày 24/01/2025 của Bộ Chính trị "
        "về hội nhập quốc tế trong tình hình mới"
    ),
    "title_en": (
        "The Government's Action Program to implement Resolution No. 59-NQ/TW dated January 24, 2025 of the "
        "Politburo on International Integration in the New Situation"
    ),
    "document_date": datetime.date(2025, 5, 31),
    "issuer": "Chính phủ",
    "implements_number": "59-NQ/TW",
    "implements_date": datetime.date(2025, 1, 24),
    "implements_issuer": "Bộ Chính trị",
    "implements_title": "Về hội nhập quốc tế trong tình hình mới (On International Integration in the New Situation)",
    "summary": (
        'One of the stated tasks is: "Promoting international integration in culture, society, tourism, '
        'environment, education - training, health and other fields". Ministries, ministerial-level agencies, '
        "government agencies, People's Committees of provinces and centrally run cities need to specify and "
        "organize the implementation of many tasks."
    ),
    "source_url": SOURCE_URL,
    "notes": (
        "From seed 003 (Ministry of Culture, Sports and Tourism, 04/06/2025). Demo data: the reporting cycles, "
        "and every task's code, units, deadline and progress, are invented for the demonstration."
    ),
}

# (code, field, lead, coordinating, title, product, deadline, status, reports)
# deadline: ("date", days from today) | ("yearly", days from today to this year's day) | ("none",)
#   | ("regular",): a report for every past round | ("regular", "skip-last"): the latest round missed
# status: "" (from reports), "completed" with (deadline days, completed days), "late" likewise
# reports: (days from today, percent, milestone, narrative, difficulties, review status)
TASKS = [
    # Labour and society
    ("1.1", "labour-employment", "BNV", ["BNG"],
     "Focus on implementing international treaties and agreements in the field of labor in conjunction with "
     "ensuring the goal of improving the quality of life and working conditions of workers, focusing on markets "
     "with high incomes, high and advanced labor standards.",
     "", ("regular",), "", [(-12, 50, "", "Six-monthly review of labour treaties under way.", "", "accepted")]),
    ("1.2", "labour-employment", "BNV", ["BNG", "BTC"],
     "Continue to effectively implement the Strategy for international integration on labor and society until "
     "2020, with a vision to 2030. In the field of labor and society, implement signed international conventions, "
     "agreements, and treaties, join and propose to join, sign, and participate in new conventions, agreements, "
     "and treaties, focusing on improving the quality of life and conditions of workers and focusing on markets "
     "with high incomes, high and advanced labor standards.",
     "", ("yearly", 12), "", [(-400, 40, "", "Yearly report on the Strategy sent.", "", "accepted")]),
    ("1.3", "overseas-labour", "BNV", ["BNG", "BCA"],
     "Complete and improve the effectiveness of implementing mechanisms and policies to ensure the legitimate "
     "rights and interests of Vietnamese citizens abroad; promote the application of technology and digital "
     "technology in the management of Vietnamese workers abroad and the protection of citizens. Enhance "
     "information exchange, learn from international experiences in the management of workers' organizations "
     "and apply them appropriately to the development situation of the country.",
     "", ("date", -45), "", [(-90, 60, "Draft database of workers abroad", "Data from recruitment agencies "
                                 "is being connected.", "Agencies report late and in different formats.", "accepted")]),
    ("1.4", "vocational-training", "BGDDT", ["BNV"],
     "Effectively deploy mechanisms and policies to create breakthroughs in training and developing high-quality "
     "human resources domestically to ensure the sustainability of development and international integration; "
     "improve lifelong learning skills, capacity and productivity of the Vietnamese workforce.",
     "", ("date", 200), "", [(-30, 25, "", "Survey of training institutions started.", "", "submitted")]),
    # Culture
    ("2.1", "culture", "BVHTTDL", ["BNG"],
     "Effectively implement tasks on international cultural integration and cooperation within the framework of "
     "the National Target Program on Cultural Development for the 2025-2035 period, focusing on promoting the role "
     "of Vietnamese cultural centers abroad.",
     "", ("regular",), "", [(-10, None, "Cultural centres' work plans approved", "Work plans of the cultural "
                                  "centres abroad for next year approved.", "", "accepted")]),
    ("2.2", "culture", "BVHTTDL", ["BTC"],
     "Mobilize international partners and organizations to share experiences, transfer knowledge, skills and "
     "provide financial support for our country to develop cultural and content industries. Develop and "
     "effectively implement mechanisms and policies to support Vietnamese enterprises, organizations and "
     "individuals in developing cultural products and brands with quality and global competitiveness. Complete "
     "and implement mechanisms and policies to monitor, manage and prevent the infiltration of unhealthy cultural "
     "products; control and respond promptly and effectively to misleading and false information products, "
     "ensuring national security, information security, human security and cultural security.",
     "", ("date", -10), "", []),
    ("2.3", "culture", "BVHTTDL", ["BNG"],
     "Host major international events on culture, sports and tourism at regional and international levels, in "
     "conjunction with high-level multilateral foreign affairs activities that Vietnam will host from now until "
     "2030. Develop a strategy to promote Vietnamese culture abroad. Develop a plan/roadmap to participate in "
     "major international events on culture, sports and tourism, striving to create a mark and high achievements "
     "in these activities.",
     "A strategy to promote Vietnamese culture abroad; a plan/roadmap to participate in major international events",
     ("date", -20), ("completed", -30), [(-30, 100, "Strategy submitted", "Strategy and roadmap submitted.", "",
                                          "accepted")]),
    ("2.4", "culture", "BVHTTDL", ["BGDDT"],
     "Actively mobilize international resources and knowledge to build, perfect and deploy institutions, policies "
     "and solutions to promote digital transformation, apply digital technology to cultural fields and activities, "
     "develop digital culture and digital cultural industries; effectively implement the Program to digitize "
     "Vietnamese Cultural Heritage for the period 2021 - 2030; build and deploy a mechanism to protect digital "
     "copyright for cultural products; perfect technical standards and regulations on building digital cultural "
     "heritage and the digital cultural ecosystem.",
     "", ("date", 20), "", [(-45, 70, "", "Technical standards drafted.", "", "accepted")]),
    # Tourism
    ("3.1", "tourism", "BVHTTDL", ["BNG"],
     "Review the effectiveness of the implementation of agreements, treaties and cooperation mechanisms that have "
     "been established in the tourism sector; propose to sign and participate in new agreements and cooperation "
     "agreements, focusing on potential markets with large sources of visitors, high spending and long-term stays. "
     "Develop and implement mechanisms and policies to support businesses and localities in developing "
     "high-quality tourism services and products; attract technical assistance, investment and training of "
     "high-quality human resources in tourism. Participate in tourism cooperation and linkage initiatives in the "
     "ASEAN sub-region and region, and proactively propose new cooperation initiatives to promote Vietnam's "
     "tourism strengths.",
     "", ("date", -60), ("late", -40), [(-40, 100, "Review completed", "Review of tourism agreements completed.",
                                         "", "accepted")]),
    # Agriculture
    ("4.1", "agriculture", "BNNMT", ["BNG"],
     "Develop and effectively implement the Project on orientation for South-South cooperation development in the "
     "field of agriculture and rural areas.",
     "A project (Đề án)", ("date", 90), "", [(-20, 30, "", "Drafting team set up; outline approved.", "",
                                               "accepted")]),
    ("4.2", "agriculture", "BNNMT", ["BTC"],
     "Develop and effectively implement the Project on orientation for attracting and managing foreign direct "
     "investment in the field of agriculture and rural areas.",
     "A project (Đề án)", ("date", 25), "", [(-25, 80, "", "Draft project circulated for comments.", "",
                                               "submitted")]),
    ("4.3", "finance-oda", "BNNMT", ["BTC"],
     "Develop and effectively implement the Project on orientation for attracting, managing and using ODA capital "
     "and other preferential loans from foreign donors and non-governmental aid under the state management "
     "authority of the Ministry of Agriculture and Environment.",
     "A project (Đề án)", ("date", -75), "", [(-100, 40, "", "Donor consultations held.",
                                                "Waiting for the new ODA decree's guidance.", "accepted")]),
    ("4.4", "agriculture", "BNNMT", [],
     "Continue to effectively implement the Project on promoting agricultural, forestry and fishery exports until "
     "2030 and propose visions and solutions for the following years. Effectively implement committed projects "
     "from now until 2025 and the next phase with organizations and international partners in the field of "
     "agriculture and rural areas.",
     "", ("regular", "skip-last"), "", []),
    ("4.5", "disaster-risk-reduction", "BNNMT", ["BNG"],
     "Research and propose signing and participating in new international cooperation initiatives and mechanisms "
     "in the field of infrastructure development for natural disaster prevention and control, sustainable forest "
     "protection and development, etc.",
     "", ("none",), "", []),
    # Environment
    ("5.1", "climate-change", "BNNMT", ["BNG", "BTC"],
     "Mobilize international partners to support resources and knowledge in the effective and sustainable "
     "management and use of resources, ensuring environmental security, water security, food security, and "
     "adaptation to climate change. Urgently remove and overcome bottlenecks in mechanisms and policies in "
     "implementing projects related to natural resource exploitation, energy conversion, clean energy development, "
     "and climate change, in conjunction with protecting national interests and security. Effectively implement "
     "international commitments and make responsible contributions to international efforts to respond to climate "
     "change, biodiversity loss, and environmental pollution.",
     "", ("date", 400), "", [(-15, 20, "", "Inventory of international commitments made.", "", "accepted")]),
    # ODA and aid
    ("6.1", "finance-oda", "BTC", ["BNG"],
     "Actively and proactively mobilize technical and financial support in a focused and key manner to serve the "
     "implementation of international cooperation and international integration tasks that have not been "
     "allocated enough funding.",
     "", ("regular",), "", [(-10, None, "List of unfunded tasks compiled", "Unfunded tasks listed for donors.",
                             "", "accepted")]),
    ("6.2", "finance-oda", "BTC", ["BNV", "BNNMT"],
     "Urgently amend and perfect laws and policies related to the reception and management of aid, ensuring the "
     "effectiveness of receiving, using and managing international funding sources, including ODA.",
     "", ("date", -15), "", [(-40, 80, "Draft submitted for appraisal", "Draft submitted for appraisal.",
                              "Comments from ministries still awaited.", "returned")]),
    # Education and training
    ("7.1", "education", "BGDDT", [],
     "Develop a set of criteria for assessing the quality of education and training based on the criteria of "
     "international and regional organizations.",
     "A set of criteria for assessing the quality of education and training", ("date", 150), "",
     [(-60, 35, "", "Criteria of international organisations compared.", "", "accepted")]),
    ("7.2", "education", "BGDDT", ["BNG"],
     "Form mechanisms and policies to support domestic universities and research institutes to cooperate and "
     "associate with high-quality international education and training institutions, invest in opening "
     "representative offices or branches abroad, especially in the fields of science and technology.",
     "", ("date", 10), "", []),
    ("7.3", "education", "BGDDT", ["BNV"],
     "Review and improve the effectiveness of implementing new agreements and cooperation agreements on mutual "
     "recognition of diplomas, certificates, training programs and vocational skills between Vietnam and other "
     "countries.",
     "", ("date", -5), ("completed", -8), [(-8, 100, "Review report", "Review of mutual recognition agreements "
                                              "completed.", "", "accepted")]),
    ("7.4", "education", "BGDDT", ["BNG"],
     "Study the possibility of negotiating and signing new agreements and cooperation agreements on mutual "
     "recognition of diplomas, certificates, training programs and vocational skills with other countries.",
     "", ("none",), "", []),
    # Health
    ("8.1", "health", "BYT", ["BNNMT"],
     "Develop and implement an international cooperation project on research, application of science and "
     "technology, human resource training, medical examination and treatment management, preventive medicine, "
     "environmental management and medical equipment.",
     "An international cooperation project", ("date", -120), "", []),
    ("8.2", "health", "BYT", ["BNG"],
     "Sign, participate in and implement cooperation agreements and treaties with international organizations and "
     "large international pharmaceutical corporations on copyright and technology sharing to bring the "
     "pharmaceutical industry into global value chains.",
     "", ("date", 60), "", [(-14, 15, "", "Talks opened with two corporations.", "", "submitted")]),
    ("8.3", "health", "BYT", [],
     "Develop and implement a project to develop a number of specialized medical centers in areas where our "
     "country has strengths, on par with international standards.",
     "A project", ("date", 300), "", []),
    # Ethnic and religious affairs
    ("9.1", "ethnic-affairs", "BDTTG", [],
     "Promote international cooperation and integration in the field of ethnic and religious affairs, "
     "contributing to strengthening the great national unity bloc and consolidating national security and "
     "defense.",
     "", ("none",), "", []),
    # Foreign information
    ("10.1", "foreign-information", "BNG", ["BVHTTDL"],
     "Effectively implement Conclusion No. 57-KL/TW dated June 15, 2023 of the Politburo on continuing to improve "
     "the quality and effectiveness of foreign information work in the new situation.",
     "", ("regular",), "", [(-10, None, "Six-monthly foreign information report", "Foreign information work "
                                  "reviewed.", "", "submitted")]),
    ("10.2", "foreign-information", "BNG", ["BVHTTDL"],
     "Develop a plan to promote the application of digital platforms in implementing foreign information work and "
     "digital diplomacy.",
     "A plan", ("date", -3), "", [(-50, 90, "", "Plan drafted, consultation closing.", "", "accepted")]),
    ("10.3", "foreign-information", "BNG", [],
     "Participate and proactively contribute to international cooperation frameworks on information and "
     "communication.",
     "", ("none",), "", []),
    ("10.4", "digital-transformation", "BNG", ["BCA"],
     "Develop and implement mechanisms to promote connection, sharing and exploitation of data, ensuring network "
     "safety and security.",
     "", ("date", 28), "", []),
]  # fmt: skip

CONTRIBUTIONS = [
    # (task code, unit, days from today, narrative)
    ("1.3", "BNG", -70, "Consular data on Vietnamese workers in three host countries shared."),
    ("2.1", "BNG", -12, "Embassies' comments on the cultural centres' plans sent."),
]


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    return Unit.objects.filter(code=code).exclude(kind=Unit.Kind.PROVINCE).first()


def _programme() -> Programme:
    programme = Programme.objects.filter(document_number=PROGRAMME["document_number"]).first()
    if programme is None:
        programme = record_create(Programme(owner_unit=_unit("BNV-HTQT"), **PROGRAMME), user=None)
    return programme


def _cycles(programme: Programme) -> ReportingCycle:
    note = "Demo data: a reporting cycle for the demonstration, not stated by the seed."
    six, _ = ReportingCycle.objects.get_or_create(
        programme=programme,
        frequency=ReportingCycle.Frequency.SIX_MONTHLY,
        defaults={"due_day": 15, "due_month_offset": 0, "remind_days_after": [1, 7], "basis": note},
    )
    ReportingCycle.objects.get_or_create(
        programme=programme,
        frequency=ReportingCycle.Frequency.YEARLY,
        defaults={"due_day": 15, "due_month_offset": 1, "remind_days_after": [1, 7, 14], "basis": note},
    )
    return six


def _deadline(spec: tuple, today: datetime.date) -> dict:
    kind = spec[0]
    if kind == "date":
        return {"deadline_kind": "date", "deadline": today + datetime.timedelta(days=spec[1])}
    if kind == "yearly":
        day = today + datetime.timedelta(days=spec[1])
        return {"deadline_kind": "yearly", "deadline_month": day.month, "deadline_day": day.day}
    return {"deadline_kind": kind}


def load_demo(today: datetime.date | None = None) -> Programme:
    today = today or timezone.localdate()
    programme = _programme()
    _cycles(programme)
    fields = {f.code: f for f in Field.objects.filter(code__in={t[1] for t in TASKS})}
    tasks = {}
    for position, (code, field_code, lead, coordinating, title, product, deadline, status, reports) in enumerate(
        TASKS, start=1
    ):
        values = {
            "position": position,
            "title": title,
            "field": fields.get(field_code),
            "lead_unit": _unit(lead),
            "expected_product": product,
            "notes": DEMO_NOTE,
            "deadline": None,
            "deadline_month": None,
            "deadline_day": None,
            "status": Task.Status.NOT_STARTED,
            "completed_on": None,
            **_deadline(deadline, today),
        }
        if status:
            closed, days = status
            values["completed_on"] = today + datetime.timedelta(days=days)
            values["status"] = Task.Status.COMPLETED if closed == "completed" else Task.Status.COMPLETED_LATE
        elif reports:
            values["status"] = Task.Status.IN_PROGRESS
        units = [u for u in (_unit(c) for c in coordinating) if u]
        task = Task.objects.filter(programme=programme, code=code).first()
        if task is None:
            task = record_create(
                Task(programme=programme, code=code, **values), user=None, m2m={"coordinating_units": units}
            )
        else:
            changes = {k: v for k, v in values.items() if getattr(task, k) != v}
            if changes:
                task = record_update(task, user=None, expected_version=None, changes=changes)
            task.coordinating_units.set(units)
        tasks[code] = task
        for n, (days, percent, milestone, narrative, difficulties, review) in enumerate(reports, start=1):
            day = today + datetime.timedelta(days=days)
            done = bool(status) and percent == 100
            _report(task, task.lead_unit, n, "report", day, percent, milestone, narrative, difficulties, review, done)
        if deadline[0] == "regular":
            _round_reports(task, today, skip_last=len(deadline) > 1)
    for n, (code, unit_code, days, narrative) in enumerate(CONTRIBUTIONS, start=1):
        day = today + datetime.timedelta(days=days)
        _report(
            tasks[code], _unit(unit_code), 100 + n, "contribution", day, None, "Contribution", narrative, "", "accepted"
        )
    programme.fields.set({t.field for t in tasks.values() if t.field})
    _index(programme, tasks.values())
    return programme


def _round_reports(task, today: datetime.date, *, skip_last: bool) -> None:
    """A report five days before each past round of a regular task, so that it is late only when meant."""
    start = task.programme.document_date
    days = [d for d in occurrences(task, start, today - datetime.timedelta(days=1)) if d >= start]
    if skip_last:
        days = days[:-1]
    for d in days:
        narrative = f"Report for the round due {d:%d/%m/%Y}."
        _report(task, task.lead_unit, 1000 + d.toordinal(), "report", d - datetime.timedelta(days=5), None,
                "Round report", narrative, "", "accepted")  # fmt: skip


def _report(task, unit, n, kind, day, percent, milestone, narrative, difficulties, review, completes=False) -> None:
    if unit is None:
        return
    note = f"Demo data #{n}: an invented report for the demonstration."
    values = {
        "kind": kind,
        "unit": unit,
        "reported_on": day,
        "percent": percent,
        "milestone": milestone,
        "narrative": narrative,
        "difficulties": difficulties,
        "completes_task": completes,
        "status": review,
        "review_comment": "Please add the appraisal agency's comments." if review == "returned" else "",
    }
    report = ProgressReport.objects.filter(task=task, notes=note).first()
    if report is None:
        record_create(ProgressReport(task=task, notes=note, **values), user=None)
    else:
        changes = {k: v for k, v in values.items() if getattr(report, k) != v}
        if changes:
            record_update(report, user=None, expected_version=None, changes=changes)


def _index(programme, tasks) -> None:
    from hoptac.search.index import index_after_commit

    index_after_commit(programme)
    for task in tasks:
        index_after_commit(task)
