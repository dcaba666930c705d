"""Who sees and changes agreements, by role and unit (through hoptac.org.permissions)."""

import pytest

from hoptac.agreements.models import Agreement
from hoptac.agreements.tests.factories import agreement
from hoptac.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a(editor, unit_a):
    return agreement(editor, owner_unit=unit_a, title_vi="Của đơn vị A")


@pytest.fixture
def in_b(editor, unit_b):
    return agreement(editor, owner_unit=unit_b, title_vi="Của đơn vị B")


def ids(client):
    return {item["id"] for item in client.get("/api/v1/agreements").json()["items"]}


def test_contributor_sees_and_changes_only_its_units(api, contributor, in_a, in_b):
    client = api(contributor)
    assert ids(client) == {in_a.pk}
    assert client.get(f"/api/v1/agreements/{in_b.pk}").status_code == 403
    assert client.patch(f"/api/v1/agreements/{in_a.pk}", {"version": 1, "number": "1"}).status_code == 200
    assert client.patch(f"/api/v1/agreements/{in_b.pk}", {"version": 1, "number": "1"}).status_code == 403
    assert client.delete(f"/api/v1/agreements/{in_a.pk}").status_code == 403  # only writers delete


def test_contributor_sees_an_agreement_its_unit_is_party_to(api, contributor, in_b, unit_a):
    in_b.vietnamese_parties.add(unit_a)
    assert ids(api(contributor)) == {in_b.pk}


def test_contributor_sees_an_agreement_its_unit_implements(api, contributor, editor, in_b, unit_a):
    api(editor).post(f"/api/v1/agreements/{in_b.pk}/activities", {"title": "x", "owner_unit": unit_a.pk})
    assert ids(api(contributor)) == {in_b.pk}


def test_contributor_creates_only_for_its_units(api, contributor, unit_b):
    from hoptac.agreements.tests.test_api import payload

    client = api(contributor)
    assert client.post("/api/v1/agreements", payload(owner_unit=unit_b.pk)).status_code == 403
    response = client.post("/api/v1/agreements", payload())
    assert response.status_code == 201 and response.json()["owner_unit"] == contributor.unit_id


def test_viewer_sees_all_changes_nothing(api, viewer, in_a, in_b):
    client = api(viewer)
    assert ids(client) == {in_a.pk, in_b.pk}
    assert client.patch(f"/api/v1/agreements/{in_a.pk}", {"version": 1, "number": "1"}).status_code == 403
    assert client.post(f"/api/v1/agreements/{in_a.pk}/transitions", {"status": "suspended"}).status_code == 403
    from hoptac.agreements.tests.test_api import payload

    assert client.post("/api/v1/agreements", payload()).status_code == 403


def test_editor_changes_any_unit_and_deletes(api, editor, in_b):
    client = api(editor)
    assert client.patch(f"/api/v1/agreements/{in_b.pk}", {"version": 1, "number": "1"}).status_code == 200
    assert client.delete(f"/api/v1/agreements/{in_b.pk}").status_code == 204
    assert not Agreement.objects.filter(pk=in_b.pk).exists()


def test_pages_follow_the_same_rules(logged_in, contributor, viewer, in_a, in_b):
    client = logged_in(contributor)
    assert client.get(f"/agreements/{in_b.pk}/").status_code == 403
    assert client.get(f"/agreements/{in_a.pk}/edit/").status_code == 200
    assert client.get(f"/agreements/{in_b.pk}/status/").status_code == 403
    page = client.get("/agreements/")
    assert [a.pk for a, _ in page.context["rows"]] == [in_a.pk]
    client = logged_in(viewer)
    assert client.get(f"/agreements/{in_a.pk}/").status_code == 200
    assert client.get(f"/agreements/{in_a.pk}/edit/").status_code == 403
    assert client.get("/agreements/new/").status_code == 403


def test_contributor_cannot_name_a_foreign_unit_in_the_form(logged_in, contributor, unit_b):
    page = logged_in(contributor).get("/agreements/new/")
    choices = set(page.context["form"].fields["owner_unit"].queryset.values_list("pk", flat=True))
    assert unit_b.pk not in choices and contributor.unit_id in choices
    assert set(choices) <= set(Unit.objects.values_list("pk", flat=True))


def test_publishing_is_for_approvers(logged_in, editor, approver):
    assert "is_published" not in logged_in(editor).get("/agreements/new/").context["form"].fields
    assert "is_published" in logged_in(approver).get("/agreements/new/").context["form"].fields


def test_implementing_unit_reports_on_its_activity(api, logged_in, editor, contributor, in_b, unit_a):
    activity = (
        api(editor)
        .post(f"/api/v1/agreements/{in_b.pk}/activities", {"title": "Khóa đào tạo", "owner_unit": unit_a.pk})
        .json()
    )
    client = logged_in(contributor)
    page = client.get(f"/agreements/{in_b.pk}/?tab=implementation")
    # Being assigned an activity counts as being assigned the agreement (DESIGN: a contributor
    # "sees and edits what its unit owns or is assigned to").
    assert page.status_code == 200 and page.context["can_change"] is True
    assert [can for _, _, can in page.context["activities"]] == [True]
    response = client.post(
        f"/agreements/activities/{activity['id']}/edit/",
        {"title": "Khóa đào tạo", "owner_unit": unit_a.pk, "status": "done", "result": "30 học viên", "version": 1},
    )
    assert response.status_code == 302
