import datetime

import pytest

from hoptac.activities import services
from hoptac.activities.models import Delegation, Event
from hoptac.fields.models import Field

pytestmark = pytest.mark.django_db
D = datetime.date


def form_data(unit, **extra):
    data = {
        "kind": "workshop",
        "title_vi": "Hội thảo về chuyển đổi số",
        "title_en": "Workshop on digital transformation",
        "start_date": "2025-08-14",
        "end_date": "",
        "organiser_unit": unit.pk,
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_list_filters_sort_and_export(logged_in, editor, make_event, ilo):
    make_event(title_vi="Hội thảo A", participants=[services.Participant(ilo, 2)])
    make_event(title_vi="Tập huấn B", kind="training_course", start_date=D(2025, 3, 1), end_date=D(2025, 3, 5))
    client = logged_in(editor)
    page = client.get("/events/")
    assert page.status_code == 200
    assert [e.title_vi for e in page.context["items"]] == ["Hội thảo A", "Tập huấn B"]
    assert [e.title_vi for e in client.get("/events/?sort=start").context["items"]] == ["Tập huấn B", "Hội thảo A"]
    assert [e.title_vi for e in client.get("/events/?kind=training_course").context["items"]] == ["Tập huấn B"]
    assert [e.title_vi for e in client.get(f"/events/?partner={ilo.pk}").context["items"]] == ["Hội thảo A"]
    assert [e.title_vi for e in client.get("/events/?q=tap+huan").context["items"]] == ["Tập huấn B"]
    transport = Field.objects.get(code="transport")
    Event.objects.get(title_vi="Tập huấn B").fields.add(transport)
    assert [e.title_vi for e in client.get(f"/events/?field={transport.pk}").context["items"]] == ["Tập huấn B"]
    csv = client.get("/events/?export=csv")
    assert csv["Content-Type"].startswith("text/csv") and "Hội thảo A" in csv.content.decode()
    xlsx = client.get("/events/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_list_query_count_does_not_grow_with_rows(logged_in, editor, make_event, ilo, django_assert_max_num_queries):
    for i in range(12):
        make_event(title_vi=f"Sự kiện {i}", participants=[services.Participant(ilo, 1)], co_organisers=[ilo])
    client = logged_in(editor)
    with django_assert_max_num_queries(16):
        client.get("/events/")


def test_create_with_participants_and_see_the_detail_tabs(logged_in, editor, unit_a, ilo):
    client = logged_in(editor)
    assert client.get("/events/new/").status_code == 200
    r = client.post(
        "/events/new/",
        form_data(
            unit_a,
            **{
                "participants-0-partner": ilo.pk,
                "participants-0-people": "4",
                "follow_ups-0-description": "Gửi kỷ yếu",
                "follow_ups-0-due_date": "2025-09-01",
            },
        ),
    )
    event = Event.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/events/{event.pk}/"
    assert event.end_date == D(2025, 8, 14)
    assert event.participants.get().people == 4 and event.follow_ups.get().description == "Gửi kỷ yếu"
    detail = client.get(f"/events/{event.pk}/")
    assert "ILO" in detail.content.decode()
    assert client.get(f"/events/{event.pk}/?tab=history").context["history"][0]["type"] == "created"
    assert "Gửi kỷ yếu" in client.get(f"/events/{event.pk}/?tab=outcome").content.decode()


def test_form_refuses_end_before_start(logged_in, editor, unit_a):
    r = logged_in(editor).post("/events/new/", form_data(unit_a, end_date="2025-08-13"))
    assert r.status_code == 200 and "end_date" in r.context["form"].errors
    assert not Event.objects.exists()


def test_edit_with_a_stale_version_shows_the_conflict(logged_in, editor, unit_a, make_event):
    event = make_event()
    services.event_update(event, user=editor, version=1, title_vi="Người khác đã sửa")
    r = logged_in(editor).post(f"/events/{event.pk}/edit/", form_data(unit_a, version="1", title_vi="Tôi sửa"))
    assert r.status_code == 200 and r.context["conflict"] is not None
    assert "Someone else saved this record" in r.content.decode() or 'data-testid="conflict"' in r.content.decode()
    assert Event.objects.get(pk=event.pk).title_vi == "Người khác đã sửa"


@pytest.mark.usefixtures("english_messages")
def test_status_buttons_move_the_event_and_refuse_illegal_steps(logged_in, approver, make_event):
    event = make_event()
    client = logged_in(approver)
    r = client.post(f"/events/{event.pk}/status/", {"version": 1, "status": "reported", "on": "2025-11-30"})
    assert r.status_code == 302 and Event.objects.get(pk=event.pk).status == "planned"
    messages = [str(m) for m in client.get(f"/events/{event.pk}/").context["messages"]]
    assert any("Allowed next" in m for m in messages)
    client.post(
        f"/events/{event.pk}/status/", {"version": 1, "status": "approved", "on": "2025-11-01", "decision": "9/QĐ"}
    )
    assert Event.objects.get(pk=event.pk).status == "approved"


def test_contributor_of_another_unit_is_refused_the_page(logged_in, contributor, contributor_b, make_event):
    event = make_event(user=contributor)
    assert logged_in(contributor_b).get(f"/events/{event.pk}/").status_code == 403


@pytest.mark.usefixtures("english_messages")
def test_delegation_pages(logged_in, editor, unit_a, make_delegation):
    d = make_delegation()
    client = logged_in(editor)
    listing = client.get("/delegations/?country=FR")
    assert [x.pk for x in listing.context["items"]] == [d.pk]
    assert "Paris" in client.get(f"/delegations/{d.pk}/").content.decode()
    assert client.get("/delegations/?export=xlsx").status_code == 200
    data = {
        "direction": "incoming",
        "title_vi": "Đoàn ILO vào làm việc",
        "owner_unit": unit_a.pk,
        "start_date": "2025-05-05",
        "end_date": "2025-05-06",
        "funding_source": "partner_funded",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "Jane Doe",
        "legs-TOTAL_FORMS": "1",
        "legs-INITIAL_FORMS": "0",
        "legs-0-country": "VN",
        "legs-0-city": "Hà Nội",
        "legs-0-start_date": "2025-05-05",
        "legs-0-end_date": "2025-05-06",
    }
    r = client.post("/delegations/new/", data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    new = Delegation.objects.get(title_vi="Đoàn ILO vào làm việc")
    assert new.members.get().name == "Jane Doe" and new.legs.get().city == "Hà Nội"
    data["legs-0-start_date"] = "2025-05-01"
    r = client.post(f"/delegations/{new.pk}/edit/", {**data, "version": new.version})
    assert r.status_code == 200
    assert "outside the delegation's dates" in " ".join(r.context["form"].non_field_errors())


def test_navigation_links_events_and_delegations(logged_in, editor):
    page = logged_in(editor).get("/events/")
    urls = {a.key: a.url for a in page.context["nav_areas"]}
    assert urls["events"] == "/events/" and urls["delegations"] == "/delegations/"
    assert 'aria-current="page"' in page.content.decode()


def test_delegation_list_and_api_lists_do_not_grow_with_rows(
    logged_in, api, editor, make_event, make_delegation, ilo, django_assert_max_num_queries
):
    for i in range(10):
        make_delegation(title_vi=f"Đoàn {i}", partners_met=[ilo], members=[services.Member("A", "B", editor.unit)])
        make_event(
            title_vi=f"Sự kiện {i}",
            participants=[services.Participant(ilo, 1)],
            follow_ups=[services.FollowUp("x", editor.unit, D(2026, 1, 1))],
        )
    client = logged_in(editor)
    with django_assert_max_num_queries(16):
        client.get("/delegations/")
    rest = api(editor)
    with django_assert_max_num_queries(16):
        assert rest.get("/api/v1/events").json()["count"] == 10
    with django_assert_max_num_queries(16):
        assert rest.get("/api/v1/delegations").json()["count"] == 10
    with django_assert_max_num_queries(20):
        client.get("/calendar/?month=2024-10")


def test_delegation_edit_conflict_and_status_step(logged_in, editor, approver, unit_a, make_delegation):
    d = make_delegation()
    services.delegation_update(d, user=approver, version=1, leader_name="Người khác")
    data = {
        "direction": "outgoing",
        "title_vi": "Đoàn sửa",
        "owner_unit": unit_a.pk,
        "start_date": "2024-10-03",
        "end_date": "2024-10-07",
        "funding_source": "state_budget",
        "version": "1",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "legs-TOTAL_FORMS": "0",
        "legs-INITIAL_FORMS": "0",
    }
    r = logged_in(editor).post(f"/delegations/{d.pk}/edit/", data)
    assert r.status_code == 200 and r.context["conflict"].current.version == 2
    assert 'data-testid="conflict"' in r.content.decode()
    assert Delegation.objects.get(pk=d.pk).title_vi == "Đoàn công tác thử"
    client = logged_in(approver)
    client.post(f"/delegations/{d.pk}/status/", {"version": 2, "status": "approved", "on": "2024-09-01"})
    assert Delegation.objects.get(pk=d.pk).status == "approved"
    client.post(f"/delegations/{d.pk}/status/", {"version": 3, "status": "reported", "on": "2024-10-20"})
    assert Delegation.objects.get(pk=d.pk).status == "approved"


@pytest.mark.usefixtures("english_messages")
def test_form_refuses_dates_outside_1900_2100(logged_in, editor, unit_a):
    # 9999-12-31 was saved, and then its report due date (the end plus days) crashed every list
    r = logged_in(editor).post("/events/new/", form_data(unit_a, start_date="9999-12-30", end_date="9999-12-31"))
    assert r.status_code == 200
    assert "between 01/01/1900 and 31/12/2100" in str(r.context["form"].errors["end_date"])
    assert not Event.objects.exists()


@pytest.mark.parametrize("end", ["2026-13-01", "²"])
def test_an_unreadable_end_date_is_an_error_not_a_one_day_event(logged_in, editor, unit_a, end):
    r = logged_in(editor).post("/events/new/", form_data(unit_a, end_date=end))
    assert r.status_code == 200 and "end_date" in r.context["form"].errors
    assert not Event.objects.exists()


def test_a_huge_number_of_people_is_a_field_error_and_keeps_the_form(logged_in, editor, unit_a, ilo):
    r = logged_in(editor).post(
        "/events/new/",
        form_data(unit_a, **{"participants-0-partner": ilo.pk, "participants-0-people": "99999999999999999999"}),
    )
    assert r.status_code == 200 and "Hội thảo về chuyển đổi số" in r.content.decode()
    assert not Event.objects.exists()
