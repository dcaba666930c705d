import re

import pytest
from playwright.sync_api import expect

from hoptac.agreements.models import Agreement
from hoptac.org.models import User
from hoptac.partners.models import Partner

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_register_an_agreement_and_see_it_on_the_partner_timeline(page, reference_data):
    User.objects.create_user("officer", password=PASSWORD, role=User.Role.EDITOR, unit=reference_data)
    afd = Partner.objects.get(reference_key="org:afd")
    france = Partner.objects.get(kind=Partner.Kind.COUNTRY, country_id="FR")

    page.goto("/agreements/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/agreements/"))
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(r"^[^?]*/agreements/$"))

    page.click("[data-testid=new-agreement]")
    page.select_option("select[name=kind]", "memorandum_of_understanding")
    page.fill("input[name=title_vi]", "Bản ghi nhớ hợp tác giao thông đường sắt")
    page.fill("input[name=title_en]", "MoU on railway transport")
    page.fill("[data-testid=filter-parties]", "co quan phat trien phap")  # typed without diacritics
    expect(page.locator("select[name=parties] option:not([hidden])")).to_have_count(1)
    page.select_option("select[name=parties]", [str(afd.pk)])
    page.fill("input[name=sig-0-name]", "Nguyễn Văn Thắng")
    page.fill("input[name=sig-0-title]", "Bộ trưởng")
    page.fill("input[name=signed_on]", "2024-10-07")
    page.fill("input[name=signed_at_city]", "Paris")
    page.fill("input[name=in_force_from]", "2024-10-07")
    page.fill("input[name=valid_until]", "2024-10-01")  # before the start: refused
    page.select_option("select[name=status]", "in_force")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=agreement-form]")).to_contain_text(re.compile("(before|trước)"))
    page.fill("input[name=valid_until]", "2029-10-06")
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_contain_text("Bản ghi nhớ hợp tác giao thông đường sắt")
    agreement = Agreement.objects.get(title_en="MoU on railway transport")
    assert list(agreement.parties.all()) == [afd] and agreement.owner_unit == reference_data

    # AFD sits under France in the registry: the agreement shows on France's timeline.
    page.goto(f"/partners/{france.pk}/?tab=timeline")
    timeline = page.locator("ul.timeline")
    expect(timeline).to_contain_text("Bản ghi nhớ hợp tác giao thông đường sắt")
    expect(timeline.locator("li[data-kind=agreement] time")).to_have_attribute("datetime", "2024-10-07")
    timeline.get_by_text("Bản ghi nhớ hợp tác giao thông đường sắt").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.pk}/$"))

    # An illegal step is not offered, and the allowed one is recorded.
    page.click("[data-testid=change-status]")
    options = page.locator("select[name=to_status] option")
    expect(options).to_have_count(4)
    page.select_option("select[name=to_status]", "suspended")
    page.fill("input[name=decision_number]", "123/QĐ-BGTVT")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=steps]")).to_contain_text("123/QĐ-BGTVT")
