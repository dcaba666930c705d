import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hoptac.programmes.demo import TASKS, load_demo
from hoptac.programmes.models import ProgressReport, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return load_demo(timezone.localdate())


def text(response):
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_programmes_list_shows_153(logged_in, viewer, demo):
    page = text(logged_in(viewer).get("/programmes/"))
    assert "153/NQ-CP" in page and "59-NQ/TW" in page
    assert 'data-testid="overdue-count"' in page


def test_nav_item_leads_to_the_programmes(logged_in, viewer):
    from hoptac.web.navigation import AREAS

    area = next(a for a in AREAS if a.key == "programmes")
    assert logged_in(viewer).get(area.url).status_code == 200


def test_programme_page_groups_tasks_by_field(logged_in, viewer, demo, django_assert_max_num_queries):
    client = logged_in(viewer)
    with django_assert_max_num_queries(30):
        page = text(client.get(f"/programmes/{demo.pk}/"))
    assert page.count('data-testid="field-group"') == len({t[1] for t in TASKS})
    assert page.count('data-testid="task-row"') == len(TASKS)
    assert "Văn hóa" in page and "Y tế" in page
    assert 'class="statebar"' in page
    for state in ("overdue", "due_soon", "on_track", "completed", "completed_late"):
        assert f'data-state="{state}"' in page
    filtered = text(client.get(f"/programmes/{demo.pk}/", {"state": "overdue"}))
    assert 'data-state="on_track"' not in filtered
    for tab in ("rounds", "matrix", "about", "history"):
        text(client.get(f"/programmes/{demo.pk}/", {"tab": tab}))


def test_overdue_list_sorted_by_days_late(logged_in, viewer, demo):
    page = text(logged_in(viewer).get("/programmes/overdue/"))
    import re

    days = [int(n) for n in re.findall(r'data-testid="days-late">(\d+)<', page)]
    assert days and days == sorted(days, reverse=True)
    assert 120 in days and 3 in days


def test_my_tasks_lists_the_units_tasks(logged_in, demo):
    from hoptac.org.models import Unit, User

    user = User.objects.create_user(
        "bvh", password="x-Long-passw0rd", role="contributor", unit=Unit.objects.get(code="BVHTTDL")
    )
    page = text(logged_in(user).get("/programmes/my/"))
    lead = page.split('data-testid="my-lead-tasks"')[1].split("</table>")[0]
    assert lead.count('data-testid="task-row"') == 5  # 4 culture tasks and the tourism task
    coordinating = page.split('data-testid="my-coordinating-tasks"')[1].split("</table>")[0]
    assert coordinating.count('data-testid="task-row"') == 2  # foreign information tasks


def test_matrix_and_task_list(logged_in, viewer, demo):
    client = logged_in(viewer)
    page = text(client.get("/programmes/matrix/"))
    assert page.count('data-testid="matrix-row"') == 8  # 7 ministries and the unassigned task
    page = text(client.get("/programmes/tasks/", {"field": Task.objects.get(code="2.1").field_id}))
    assert page.count('data-testid="task-row"') == 4


def test_xlsx_export_in_the_shape_of_a_progress_report(logged_in, viewer, demo, tmp_path):
    response = logged_in(viewer).get(f"/programmes/{demo.pk}/", {"export": "xlsx"})
    assert response.status_code == 200
    path = tmp_path / "r.xlsx"
    path.write_bytes(response.content)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == len(TASKS) + 1
    assert len(rows[0]) == 11
    by_code = {r[0]: r for r in rows[1:]}
    assert "Bộ Y tế" in by_code["8.1"][3]
    assert "Waiting for the new ODA decree" in by_code["4.3"][10]


