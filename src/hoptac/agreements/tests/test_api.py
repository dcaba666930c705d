import pytest

from hoptac.agreements.models import Agreement, StatusChange
from hoptac.agreements.tests.factories import agreement, france, partner

pytestmark = pytest.mark.django_db


def payload(**extra):
    body = {
        "kind": "memorandum_of_understanding",
        "level": "ministry",
        "title_vi": "Bản ghi nhớ hợp tác giao thông",
        "title_en": "Transport MoU",
        "parties": [partner("AFD").pk],
        "signed_on": "2025-03-01",
        "signed_at_city": "Paris",
        "signed_at_country": "fr",
        "in_force_from": "2025-03-01",
        "valid_until": "2028-02-28",
        "fields": ["transport"],
        "status": "in_force",
        "signatories": [{"side": "foreign", "name": "A. Person", "title": "Director"}],
    }
    body.update(extra)
    return body


def test_create_read_and_list(api, editor):
    client = api(editor)
    response = client.post("/api/v1/agreements", payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parties"] == [partner("AFD").pk]
    assert body["owner_unit"] == editor.unit_id  # default: the creator's unit
    assert body["signed_at_country"] == "FR"
    assert body["fields"] == ["transport"]
    assert body["signatories"][0]["name"] == "A. Person"
    assert body["url"] == f"/agreements/{body['id']}/"
    assert set(body["allowed_next"]) == {"suspended", "expired", "terminated", "superseded"}
    assert body["state"] in ("in_force", "expiring", "expired")
    listed = client.get("/api/v1/agreements", {"partner": france().pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]  # AFD is under France
    assert client.get("/api/v1/agreements", {"country": "FR"}).json()["count"] == 1
    assert client.get("/api/v1/agreements", {"country": "JP"}).json()["count"] == 0
    assert client.get("/api/v1/agreements", {"field": "transport", "year": 2025}).json()["count"] == 1
    assert client.get("/api/v1/agreements", {"year": 2024}).json()["count"] == 0
    assert client.get("/api/v1/agreements", {"q": "giao thong"}).json()["count"] == 1
    assert client.get("/api/v1/agreements", {"state": "in_force", "as_of": "2025-06-01"}).json()["count"] == 1
    assert client.get("/api/v1/agreements", {"state": "expired", "as_of": "2028-03-01"}).json()["count"] == 1


def test_end_before_start_is_a_field_error(api, editor):
    response = api(editor).post("/api/v1/agreements", payload(in_force_from="2026-01-01", valid_until="2025-12-31"))
    assert response.status_code == 422
    assert "valid_until" in response.json()["errors"]


def test_unknown_partner_id_is_a_field_error(api, editor):
    response = api(editor).post("/api/v1/agreements", payload(parties=[999999]))
    assert response.status_code == 422
    assert response.json()["errors"]["parties"] == ["No partner with id 999999."]
    assert not Agreement.objects.exists()


def test_no_foreign_party_is_a_field_error(api, editor):
    response = api(editor).post("/api/v1/agreements", payload(parties=[]))
    assert response.status_code == 422
    assert "parties" in response.json()["errors"]


def test_invalid_status_and_kind_are_field_errors(api, editor):
    response = api(editor).post("/api/v1/agreements", payload(status="finished", kind="deal"))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "status" in errors and "kind" in errors
    response = api(editor).get("/api/v1/agreements", {"status": "finished"})
    assert response.status_code == 422 and "status" in response.json()["errors"]


def test_unknown_country_field_and_unit(api, editor):
    response = api(editor).post(
        "/api/v1/agreements", payload(signed_at_country="XX", fields=["no-such-field"], owner_unit=999999)
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"signed_at_country", "fields", "owner_unit"}


def test_status_needs_its_dates(api, editor):
    response = api(editor).post("/api/v1/agreements", payload(signed_on=None, in_force_from=None, valid_until=None))
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"signed_on", "in_force_from"}


def test_transition_allowed_and_recorded(api, editor):
    a = agreement(editor, status="negotiating")
    client = api(editor)
    response = client.post(
        f"/api/v1/agreements/{a.pk}/transitions",
        {"status": "consulting", "date": "2025-05-02", "decision_number": "12/QĐ-BNV"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "consulting"
    step = StatusChange.objects.filter(agreement=a).last()
    assert (step.from_status, step.to_status, step.decision_number, step.user) == (
        "negotiating",
        "consulting",
        "12/QĐ-BNV",
        editor,
    )
    steps = client.get(f"/api/v1/agreements/{a.pk}/transitions").json()
    assert [s["to_status"] for s in steps["steps"]] == ["negotiating", "consulting"]
    assert steps["allowed_next"] == ["negotiating", "approved", "terminated"]


def test_illegal_transition_is_refused_with_the_allowed_states(api, editor):
    a = agreement(editor, status="proposed")
    response = api(editor).post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "in_force"})
    assert response.status_code == 422
    body = response.json()
    assert body["allowed_next"] == ["negotiating", "consulting", "terminated"]
    assert "status" in body["errors"] and "Negotiating" in body["message"]
    a.refresh_from_db()
    assert a.status == "proposed" and a.version == 1


def test_final_state_allows_nothing(api, editor):
    a = agreement(editor, status="terminated", signed_on=None)
    response = api(editor).post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "in_force"})
    assert response.status_code == 422 and response.json()["allowed_next"] == []


