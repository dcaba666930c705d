"""In a browser: a contributor of the lead unit files a progress report, the approver accepts it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hoptac.org.models import User
from hoptac.programmes.models import Programme, ProgressReport, Task

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def log_in(page, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_contributor_files_a_report_and_the_approver_accepts_it(page, reference_data):
    unit = reference_data  # the Department of International Cooperation
    User.objects.create_user("lead", password=PASSWORD, role=User.Role.CONTRIBUTOR, unit=unit)
    User.objects.create_user("boss", password=PASSWORD, role=User.Role.APPROVER, unit=unit)
    programme = Programme.objects.create(title="Kế hoạch thực hiện 153/NQ-CP", document_number="9/KH-BNV")
    task = Task.objects.create(
        programme=programme,
        code="1",
        title="Xây dựng đề án hợp tác quốc tế về lao động",
        lead_unit=unit,
        deadline_kind="date",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    url = task.get_absolute_url()

    log_in(page, "lead", url)
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "due_soon")
    page.click("[data-testid=file-report]")
    page.fill("input[name=percent]", "60")
    page.fill("textarea[name=narrative]", "Đã hoàn thành dự thảo đề án, đang lấy ý kiến.")
    page.fill("textarea[name=difficulties]", "Chậm nhận ý kiến của các bộ.")
    page.click("[data-testid=submit-report]")
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("[data-testid=report]")).to_have_attribute("data-status", "submitted")
    expect(page.locator("[data-testid=accept-report]")).to_have_count(0)  # a contributor cannot accept
    report = ProgressReport.objects.get(task=task)
    assert (report.percent, report.submitted_by.username) == (60, "lead")

    log_in(page, "boss", url)
    page.fill("[data-testid=review-comment]", "Đồng ý, tiếp tục theo dõi.")
    page.click("[data-testid=accept-report]")
    expect(page.locator("[data-testid=report]")).to_have_attribute("data-status", "accepted")
    expect(page.locator("[data-testid=report]")).to_contain_text("Đồng ý, tiếp tục theo dõi.")
    report.refresh_from_db()
    assert (report.status, report.reviewed_by.username) == ("accepted", "boss")
    task.refresh_from_db()
    assert task.status == "in_progress"