def test_task_page_and_report_form(logged_in, contributor, make_task, approver):
    task = make_task(code="1", deadline_kind="date", deadline=datetime.date(2030, 1, 1))
    client = logged_in(contributor)
    page = text(client.get(task.get_absolute_url()))
    assert 'data-testid="file-report"' in page and 'data-testid="file-contribution"' not in page
    text(client.get(f"/programmes/tasks/{task.pk}/report/?kind=report"))
    response = client.post(
        f"/programmes/tasks/{task.pk}/report/",
        {"kind": "report", "reported_on": "2026-01-05", "narrative": "Đã làm", "percent": "30"},
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert client.post(f"/programmes/reports/{report.pk}/accept/").status_code == 403
    approver_client = logged_in(approver)
    approver_client.post(f"/programmes/reports/{report.pk}/return/", {"comment": "Thiếu số liệu"})
    report.refresh_from_db()
    assert report.status == "returned"


def test_contributor_cannot_open_other_units_task(logged_in, contributor, make_task, other_ministry):
    task = make_task(lead_unit=other_ministry)
    assert logged_in(contributor).get(task.get_absolute_url()).status_code == 403


def test_create_programme_and_task_pages(logged_in, editor, unit_a):
    client = logged_in(editor)
    response = client.post("/programmes/new/", {"title": "Kế hoạch mới", "document_number": "5/KH"})
    assert response.status_code == 302
    from hoptac.programmes.models import Programme

    programme = Programme.objects.get(document_number="5/KH")
    response = client.post(
        f"/programmes/{programme.pk}/tasks/new/",
        {"title": "Nhiệm vụ", "lead_unit": unit_a.pk, "deadline_kind": "date", "status": "not_started", "position": 0},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Task.objects.filter(programme=programme).exists()
    response = client.post(
        f"/programmes/{programme.pk}/tasks/new/",
        {
            "title": "Nhiệm vụ",
            "lead_unit": unit_a.pk,
            "deadline_kind": "date",
            "deadline": "2026-12-31",
            "status": "not_started",
            "position": 0,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(programme=programme)
    response = client.post(
        f"/programmes/tasks/{task.pk}/edit/",
        {
            "title": "Đổi",
            "lead_unit": unit_a.pk,
            "deadline_kind": "none",
            "status": "not_started",
            "position": 1,
            "version": 99,
        },
    )
    assert response.status_code == 200 and 'data-testid="conflict"' in response.content.decode()


def test_task_lists_use_a_fixed_number_of_queries(logged_in, viewer, demo, django_assert_max_num_queries):
    client = logged_in(viewer)
    for url in ("/programmes/tasks/", "/programmes/overdue/", "/programmes/matrix/", "/programmes/my/", "/programmes/"):
        with django_assert_max_num_queries(25):
            text(client.get(url))


def test_a_programme_cannot_implement_itself(editor, programme):
    from django.core.exceptions import ValidationError

    from hoptac.programmes import services
    from hoptac.programmes.models import Programme

    child = Programme.objects.create(title="Kế hoạch con", parent=programme)
    with pytest.raises(ValidationError):
        services.programme_update(programme, user=editor, version=programme.version, parent=child)


def test_attachments_download_only_for_who_may_see_the_task(
    logged_in, contributor, contributor_b, make_task, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = make_task(code="1", deadline_kind="date", deadline=datetime.date(2030, 1, 1))
    client = logged_in(contributor)
    # a text file with markup in it, which a browser would run if it rendered it
    upload = SimpleUploadedFile("bao-cao.txt", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post(
        f"/programmes/tasks/{task.pk}/report/",
        {"kind": "report", "reported_on": "2026-01-05", "narrative": "Đã làm", "percent": "30", "attachments": upload},
    )
    assert response.status_code == 302
    attachment = ProgressReport.objects.get(task=task).attachments.get()
    assert attachment.get_absolute_url() in text(client.get(task.get_absolute_url()))
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == b"<script>alert(1)</script>"
    assert logged_in(contributor_b).get(attachment.get_absolute_url()).status_code == 403
    assert client.get("/media/" + attachment.file.name).status_code == 404


@pytest.mark.usefixtures("english_messages")
def test_attachments_of_the_wrong_type_or_too_large_are_refused_and_the_report_kept(
    logged_in, contributor, make_task, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.HOPTAC_UPLOAD_MAX_BYTES = 100
    task = make_task(code="1", deadline_kind="date", deadline=datetime.date(2030, 1, 1))
    client = logged_in(contributor)
    data = {"kind": "report", "reported_on": "2026-01-05", "narrative": "Đã làm xong", "percent": "30"}
    for upload, message in (
        (SimpleUploadedFile("trang.html", b"<script>alert(1)</script>"), "choose a file of one of these types"),
        (SimpleUploadedFile("so-lieu.pdf", b"%PDF" + b"x" * 200), "larger than"),
    ):
        response = client.post(f"/programmes/tasks/{task.pk}/report/", {**data, "attachments": upload})
        assert response.status_code == 200 and message in text(response)
        assert "Đã làm xong" in text(response)  # what was typed is still in the form
    assert not ProgressReport.objects.filter(task=task).exists()


def _csv_upload(name: str, rows: list[list[str]]):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"])
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def test_import_page_imports_a_clean_file(logged_in, editor, programme):
    client = logged_in(editor)
    page = text(client.get(f"/programmes/{programme.pk}/"))
    assert f"/programmes/{programme.pk}/tasks/import/" in page
    assert "Đơn vị chủ trì" in text(client.get(f"/programmes/{programme.pk}/tasks/import/"))
    upload = _csv_upload("nhiem-vu.csv", [["1", "Đề án hợp tác", "Bộ Y tế", "31/12/2026"], ["2", "Báo cáo", "BYT", ""]])
    response = client.post(f"/programmes/{programme.pk}/tasks/import/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == programme.get_absolute_url()
    assert sorted(Task.objects.filter(programme=programme).values_list("code", flat=True)) == ["1", "2"]
    assert "2" in " ".join(str(m) for m in response.context["messages"])


def test_import_page_lists_every_bad_row_and_imports_nothing(logged_in, editor, programme):
    client = logged_in(editor)
    upload = _csv_upload("nhiem-vu.csv", [["1", "Tốt", "Bộ Y tế", ""], ["2", "Lạ", "Bộ Không Có", "mai"]])
    response = client.post(f"/programmes/{programme.pk}/tasks/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["errors"] and {n for n, _ in response.context["errors"]} == {3}
    assert response.context["bad_rows"] == 1
    page = text(response)
    assert 'data-testid="import-errors"' in page and "Bộ Không Có" in page
    assert not Task.objects.filter(programme=programme).exists()


def test_import_page_refuses_other_files_and_non_writers(logged_in, editor, contributor, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(editor)
    response = client.post(
        f"/programmes/{programme.pk}/tasks/import/", {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04")}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    broken = SimpleUploadedFile("x.xlsx", b"not a spreadsheet")
    response = client.post(f"/programmes/{programme.pk}/tasks/import/", {"file": broken})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Task.objects.exists()
    assert logged_in(contributor).get(f"/programmes/{programme.pk}/tasks/import/").status_code == 403


def test_import_template_names_the_columns(logged_in, editor):
    import io

    response = logged_in(editor).get("/programmes/tasks/import-template.xlsx")
    header = next(load_workbook(io.BytesIO(response.content)).active.values)
    assert header[:3] == ("Mã", "Nhiệm vụ", "Mô tả")


@pytest.mark.usefixtures("english_messages")
def test_a_refused_close_or_cycle_says_why_by_field_label(logged_in, admin_user, make_task, programme):
    task = make_task(code="1", deadline_kind="date", deadline=datetime.date(2030, 1, 1))
    client = logged_in(admin_user)
    response = client.post(f"/programmes/tasks/{task.pk}/close/", {"completed_on": "9999-12-31"}, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "The task was not closed: Completed on: Enter a date between 01/01/1900 and 31/12/2100." in shown
    task.refresh_from_db()
    assert task.completed_on is None
    response = client.post(
        f"/programmes/{programme.pk}/cycles/new/", {"frequency": "monthly", "due_day": "abc"}, follow=True
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "The reporting cycle was not added:" in shown and "due_day" not in shown