def test_patch_cannot_jump_status(api, editor):
    a = agreement(editor, status="proposed")
    response = api(editor).patch(f"/api/v1/agreements/{a.pk}", {"version": 1, "status": "in_force"})
    assert response.status_code == 422
    assert response.json()["allowed_next"] == ["negotiating", "consulting", "terminated"]


def test_approval_step_needs_an_approver(api, editor, approver):
    a = agreement(editor, status="consulting")
    assert api(editor).post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "approved"}).status_code == 403
    assert api(approver).post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "approved"}).status_code == 200


def test_superseded_needs_the_successor(api, editor):
    old, new = agreement(editor), agreement(editor, title_vi="Bản ghi nhớ mới")
    client = api(editor)
    response = client.post(f"/api/v1/agreements/{old.pk}/transitions", {"status": "superseded"})
    assert response.status_code == 422 and "superseded_by" in response.json()["errors"]
    response = client.post(
        f"/api/v1/agreements/{old.pk}/transitions", {"status": "superseded", "superseded_by": new.pk}
    )
    assert response.status_code == 200 and response.json()["superseded_by"] == new.pk


def test_signing_fills_the_signing_date(api, editor, approver):
    a = agreement(editor, status="approved")
    response = api(editor).post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "signed", "date": "2025-07-01"})
    assert response.json()["signed_on"] == "2025-07-01"


def test_patch_with_stale_version_is_409(api, editor):
    a = agreement(editor)
    client = api(editor)
    assert client.patch(f"/api/v1/agreements/{a.pk}", {"version": 1, "number": "01/2025"}).status_code == 200
    response = client.patch(f"/api/v1/agreements/{a.pk}", {"version": 1, "number": "02/2025"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_patch_end_before_start(api, editor):
    a = agreement(editor)
    response = api(editor).patch(f"/api/v1/agreements/{a.pk}", {"version": 1, "valid_until": "2024-01-01"})
    assert response.status_code == 422 and "valid_until" in response.json()["errors"]


def test_history_lists_changes_and_steps(api, editor):
    a = agreement(editor)
    client = api(editor)
    client.patch(f"/api/v1/agreements/{a.pk}", {"version": 1, "number": "07/TTHC"})
    body = client.get(f"/api/v1/agreements/{a.pk}/history").json()
    assert body["changes"][0]["changes"] == [{"field": "number", "old": "", "new": "07/TTHC"}]
    assert body["steps"][0]["to_status"] == "in_force"


def test_activities_and_consultations(api, editor, unit_b):
    a = agreement(editor, status="consulting", signed_on=None)
    client = api(editor)
    response = client.post(
        f"/api/v1/agreements/{a.pk}/activities",
        {"title": "Joint seminar", "owner_unit": unit_b.pk, "due_date": "2025-09-30"},
    )
    assert response.status_code == 201 and response.json()["overdue"] is True
    activity = response.json()
    response = client.patch(
        f"/api/v1/agreements/{a.pk}/activities/{activity['id']}", {"version": 1, "status": "done", "result": "Held"}
    )
    assert response.json()["status"] == "done" and response.json()["completed_on"] is not None
    response = client.post(
        f"/api/v1/agreements/{a.pk}/consultations",
        {"agency_name": "Ministry of Justice", "requested_on": "2025-02-01", "answer": "agreed_with_comments"},
    )
    assert response.status_code == 201
    response = client.post(f"/api/v1/agreements/{a.pk}/consultations", {"answer": "agreed"})
    assert response.status_code == 422 and "agency" in response.json()["errors"]


def test_only_approvers_publish(api, editor, approver):
    assert api(editor).post("/api/v1/agreements", payload(is_published=True)).status_code == 403
    assert api(approver).post("/api/v1/agreements", payload(is_published=True)).status_code == 201


def test_anonymous_gets_401(api):
    assert api().get("/api/v1/agreements").status_code == 401


def test_extension_brings_an_expired_agreement_back_in_force(api, editor):
    a = agreement(editor, status="expired")
    client = api(editor)
    response = client.post(
        f"/api/v1/agreements/{a.pk}/transitions",
        {"status": "in_force", "valid_until": "2030-01-09", "decision_number": "99/QĐ-TTg", "version": 1},
    )
    assert response.status_code == 200, response.content
    assert response.json()["valid_until"] == "2030-01-09" and response.json()["version"] == 2
    response = client.post(f"/api/v1/agreements/{a.pk}/transitions", {"status": "expired", "valid_until": "2024-01-01"})
    assert response.status_code == 422 and "valid_until" in response.json()["errors"]
