import re

import pytest
from playwright.sync_api import expect

from hoptac.org.models import User
from hoptac.partners.models import Partner

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_log_in_create_a_partner_find_it_without_diacritics_and_switch_to_english(page, reference_data):
    User.objects.create_user("officer", password=PASSWORD, role=User.Role.EDITOR, unit=reference_data)

    page.goto("/partners/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/partners/"))
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(r"^[^?]*/partners/$"))

    page.click("[data-testid=new-partner]")
    page.select_option("select[name=kind]", "ngo")
    page.fill("input[name=name_vi]", "Quỹ Hữu nghị Đà Nẵng")
    page.fill("input[name=name_en]", "Da Nang Friendship Fund")
    page.fill("input[name=acronym]", "DNFF")
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_contain_text("Quỹ Hữu nghị Đà Nẵng")
    assert Partner.history.filter(acronym="DNFF", history_type="+", history_user__username="officer").exists()

    page.goto("/partners/")
    page.locator("[data-testid=partner-search]").press_sequentially("quy huu nghi da nang", delay=20)
    table = page.locator("[data-testid=partner-table]")
    expect(table).to_contain_text("Quỹ Hữu nghị Đà Nẵng")
    expect(page.locator("[data-testid=result-count]")).to_contain_text("1")

    page.click("[data-testid=lang-en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Partners")
    expect(page.locator("[data-testid=partner-table]")).to_contain_text("Da Nang Friendship Fund")
