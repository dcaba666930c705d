import datetime

import pytest

from hoptac.activities import ics, services
from hoptac.activities.models import CalendarFeed
from hoptac.reference.models import Country

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def month_items(make_event, make_delegation, ilo, unit_b, approver):
    event = make_event(
        title_vi="Đối thoại chính sách",
        start_date=D(2025, 11, 27),
        end_date=D(2025, 11, 28),
        participants=[services.Participant(ilo)],
    )
    other = make_event(
        title_vi="Hội thảo đơn vị B", organiser_unit=unit_b, start_date=D(2025, 11, 3), end_date=D(2025, 11, 3)
    )
    trip = make_delegation(
        title_vi="Đoàn ra Nhật Bản",
        start_date=D(2025, 10, 30),
        end_date=D(2025, 11, 6),
        legs=[
            services.Leg(Country.objects.get(iso2="JP"), D(2025, 10, 30), D(2025, 11, 2), "Tokyo"),
            services.Leg(Country.objects.get(iso2="KR"), D(2025, 11, 3), D(2025, 11, 6), "Seoul"),
        ],
        partners_met=[ilo],
    )
    return event, other, trip


def test_month_view_places_events_and_legs_on_their_days(logged_in, editor, month_items):
    page = logged_in(editor).get("/calendar/?month=2025-11")
    assert page.status_code == 200
    days = {cell["date"]: [i.title for i in cell["items"]] for week in page.context["weeks"] for cell in week}
    assert days[D(2025, 11, 27)] == ["Đối thoại chính sách"] == days[D(2025, 11, 28)]
    assert days[D(2025, 11, 1)] == ["Đoàn ra Nhật Bản — Tokyo, Nhật Bản"]
    assert "Đoàn ra Nhật Bản — Seoul, Hàn Quốc" in days[D(2025, 11, 3)]
    assert "Hội thảo đơn vị B" in days[D(2025, 11, 3)]
    assert page.context["weeks"][0][0]["date"] == D(2025, 10, 27)  # weeks start on Monday


def test_month_view_filters_by_unit_and_partner(logged_in, editor, month_items, ilo, unit_b):
    client = logged_in(editor)
    by_unit = [i.title for i in client.get(f"/calendar/?month=2025-11&unit={unit_b.pk}").context["items"]]
    assert by_unit == ["Hội thảo đơn vị B"]
    by_partner = {i.title for i in client.get(f"/calendar/?month=2025-11&partner={ilo.pk}").context["items"]}
    assert by_partner == {
        "Đoàn ra Nhật Bản — Tokyo, Nhật Bản",
        "Đoàn ra Nhật Bản — Seoul, Hàn Quốc",
        "Đối thoại chính sách",
    }


def test_contributor_calendar_shows_only_its_units_records(logged_in, contributor_b, month_items):
    titles = [i.title for i in logged_in(contributor_b).get("/calendar/?month=2025-11").context["items"]]
    assert titles == ["Hội thảo đơn vị B"]


def test_ics_feed_by_secret_token(client, logged_in, editor, month_items, settings):
    page = logged_in(editor).get("/calendar/feed/")
    url = page.context["feed_url"]
    token = CalendarFeed.objects.get(user=editor).token
    assert url.endswith(f"/calendar/{token}.ics")
    client.logout()
    import hoptac.activities.views as views

    original = views.timezone.localdate
    views.timezone.localdate = lambda: D(2025, 11, 15)
    try:
        r = client.get(f"/calendar/{token}.ics")
    finally:
        views.timezone.localdate = original
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    body = r.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 4  # two events, two legs
    event = month_items[0]
    assert f"UID:event-{event.pk}@testserver" in body
    assert "DTSTART;VALUE=DATE:20251127\r\nDTEND;VALUE=DATE:20251129" in body  # DTEND is exclusive
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_new_feed_address_revokes_the_old(client, logged_in, editor):
    c = logged_in(editor)
    c.get("/calendar/feed/")
    old = CalendarFeed.objects.get(user=editor).token
    c.post("/calendar/feed/")
    new = CalendarFeed.objects.get(user=editor).token
    assert new != old
    c.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_ics_escapes_and_folds_text():
    item_text = "Hội nghị; đối thoại, chính sách\nHà Nội " + "x" * 100
    assert ics.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = ics.fold("SUMMARY:" + ics.escape(item_text))
    lines = folded.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "SUMMARY:" + ics.escape(item_text)
