import re

import pytest
from playwright.sync_api import expect

from hoptac.aid.models import TransactionType
from hoptac.aid.tests.factories import add_tx, make_project
from hoptac.org.models import User

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_open_a_project_and_see_its_disbursement_rate(page, reference_data):
    officer = User.objects.create_user("officer", password=PASSWORD, role=User.Role.EDITOR, unit=reference_data)
    project = make_project(officer, title_vi="Dự án thị trường lao động")
    add_tx(officer, project, TransactionType.COMMITMENT, "2000", "USD")
    add_tx(officer, project, TransactionType.DISBURSEMENT, "500", "USD")

    page.goto("/projects/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(r"^[^?]*/projects/$"))
    page.locator("[data-testid=project-search]").press_sequentially("thi truong lao dong", delay=20)
    expect(page.locator("[data-testid=result-count]")).to_contain_text("1")
    page.click("text=Dự án thị trường lao động")
    expect(page.locator("h1")).to_contain_text("Dự án thị trường lao động")
    expect(page.locator("[data-testid=disbursement-rate]")).to_have_text(re.compile(r"25[,.]0\s*%"))
    page.click("[data-testid=transactions-tab]")
    expect(page.locator("[data-testid=transactions]")).to_contain_text("2.000,00 USD")
