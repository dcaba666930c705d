import pytest

from hoptac.aid.models import Project, Transaction
from hoptac.aid.tests.factories import add_tx, make_project
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


def _payload(**extra):
    data = {
        "code": "API-1",
        "title_vi": "Dự án API",
        "title_en": "API project",
        "kind": "technical_assistance",
        "status": "implementation",
        "default_currency": "EUR",
        "planned_start": "2024-01-01",
        "planned_end": "2025-12-31",
        "sectors": [{"code": "15110", "percentage": "70"}, {"code": "16020", "percentage": "30"}],
    }
    data.update(extra)
    return data


def test_create_read_update_delete(api, editor):
    ilo = Partner.objects.filter(acronym="ILO").first()
    field = Field.objects.first()
    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True).first()
    client = api(editor)
    r = client.post(
        "/api/v1/projects",
        _payload(
            organisations=[{"role": "funding", "partner": ilo.pk}, {"role": "implementing", "name": "X"}],
            fields=[{"field": field.code, "percentage": 100}],
            locations=[{"province": province.pk, "percentage": 100}],
        ),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["organisations"][0] == {"role": "funding", "partner": ilo.pk, "name": "", "ref": "", "org_type": ""}
    assert body["status_code"] == "2" and body["url"] == f"/projects/{body['id']}/"
    pid = body["id"]
    r = client.post(
        "/api/v1/transactions", {"project": pid, "type": "commitment", "date": "2024-02-01", "value": "1000"}
    )
    assert r.status_code == 201, r.content
    tx = r.json()
    assert (
        tx["currency"] == "EUR" and tx["type"] == "commitment" and tx["value_vnd"] and tx["rate_month"] == "2024-02-01"
    )
    client.post("/api/v1/transactions", {"project": pid, "type": "disbursement", "date": "2024-03-01", "value": "500"})
    r = client.get("/api/v1/projects", {"donor": ilo.pk})
    assert r.json()["count"] == 1
    item = r.json()["items"][0]
    assert item["disbursement_rate"] == "50.0"
    r = client.get("/api/v1/projects/figures", {"kind": "technical_assistance"})
    assert r.json()["disbursement_rate"] == "50.0" and r.json()["count"] == 1
    # Update with a stale version: 409.
    assert client.patch(f"/api/v1/projects/{pid}", {"version": 1, "title_en": "B"}).status_code == 200
    assert client.patch(f"/api/v1/projects/{pid}", {"version": 1, "title_en": "C"}).status_code == 409
    # Bad shares: 4xx naming the field.
    r = client.patch(f"/api/v1/projects/{pid}", {"version": 2, "sectors": [{"code": "15110", "percentage": 50}]})
    assert r.status_code in (400, 422) and "sectors" in r.json()["errors"]
    r = client.get(f"/api/v1/projects/{pid}/history")
    assert len(r.json()) == 2
    r = client.get("/api/v1/transactions", {"project": pid, "type": "disbursement"})
    assert r.json()["count"] == 1
    txid = r.json()["items"][0]["id"]
    r = client.patch(f"/api/v1/transactions/{txid}", {"version": 1, "value": "600"})
    assert r.json()["value"] == "600.00"
    assert client.delete(f"/api/v1/transactions/{txid}").status_code == 204
    assert client.delete(f"/api/v1/projects/{pid}").status_code == 204
    assert not Project.objects.exists() and not Transaction.objects.exists()


def test_bad_input_and_permissions(api, editor, contributor_b, viewer):
    assert api().get("/api/v1/projects").status_code == 401
    r = api(editor).post("/api/v1/projects", _payload(kind="gift", fields=[{"field": "nope", "percentage": 100}]))
    assert r.status_code == 422
    r = api(editor).post("/api/v1/projects", _payload(fields=[{"field": "nope", "percentage": 100}]))
    assert r.status_code == 422 and "fields.0.field" in r.json()["errors"]
    assert api(viewer).post("/api/v1/projects", _payload()).status_code == 403
    p = make_project(editor)
    tx = add_tx(editor, p)
    assert api(contributor_b).get(f"/api/v1/projects/{p.pk}").status_code in (403, 404)
    assert api(contributor_b).get(f"/api/v1/transactions/{tx.pk}").status_code in (403, 404)
    assert api(contributor_b).get("/api/v1/transactions").json()["count"] == 0
    assert api(viewer).get(f"/api/v1/transactions/{tx.pk}").status_code == 200


@pytest.mark.parametrize(
    "parts, part",
    [
        ({"sectors": [{"code": "15110", "percentage": "10000"}, {"code": "16020", "percentage": "-9900"}]}, "sectors"),
        ({"sectors": [{"code": "15110", "percentage": "NaN"}]}, "sectors"),
        ({"sectors": [{"code": "15110", "percentage": "50"}, {"code": "15110", "percentage": "50"}]}, "sectors"),
        (
            {
                "budgets": [
                    {
                        "period_start": "2024-01-01",
                        "period_end": "2024-12-31",
                        "value": "1e30",
                        "value_date": "2024-01-01",
                    }
                ]
            },
            "budgets",
        ),
        (
            {
                "budgets": [
                    {
                        "period_start": "2024-12-31",
                        "period_end": "2024-01-01",
                        "value": "10",
                        "value_date": "2024-01-01",
                    }
                ]
            },
            "budgets",
        ),
        (
            {
                "budgets": [
                    {
                        "period_start": "2024-01-01",
                        "period_end": "2024-12-31",
                        "value": "10",
                        "currency": "ZZZZZZ",
                        "value_date": "2024-01-01",
                    }
                ]
            },
            "budgets",
        ),
        ({"results": [{"title": "R", "result_type": "12345", "indicators": []}]}, "results"),
    ],
)
def test_project_parts_that_would_break_its_pages_are_refused(api, editor, parts, part):
    client = api(editor)
    r = client.post("/api/v1/projects", _payload(**{"sectors": [{"code": "15110", "percentage": "100"}], **parts}))
    assert r.status_code == 422, r.content
    assert any(name.split(".")[0] == part for name in r.json()["errors"])
    assert not Project.objects.filter(code="API-1").exists()


def test_a_refused_part_keeps_the_project_as_it_was(api, editor):
    client = api(editor)
    created = client.post("/api/v1/projects", _payload()).json()
    r = client.patch(
        f"/api/v1/projects/{created['id']}",
        {
            "version": created["version"],
            "sectors": [{"code": "15110", "percentage": "100"}],
            "budgets": [
                {"period_start": "2024-01-01", "period_end": "2024-12-31", "value": "1e30", "value_date": "2024-01-01"}
            ],
        },
    )
    assert r.status_code == 422
    project = Project.objects.get(pk=created["id"])
    assert sorted(project.sectors.values_list("code", flat=True)) == ["15110", "16020"]
    assert client.get(f"/api/v1/projects/{created['id']}").status_code == 200
    assert client.get("/api/v1/projects.iati.xml").status_code == 200
