import re

import pytest
from playwright.sync_api import expect

from hoptac.activities.models import Event
from hoptac.org.models import User
from hoptac.partners.models import Partner

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_create_an_event_and_see_it_in_the_calendar_and_on_the_partner_timeline(page, reference_data):
    User.objects.create_user("officer", password=PASSWORD, role=User.Role.EDITOR, unit=reference_data)
    ilo = Partner.objects.get(acronym="ILO")

    page.goto("/events/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(r"^[^?]*/events/$"))

    page.click("[data-testid=new-event]")
    page.select_option("select[name=kind]", "policy_dialogue")
    page.fill("input[name=title_vi]", "Đối thoại chính sách với ILO")
    page.fill("input[name=title_en]", "Policy dialogue with ILO")
    page.fill("input[name=start_date]", "2025-11-27")
    page.fill("input[name=city]", "Hà Nội")
    page.select_option("select[name=participants-0-partner]", str(ilo.pk))
    page.fill("input[name=participants-0-people]", "3")
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_contain_text("Đối thoại chính sách với ILO")
    event = Event.objects.get(title_vi="Đối thoại chính sách với ILO")
    assert event.end_date == event.start_date and event.participants.get().partner == ilo

    page.goto("/calendar/?month=2025-11")
    cell = page.locator("[data-testid=calendar] td[data-date='2025-11-27']")
    expect(cell).to_contain_text("Đối thoại chính sách với ILO")

    page.goto(f"/partners/{ilo.pk}/?tab=timeline")
    expect(page.locator("ul.timeline")).to_contain_text("Đối thoại chính sách với ILO")
