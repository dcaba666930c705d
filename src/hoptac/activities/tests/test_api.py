import datetime

import pytest

from hoptac.activities.models import Event

pytestmark = pytest.mark.django_db
D = datetime.date


def event_payload(**extra):
    payload = {
        "kind": "policy_dialogue",
        "title_vi": "Đối thoại chính sách",
        "title_en": "Policy dialogue",
        "start_date": "2025-11-27",
        "city": "Hà Nội",
        "country": "VN",
    }
    payload.update(extra)
    return payload


def test_create_read_list_and_history(api, editor, ilo, undp):
    client = api(editor)
    r = client.post(
        "/api/v1/events",
        event_payload(participants=[{"partner": ilo.pk, "people": 3}, {"partner": undp.pk}], co_organisers=[ilo.pk]),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["end_date"] == "2025-11-27"  # one-day event by default
    assert body["organiser_unit"] == editor.unit_id
    assert body["participants"] == [
        {"partner": ilo.pk, "people": 3, "note": ""},
        {"partner": undp.pk, "people": None, "note": ""},
    ]
    assert body["status"] == "planned" and body["allowed_next"] == ["approved", "cancelled"]
    assert body["url"] == f"/events/{body['id']}/"
    assert body["report"]["due_date"] == "2025-12-12"

    listing = client.get("/api/v1/events", {"partner": ilo.pk}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert client.get("/api/v1/events", {"q": "doi thoai"}).json()["count"] == 1
    assert client.get("/api/v1/events", {"q": "ILO"}).json()["count"] == 1
    assert client.get("/api/v1/events", {"kind": "workshop"}).json()["count"] == 0

    r = client.patch(f"/api/v1/events/{body['id']}", {"version": 1, "title_en": "Policy dialogue 2025"})
    assert r.status_code == 200 and r.json()["version"] == 2
    history = client.get(f"/api/v1/events/{body['id']}/history").json()
    assert [h["type"] for h in history] == ["changed", "created"]
    assert history[0]["changes"] == [{"field": "title_en", "old": "Policy dialogue", "new": "Policy dialogue 2025"}]


def test_partner_filter_includes_child_organisations(api, editor, ilo):
    from hoptac.partners.models import Partner

    itcilo = Partner.objects.get(acronym="ITCILO")
    api(editor).post("/api/v1/events", event_payload(participants=[{"partner": itcilo.pk}]))
    assert api(editor).get("/api/v1/events", {"partner": ilo.pk}).json()["count"] == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        (event_payload(start_date="2025-11-27", end_date="2025-11-26"), "end_date"),
        (event_payload(participants=[{"partner": 999999}]), "participants"),
        (event_payload(co_organisers=[999999]), "co_organisers"),
        (event_payload(status="finished"), "status"),
        (event_payload(kind="party"), "kind"),
        (event_payload(country="XX"), "country"),
        (event_payload(start_date="27/11/2025"), "start_date"),
        (event_payload(organiser_unit=999999), "organiser_unit"),
        (event_payload(status="held"), "approval_date"),  # held means it was approved first
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(api, approver, payload, field):
    r = api(approver).post("/api/v1/events", payload)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["message"] and field in body["errors"], body
    assert Event.objects.count() == 0


def test_illegal_status_change_answers_with_the_allowed_next_states(api, editor):
    client = api(editor)
    event = client.post("/api/v1/events", event_payload()).json()
    r = client.patch(f"/api/v1/events/{event['id']}", {"version": 1, "status": "reported"})
    assert r.status_code == 422
    message = r.json()["errors"]["status"][0]
    assert "approved" in message and "cancelled" in message
    r = client.post(f"/api/v1/events/{event['id']}/transition", {"version": 1, "status": "flying"})
    assert r.status_code == 422 and "status" in r.json()["errors"]
    r = client.patch(f"/api/v1/events/{event['id']}", {"version": 1, "status": "flying"})
    assert r.status_code == 422 and "status" in r.json()["errors"]


def test_transition_endpoint_and_approver_rule(api, editor, approver):
    event = api(editor).post("/api/v1/events", event_payload()).json()
    url = f"/api/v1/events/{event['id']}/transition"
    assert api(editor).post(url, {"version": 1, "status": "approved", "on": "2025-11-01"}).status_code == 403
    r = api(approver).post(url, {"version": 1, "status": "approved", "on": "2025-11-01", "decision": "12/QĐ-BNV"})
    assert r.status_code == 200 and r.json()["approval_decision"] == "12/QĐ-BNV"
    assert api(approver).post(url, {"version": 1, "status": "held"}).status_code == 409


def test_stale_version_is_409(api, editor):
    client = api(editor)
    event = client.post("/api/v1/events", event_payload()).json()
    assert client.patch(f"/api/v1/events/{event['id']}", {"version": 1, "city": "Huế"}).status_code == 200
    r = client.patch(f"/api/v1/events/{event['id']}", {"version": 1, "city": "Đà Nẵng"})
    assert r.status_code == 409 and r.json()["current_version"] == 2


def test_contributor_of_another_unit_gets_404_or_403(api, contributor, contributor_b):
    event = api(contributor).post("/api/v1/events", event_payload()).json()
    assert api(contributor_b).get(f"/api/v1/events/{event['id']}").status_code == 403
    assert api(contributor_b).get("/api/v1/events").json()["count"] == 0
    assert api().get("/api/v1/events").status_code == 401


def delegation_payload(**extra):
    payload = {
        "direction": "outgoing",
        "title_vi": "Đoàn ra Pháp",
        "start_date": "2024-10-03",
        "end_date": "2024-10-07",
        "leader_name": "Phạm Thị Thanh Trà",
        "leader_title": "Bộ trưởng",
        "legs": [{"country": "FR", "city": "Paris", "start_date": "2024-10-03", "end_date": "2024-10-07"}],
        "members": [{"name": "Nguyễn Văn A", "title": "Chuyên viên"}],
    }
    payload.update(extra)
    return payload


def test_delegation_create_list_patch(api, editor, approver):
    from hoptac.partners.models import Partner

    france = Partner.objects.get(kind="country", country_id="FR")
    client = api(editor)
    r = client.post(
        "/api/v1/delegations",
        delegation_payload(partners_met=[france.pk], cost="12500.00", cost_currency="EUR"),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["legs"][0]["country"] == "FR" and body["cost"] == "12500.00" and body["cost_currency"] == "EUR"
    assert body["status"] == "proposed" and body["report"]["due_date"] == "2024-10-22"
    assert client.get("/api/v1/delegations", {"country": "FR"}).json()["count"] == 1
    assert client.get("/api/v1/delegations", {"direction": "incoming"}).json()["count"] == 0
    assert client.get("/api/v1/delegations", {"q": "paris"}).json()["count"] == 1
    r = client.patch(f"/api/v1/delegations/{body['id']}", {"version": 1, "status": "returned"})
    assert r.status_code == 422 and "under_way" not in r.json()["errors"]["status"][0].split("Allowed next:")[0]
    assert client.get(f"/api/v1/delegations/{body['id']}/history").status_code == 200


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"end_date": "2024-10-01"}, "end_date"),
        ({"partners_met": [999999]}, "partners_met"),
        ({"status": "lost"}, "status"),
        ({"direction": "sideways"}, "direction"),
        ({"legs": [{"country": "FR", "start_date": "2024-09-01", "end_date": "2024-09-02"}]}, "legs"),
        ({"legs": [{"country": "ZZ", "start_date": "2024-10-03", "end_date": "2024-10-04"}]}, "legs"),
        ({"cost": "-5", "cost_currency": "EUR"}, "cost"),
        ({"cost": "100"}, "cost_currency"),
        ({"cost": "100", "cost_currency": "QQQ"}, "cost_currency"),
    ],
)
def test_delegation_bad_input(api, editor, extra, field):
    r = api(editor).post("/api/v1/delegations", delegation_payload(**extra))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()


def test_delegation_links_agreements_and_a_project(api, editor):
    from hoptac.agreements.demo import load_demo as load_agreements
    from hoptac.agreements.models import Agreement

    load_agreements()
    agreement = Agreement.objects.filter(signed_on=D(2024, 10, 4)).first()
    assert agreement is not None
    client = api(editor)
    r = client.post("/api/v1/delegations", delegation_payload(agreements=[agreement.pk]))
    assert r.status_code == 201 and r.json()["agreements"] == [agreement.pk]
    r = client.post("/api/v1/delegations", delegation_payload(agreements=[999999]))
    assert r.status_code == 422 and "agreements" in r.json()["errors"]
    r = client.post("/api/v1/delegations", delegation_payload(funding_source="project_funded", project=999999))
    assert r.status_code == 422 and "project" in r.json()["errors"]
    r = client.post("/api/v1/delegations", delegation_payload(project_ref="VIE-123"))
    assert r.status_code == 422 and "project_ref" in r.json()["errors"]
