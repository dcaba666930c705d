import datetime

import pytest

from hoptac.aid.models import Project, TransactionType
from hoptac.aid.tests.factories import add_tx, make_project
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


def test_list_filters_totals_and_exports(logged_in, editor, django_assert_max_num_queries):
    ilo = Partner.objects.filter(acronym="ILO").first()
    a = make_project(editor, organisations=[{"role": "1", "partner": ilo}])
    add_tx(editor, a, TransactionType.COMMITMENT, "1000")
    add_tx(editor, a, TransactionType.DISBURSEMENT, "400")
    for i in range(5):
        make_project(editor, code=f"X-{i}", title_vi=f"Zeta {i}", kind="oda_loan")
    client = logged_in(editor)
    with django_assert_max_num_queries(20):
        r = client.get("/projects/")
    assert r.status_code == 200 and "6 projects" in r.content.decode() or "6 dự án" in r.content.decode()
    r = client.get("/projects/", {"donor": ilo.pk})
    body = r.content.decode()
    assert "Dự án thử" in body and "Zeta" not in body and "40,0%" in body
    r = client.get("/projects/", {"kind": "oda_loan", "export": "csv"})
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 6
    r = client.get("/projects/", {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_detail_tabs_show_disbursement_rate(logged_in, editor):
    p = make_project(editor)
    add_tx(editor, p, TransactionType.COMMITMENT, "1000")
    add_tx(editor, p, TransactionType.DISBURSEMENT, "250")
    client = logged_in(editor)
    body = client.get(p.get_absolute_url()).content.decode()
    assert 'data-testid="disbursement-rate">25,0%' in body
    for tab in ("transactions", "results", "history"):
        assert client.get(p.get_absolute_url(), {"tab": tab}).status_code == 200


@pytest.mark.usefixtures("english_messages")
def test_create_edit_with_conflict_and_bad_shares(logged_in, editor):
    client = logged_in(editor)
    data = {
        "title_vi": "Dự án mới",
        "kind": "oda_grant",
        "status": "pipeline",
        "planned_start": "2025-01-01",
        "sectors_text": "15110 60\n16020 30",
    }
    r = client.post("/projects/new/", data)
    assert r.status_code == 200 and "sum to 90" in r.content.decode()
    data["sectors_text"] = "15110 60\n16020 40"
    r = client.post("/projects/new/", data)
    assert r.status_code == 302
    project = Project.objects.get(title_vi="Dự án mới")
    assert project.sectors.count() == 2
    edit = {**data, "version": 1, "title_vi": "Đổi tên"}
    assert client.post(f"/projects/{project.pk}/edit/", edit).status_code == 302
    r = client.post(f"/projects/{project.pk}/edit/", {**edit, "title_vi": "Lần nữa"})
    assert r.status_code == 200 and 'data-testid="conflict"' in r.content.decode()
    r = client.post(
        f"/projects/{project.pk}/transactions/new/",
        {"type_code": "2", "date": "2025-02-03", "value": "1500.50", "currency": "eur"},
    )
    assert r.status_code == 302
    tx = project.transactions.get()
    assert tx.currency == "EUR" and tx.value_date == datetime.date(2025, 2, 3) and tx.value_vnd


def test_contributor_of_another_unit_cannot_open(logged_in, contributor, contributor_b):
    p = make_project(contributor)
    r = logged_in(contributor_b).get(p.get_absolute_url())
    assert r.status_code in (403, 404)
    assert logged_in(contributor_b).get(f"/projects/{p.pk}/edit/").status_code in (403, 404)


def test_timeline_and_search_entry(editor):
    from hoptac.aid.search_index import describe_project
    from hoptac.aid.timeline import timeline_entries

    ilo = Partner.objects.filter(acronym="ILO").first()
    p = make_project(editor, organisations=[{"role": "1", "partner": ilo}])
    entries = timeline_entries({ilo.pk}, editor)
    assert [(e.kind, e.url, e.date) for e in entries] == [("project", p.get_absolute_url(), datetime.date(2024, 1, 1))]
    indexed = describe_project(p)
    assert indexed.partner_ids == [ilo.pk] and indexed.year == 2024 and "Test project" in indexed.text


def test_search_entry_from_the_index_queryset_needs_no_queries(editor, django_assert_num_queries):
    from hoptac.aid.search_index import describe_project
    from hoptac.fields.models import Field
    from hoptac.search.registry import entry_for_model

    ilo = Partner.objects.filter(acronym="ILO").first()
    field = Field.objects.first()
    p = make_project(
        editor,
        organisations=[{"role": "1", "partner": ilo}, {"role": "4", "name": "Bộ Nội vụ"}],
        fields=[{"field": field, "percentage": "100"}],
    )
    (prefetched,) = entry_for_model(Project).queryset().filter(pk=p.pk)
    with django_assert_num_queries(0):
        indexed = describe_project(prefetched)
    assert indexed == describe_project(Project.objects.get(pk=p.pk))
    assert indexed.partner_ids == [ilo.pk] and indexed.field_ids == [field.pk] and "Bộ Nội vụ" in indexed.text


def test_list_filters_by_the_unit_that_owns_or_implements(logged_in, admin_user, unit_a, unit_b):
    make_project(admin_user, code="OWN", title_vi="Của đơn vị A", owner_unit=unit_a)
    make_project(admin_user, code="IMP", title_vi="Đơn vị A thực hiện", owner_unit=unit_b, implementing_units=[unit_a])
    make_project(admin_user, code="OTHER", title_vi="Chỉ đơn vị B", owner_unit=unit_b)
    client = logged_in(admin_user)
    listed = client.get("/projects/", {"unit": unit_a.pk}).context["projects"]
    assert sorted(p.code for p in listed) == ["IMP", "OWN"]
    assert sorted(p.code for p in client.get("/projects/", {"unit": unit_b.pk}).context["projects"]) == ["IMP", "OTHER"]
    assert client.get("/api/v1/projects", {"unit": unit_a.pk}).json()["count"] == 2


def test_history_tab_lists_the_projects_transactions(logged_in, editor):
    p = make_project(editor)
    add_tx(editor, p, TransactionType.DISBURSEMENT, "250")
    page = logged_in(editor).get(p.get_absolute_url(), {"tab": "history"}).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "Giao dịch: Giải ngân 15/03/2024 250.00 USD" in history


@pytest.mark.usefixtures("english_messages")
@pytest.mark.parametrize(
    "sectors, message",
    [
        ("15110 10000\n16020 -9900", "between 0 and 100"),
        ("15110 NaN", "between 0 and 100"),
        ("15110 50\n15110 50", "given twice"),
    ],
)
def test_shares_that_only_add_up_are_refused_in_the_form(logged_in, editor, sectors, message):
    data = {
        "title_vi": "Dự án phần trăm",
        "kind": "oda_grant",
        "status": "pipeline",
        "planned_start": "2025-01-01",
        "sectors_text": sectors,
    }
    r = logged_in(editor).post("/projects/new/", data)
    assert r.status_code == 200 and message in r.content.decode()
    assert not Project.objects.filter(title_vi="Dự án phần trăm").exists()


@pytest.mark.usefixtures("english_messages")
def test_an_amount_too_large_to_convert_is_refused(logged_in, editor):
    project = make_project(editor)
    r = logged_in(editor).post(
        f"/projects/{project.pk}/transactions/new/",
        {"type_code": "2", "date": "2025-02-03", "value": "99999999999999999999", "currency": "usd"},
    )
    assert r.status_code == 200 and "value" in r.context["form"].errors
    assert not project.transactions.exists()


def test_clearing_a_transactions_currency_on_edit_takes_the_projects(logged_in, editor):
    project = make_project(editor, default_currency="EUR")
    tx = add_tx(editor, project, currency="USD")
    r = logged_in(editor).post(
        f"/projects/transactions/{tx.pk}/edit/",
        {"type_code": tx.type_code, "date": "2024-03-15", "value": "1000", "currency": "", "version": tx.version},
    )
    assert r.status_code == 302
    tx.refresh_from_db()
    assert tx.currency == "EUR"
