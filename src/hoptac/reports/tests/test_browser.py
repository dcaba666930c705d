import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from hoptac.org.models import User

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_dashboard_figure_to_its_list_and_a_report_download(page, reference_data, tmp_path):
    from hoptac.documents.models import Document

    year = datetime.date.today().year
    for i in range(3):
        Document.objects.create(
            title=f"Văn bản {i}", published_on=datetime.date(year, 3, i + 1), owner_unit=reference_data,
            format="txt", content_hash=f"{i:064d}",
        )  # fmt: skip
    User.objects.create_user("leader", password=PASSWORD, role=User.Role.VIEWER, unit=reference_data)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("[data-testid=due-items]")).to_be_visible()

    # Charts and both maps are drawn by the bundled libraries.
    expect(page.locator("#world-map")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('vn-map'))")
    page.wait_for_function("() => Chart.getChart(document.getElementById('world-map'))")
    if os.environ.get("HOPTAC_SCREENSHOTS"):
        page.set_viewport_size({"width": 1400, "height": 900})
        page.wait_for_timeout(500)
        page.screenshot(path=os.path.join(os.environ["HOPTAC_SCREENSHOTS"], "dashboard.png"), full_page=True)
    page.select_option("[data-testid=world-measure]", "delegations")
    expect(page).to_have_url(re.compile(r"measure=delegations"))

    figure = page.locator("[data-testid=figure-documents-documents]")
    expect(figure).to_have_text("3")
    figure.click()
    expect(page).to_have_url(re.compile(r"/documents/\?"))
    expect(page.locator("[data-testid=result-count]")).to_contain_text("3")

    page.goto("/")
    page.click("[data-testid=open-reports]")
    expect(page).to_have_url(re.compile(r"/reports/"))
    page.select_option("select[name=kind]", "annual")
    page.select_option("select[name=format]", "docx")
    with page.expect_download() as info:
        page.click("[data-testid=download-report]")
    download = info.value
    assert download.suggested_filename.startswith("hoptac-annual-") and download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"PK")
    assert not errors, errors
