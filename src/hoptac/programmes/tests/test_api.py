import datetime

import pytest

from hoptac.programmes.models import ProgressReport, Task

pytestmark = pytest.mark.django_db

D = datetime.date


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_without_a_token_401(api):
    assert api().get("/api/v1/tasks").status_code == 401
    assert api().get("/api/v1/programmes").status_code == 401


def test_programme_create_read_patch_conflict_history(api, editor, viewer):
    created = ok(
        api(editor).post(
            "/api/v1/programmes",
            {
                "title": "Kế hoạch của Bộ",
                "document_number": "100/KH-BNV",
                "document_date": "2025-07-01",
                "implements_number": "153/NQ-CP",
                "fields": ["culture", "health"],
            },
        ),
        201,
    )
    pk = created["id"]
    assert created["fields"] == ["culture", "health"] and created["url"] == f"/programmes/{pk}/"
    assert created["version"] == 1
    listed = ok(api(viewer).get("/api/v1/programmes", {"q": "100/KH"}))
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk
    patched = ok(api(editor).patch(f"/api/v1/programmes/{pk}", {"version": 1, "issuer": "Bộ Nội vụ"}))
    assert patched["version"] == 2
    stale = api(editor).patch(f"/api/v1/programmes/{pk}", {"version": 1, "issuer": "x"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    history = ok(api(viewer).get(f"/api/v1/programmes/{pk}/history"))
    assert len(history) == 2
    assert api(viewer).patch(f"/api/v1/programmes/{pk}", {"version": 2, "issuer": "y"}).status_code == 403


def test_bad_input_is_4xx_with_fields(api, editor, programme):
    bad = api(editor).post("/api/v1/programmes", {"title": "", "fields": ["no-such-field"]})
    assert bad.status_code == 422 and "title" in bad.json()["errors"]
    bad = api(editor).post("/api/v1/programmes", {"title": "x", "fields": ["no-such-field"]})
    assert bad.status_code == 422 and "fields" in bad.json()["errors"]
    bad = api(editor).post("/api/v1/tasks", {"programme": programme.pk, "title": "x", "deadline_kind": "date"})
    assert bad.status_code == 422 and "deadline" in bad.json()["errors"]
    bad = api(editor).post("/api/v1/tasks", {"programme": programme.pk, "title": "x", "lead_unit": 999999})
    assert bad.status_code == 422 and "lead_unit" in bad.json()["errors"]
    assert api(editor).get("/api/v1/tasks", {"state": "late"}).status_code == 422
    assert api(editor).get("/api/v1/tasks/999999").status_code == 404


def test_task_list_with_derived_state_on_a_given_day(api, viewer, make_task, unit_b):
    late = make_task(code="1", deadline_kind="date", deadline=D(2026, 3, 1))
    later = make_task(code="2", deadline_kind="date", deadline=D(2026, 2, 1), coordinating_units=[unit_b])
    make_task(code="3", deadline_kind="date", deadline=D(2026, 3, 20))
    make_task(code="4")
    data = ok(api(viewer).get("/api/v1/tasks", {"today": "2026-03-10"}))
    assert data["count"] == 4
    states = {item["code"]: (item["state"], item["days_late"]) for item in data["items"]}
    assert states == {"1": ("overdue", 9), "2": ("overdue", 37), "3": ("due_soon", 0), "4": ("no_deadline", 0)}
    overdue = ok(api(viewer).get("/api/v1/tasks/overdue", {"today": "2026-03-10"}))
    assert [i["id"] for i in overdue["items"]] == [later.pk, late.pk]
    window = ok(
        api(viewer).get("/api/v1/tasks", {"today": "2026-03-10", "due_from": "2026-03-01", "due_to": "2026-03-31"})
    )
    assert {i["code"] for i in window["items"]} == {"1", "3"}
    coordinated = ok(api(viewer).get("/api/v1/tasks", {"unit": unit_b.pk, "role": "coordinating"}))
    assert [i["code"] for i in coordinated["items"]] == ["2"]
    assert ok(api(viewer).get("/api/v1/tasks", {"limit": 1}))["count"] == 4


def test_task_create_patch_and_history(api, editor, programme, unit_a, unit_b):
    created = ok(
        api(editor).post(
            "/api/v1/tasks",
            {
                "programme": programme.pk,
                "code": "II.1",
                "title": "Xây dựng nghị định",
                "field": "culture",
                "lead_unit": unit_a.pk,
                "coordinating_units": [unit_b.pk],
                "deadline_kind": "yearly",
                "deadline_month": 12,
                "deadline_day": 15,
                "expected_product": "Nghị định của Chính phủ",
            },
        ),
        201,
    )
    assert created["coordinating_units"] == [unit_b.pk] and created["deadline_kind"] == "yearly"
    pk = created["id"]
    patched = ok(api(editor).patch(f"/api/v1/tasks/{pk}", {"version": 1, "status": "suspended"}))
    assert patched["status"] == "suspended" and patched["state"] == "suspended"
    assert api(editor).patch(f"/api/v1/tasks/{pk}", {"version": 1, "status": "in_progress"}).status_code == 409
    assert len(ok(api(editor).get(f"/api/v1/tasks/{pk}/history"))) == 2


def test_reports_through_the_api(api, contributor, contributor_b, approver, make_task, unit_b):
    task = make_task(deadline_kind="date", deadline=D(2026, 6, 30), coordinating_units=[unit_b])
    url = f"/api/v1/tasks/{task.pk}/reports"
    bad = api(contributor).post(url, {"narrative": "x"})
    assert bad.status_code == 422 and "percent" in bad.json()["errors"]
    report = ok(
        api(contributor).post(url, {"narrative": "Đã khảo sát.", "percent": 40, "difficulties": "Thiếu kinh phí"}), 201
    )
    assert report["status"] == "submitted" and report["kind"] == "report"
    assert api(contributor_b).post(url, {"narrative": "x", "percent": 10}).status_code == 403
    contribution = ok(
        api(contributor_b).post(url, {"kind": "contribution", "narrative": "Góp ý", "milestone": "Góp ý"}), 201
    )
    assert contribution["unit"] == unit_b.pk
    assert api(contributor).post(f"{url}/{report['id']}/accept", {}).status_code == 403
    returned = ok(api(approver).post(f"{url}/{report['id']}/return", {"comment": "Bổ sung"}))
    assert returned["status"] == "returned" and returned["review_comment"] == "Bổ sung"
    assert api(approver).post(f"{url}/{report['id']}/accept", {}).status_code == 422
    assert len(ok(api(contributor).get(url))) == 2
    assert ProgressReport.objects.filter(task=task).count() == 2


def test_contributor_cannot_see_other_units_tasks(api, contributor, make_task, other_ministry):
    foreign = make_task(lead_unit=other_ministry)
    assert api(contributor).get(f"/api/v1/tasks/{foreign.pk}").status_code == 403
    assert ok(api(contributor).get("/api/v1/tasks"))["count"] == 0


def test_rounds_show_who_has_not_reported(api, viewer, programme, cycle, make_task, other_ministry):
    reported = make_task(code="1")
    make_task(code="2", lead_unit=other_ministry)
    make_task(code="3", lead_unit=other_ministry, status="completed", completed_on=D(2026, 5, 1))
    make_task(code="4", lead_unit=other_ministry, status="suspended")
    ProgressReport.objects.create(
        task=reported, unit=reported.lead_unit, reported_on=D(2026, 6, 1), narrative="x", percent=5,
        period_end=D(2026, 6, 30),
    )  # fmt: skip
    rounds = ok(api(viewer).get(f"/api/v1/programmes/{programme.pk}/rounds", {"today": "2026-06-10"}))
    current = next(r for r in rounds if r["period_end"] == "2026-06-30")
    assert current["open"] and current["due_date"] == "2026-06-15"
    by_unit = {u["unit"]: u for u in current["units"]}
    assert by_unit[reported.lead_unit_id]["missing"] == []
    assert by_unit[other_ministry.pk]["missing"] == [Task.objects.get(code="2").pk]
    assert by_unit[other_ministry.pk]["required"] == 1  # closed and suspended tasks owe nothing


def test_add_a_cycle(api, editor, programme):
    cycle = ok(
        api(editor).post(f"/api/v1/programmes/{programme.pk}/cycles", {"frequency": "yearly", "due_day": 15}), 201
    )
    assert cycle["frequency"] == "yearly"
    assert (
        api(editor).post(f"/api/v1/programmes/{programme.pk}/cycles", {"frequency": "weekly", "due_day": 1}).status_code
        == 422
    )
