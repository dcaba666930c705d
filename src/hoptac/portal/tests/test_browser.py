import re

import pytest
from playwright.sync_api import expect

from hoptac.partners.models import Partner

pytestmark = pytest.mark.browser


def test_open_the_portal_without_logging_in_search_switch_language_and_see_the_maps(page, reference_data):
    Partner.objects.create(
        kind="ngo", name_vi="Quỹ Hữu nghị Đà Nẵng", name_en="Da Nang Friendship Fund", acronym="DNFF"
    )

    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/portal/$"))  # no redirect to the login page
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("[data-testid=section-partners]")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_count(0)

    page.goto("/portal/partners/")
    page.fill("[data-testid=portal-search]", "quy huu nghi da nang")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=portal-table]")).to_contain_text("Quỹ Hữu nghị Đà Nẵng")
    expect(page.locator("[data-testid=result-count]")).to_contain_text("1")

    page.click("[data-testid=lang-en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/portal/partners/\?q=quy"))
    expect(page.locator("[data-testid=portal-table]")).to_contain_text("Da Nang Friendship Fund")

    page.click("text=Da Nang Friendship Fund")
    expect(page.locator("[data-testid=record-title]")).to_have_text("Da Nang Friendship Fund")

    page.click("[data-testid=open-data]")
    expect(page.locator("[data-testid=licence]")).to_contain_text("CC BY 4.0")
    with page.expect_download() as download:
        page.click("[data-testid=download-partners-csv]")
    assert download.value.suggested_filename.startswith("partners")

    page.goto("/portal/maps/")
    expect(page.locator("#world-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#province-map")).to_have_attribute("data-ready", "1")
