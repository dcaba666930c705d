import datetime

import pytest

from hoptac.partners.models import Partner
from hoptac.reference.loaders import DATA, _rows

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def _partner(key):
    return Partner.objects.get(reference_key=key)


def test_without_a_token_the_api_answers_401(api):
    response = api().get("/api/v1/partners")
    assert response.status_code == 401
    assert "message" in response.json()


def test_a_wrong_token_is_401(api):
    client = api()
    response = client.get("/api/v1/partners", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_token_is_issued_for_good_credentials_only(api, viewer):
    from hoptac.conftest import PASSWORD

    bad = api().post("/api/v1/token", {"username": viewer.username, "password": "wrong"})
    assert bad.status_code == 401
    good = api().post("/api/v1/token", {"username": viewer.username, "password": PASSWORD})
    assert good.status_code == 200
    token = good.json()["token"]
    listed = api().get("/api/v1/partners?limit=1", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200


def test_search_finds_ilo_by_acronym(api, viewer):
    response = api(viewer).get("/api/v1/partners", {"q": "ILO"})
    assert _ids(response)[0] == _partner("org:ilo").pk


def test_search_without_diacritics_finds_france(api, viewer):
    response = api(viewer).get("/api/v1/partners", {"q": "phap"})
    assert _ids(response)[0] == _partner("country:FR").pk


@pytest.mark.parametrize("query", ["UN Women", "UNW", "un women", "unwomen"])
def test_un_women_is_found_by_name_acronym_or_alias(api, viewer, query):
    assert _partner("org:un-women").pk in _ids(api(viewer).get("/api/v1/partners", {"q": query}))


def test_lien_hop_quoc_finds_the_united_nations(api, viewer):
    assert _ids(api(viewer).get("/api/v1/partners", {"q": "lien hop quoc"}))[0] == _partner("org:un").pk


def _sourced_counts(day: datetime.date) -> dict[str, set[str]]:
    """The shared table itself, read independently of the application's selectors."""
    rank = {"comprehensive": 1, "strategic": 2, "comprehensive_strategic": 3}
    best: dict[str, str] = {}
    for row in _rows("partnership_levels.csv"):
        parts = [int(p) for p in row["since"].split("-")] + [1, 1]
        if datetime.date(*parts[:3]) <= day:
            current = best.get(row["country_iso2"])
            if current is None or rank[row["level"]] > rank[current]:
                best[row["country_iso2"]] = row["level"]
    out: dict[str, set[str]] = {level: set() for level in rank}
    for iso2, level in best.items():
        out[level].add(iso2)
    return out


def test_level_filter_as_of_2025_11_30_returns_the_14_comprehensive_strategic_partners(api, viewer):
    response = api(viewer).get(
        "/api/v1/partners", {"kind": "country", "level": "comprehensive_strategic", "as_of": "2025-11-30", "limit": 100}
    )
    body = response.json()
    expected = _sourced_counts(datetime.date(2025, 11, 30))["comprehensive_strategic"]
    assert body["count"] == len(expected) == 14
    assert {item["country"] for item in body["items"]} == expected
    assert all(item["partnership_level"] == "comprehensive_strategic" for item in body["items"])


def test_as_of_end_of_2021_only_china_russia_india(api, viewer):
    response = api(viewer).get(
        "/api/v1/partners", {"kind": "country", "level": "comprehensive_strategic", "as_of": "2021-12-31"}
    )
    assert {item["country"] for item in response.json()["items"]} == {"CN", "RU", "IN"}


def test_level_counts_show_sourced_rows_beside_the_stated_totals(api, viewer):
    body = api(viewer).get("/api/v1/partners/level-counts", {"as_of": "2025-11-30"}).json()
    expected = _sourced_counts(datetime.date(2025, 11, 30))
    assert body["counts"] == {level: len(isos) for level, isos in expected.items()}
    assert body["counts"] == {"comprehensive_strategic": 14, "strategic": 14, "comprehensive": 13}
    stated = body["stated"][0]
    assert stated["values"]["strategic"] == 11 and stated["values"]["comprehensive"] == 15
    assert stated["source_url"].startswith("https://baochinhphu.vn/")


def test_filters_by_kind_and_country(api, viewer):
    body = api(viewer).get("/api/v1/partners", {"country": "fr", "limit": 200}).json()
    kinds = {item["kind"] for item in body["items"]}
    assert "country" in kinds and "development_agency" in kinds  # France and AFD
    only = api(viewer).get("/api/v1/partners", {"country": "FR", "kind": "development_agency"}).json()
    assert {item["acronym"] for item in only["items"]} >= {"AFD"}
    assert all(item["kind"] == "development_agency" for item in only["items"])


def test_pagination(api, viewer):
    first = api(viewer).get("/api/v1/partners", {"limit": 5, "offset": 0}).json()
    second = api(viewer).get("/api/v1/partners", {"limit": 5, "offset": 5}).json()
    assert len(first["items"]) == 5 and first["count"] == Partner.objects.count()
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "planet"}, "kind"),
        ({"level": "best_friends"}, "level"),
        ({"as_of": "30/11/2025"}, "as_of"),
        ({"limit": -1}, "limit"),
        ({"sort": "DROP TABLE"}, "sort"),
    ],
)
def test_bad_filters_are_422_naming_the_field(api, viewer, params, field):
    response = api(viewer).get("/api/v1/partners", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_record_shape(api, viewer):
    france = _partner("country:FR")
    item = api(viewer).get(f"/api/v1/partners/{france.pk}").json()
    assert item["id"] == france.pk and item["version"] == france.version
    assert item["url"] == f"/partners/{france.pk}/"
    assert item["country"] == "FR" and item["kind"] == "country"
    assert item["partnership_level"] == "comprehensive_strategic"
    assert [lv["level"] for lv in item["levels"]] == ["strategic", "comprehensive_strategic"]
    assert all(lv["source_url"].startswith("http") for lv in item["levels"])


def test_unknown_partner_is_404(api, viewer):
    assert api(viewer).get("/api/v1/partners/99999999").status_code == 404


NEW = {"kind": "ngo", "name_vi": "Quỹ Thử nghiệm", "name_en": "Test Foundation", "acronym": "TF", "country": "de"}


def test_editor_creates_updates_and_deletes(api, editor):
    client = api(editor)
    created = client.post("/api/v1/partners", NEW)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["country"] == "DE" and body["version"] == 1 and body["owner_unit"] == editor.unit_id
    pk = body["id"]
    updated = client.patch(f"/api/v1/partners/{pk}", {"version": 1, "acronym": "TFD", "aliases": ["Testfond", " "]})
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2 and updated.json()["aliases"] == ["Testfond"]
    history = client.get(f"/api/v1/partners/{pk}/history").json()
    assert [h["type"] for h in history] == ["changed", "created"]
    assert {"field": "acronym", "old": "TF", "new": "TFD"} in history[0]["changes"]
    assert history[0]["user"] == str(editor)
    assert client.delete(f"/api/v1/partners/{pk}").status_code == 204
    assert not Partner.objects.filter(pk=pk).exists()


def test_a_stale_version_is_409_with_what_changed(api, editor, approver):
    pk = api(editor).post("/api/v1/partners", NEW).json()["id"]
    assert api(approver).patch(f"/api/v1/partners/{pk}", {"version": 1, "name_en": "Renamed"}).status_code == 200
    stale = api(editor).patch(f"/api/v1/partners/{pk}", {"version": 1, "acronym": "X"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2
    assert {"field": "name_en", "old": "Test Foundation", "new": "Renamed"} in body["changes"]
    assert Partner.objects.get(pk=pk).acronym == "TF"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({**NEW, "country": "XX"}, "country"),
        ({**NEW, "parent": 99999999}, "parent"),
        ({**NEW, "kind": "planet"}, "kind"),
        ({**NEW, "name_en": ""}, "name_en"),
        ({**NEW, "website": "not a url"}, "website"),
        ({k: v for k, v in NEW.items() if k != "name_vi"}, "name_vi"),
    ],
)
def test_bad_input_is_422_with_field_messages(api, editor, payload, field):
    response = api(editor).post("/api/v1/partners", payload)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Partner.objects.filter(name_en="Test Foundation").exists()


def test_malformed_json_is_4xx_not_500(api, editor):
    response = api(editor).post("/api/v1/partners", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_patch_without_version_is_422(api, editor):
    pk = api(editor).post("/api/v1/partners", NEW).json()["id"]
    response = api(editor).patch(f"/api/v1/partners/{pk}", {"acronym": "X"})
    assert response.status_code == 422 and "version" in response.json()["errors"]


def test_viewer_cannot_write(api, viewer):
    assert api(viewer).post("/api/v1/partners", NEW).status_code == 403
    france = _partner("country:FR")
    assert (
        api(viewer).patch(f"/api/v1/partners/{france.pk}", {"version": france.version, "notes": "x"}).status_code == 403
    )
    assert api(viewer).delete(f"/api/v1/partners/{france.pk}").status_code == 403


def test_contributor_changes_only_its_units_partners(api, contributor, contributor_b):
    created = api(contributor).post("/api/v1/partners", NEW)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["owner_unit"] == contributor.unit_id
    # Another unit's contributor sees it (shared registry) but may not change it.
    assert api(contributor_b).get(f"/api/v1/partners/{pk}").status_code == 200
    assert api(contributor_b).patch(f"/api/v1/partners/{pk}", {"version": 1, "acronym": "Y"}).status_code == 403
    # Nor the reference partners nobody's unit maintains, nor delete anything.
    france = _partner("country:FR")
    assert (
        api(contributor).patch(f"/api/v1/partners/{france.pk}", {"version": france.version, "notes": "x"}).status_code
        == 403
    )
    assert api(contributor).delete(f"/api/v1/partners/{pk}").status_code == 403
    assert api(contributor).patch(f"/api/v1/partners/{pk}", {"version": 1, "acronym": "Z"}).status_code == 200


def test_contributor_cannot_assign_a_record_to_another_unit(api, contributor, unit_b):
    response = api(contributor).post("/api/v1/partners", {**NEW, "owner_unit": unit_b.pk})
    assert response.status_code == 403


def test_session_auth_needs_csrf_for_writes(client, editor):
    client.force_login(editor)
    assert client.get("/api/v1/partners?limit=1").status_code == 200
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post("/api/v1/partners", NEW, content_type="application/json")
    assert response.status_code in (401, 403)


def test_openapi_and_docs_are_public(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/partners" in spec.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_reference_collections(api, viewer):
    assert api(viewer).get("/api/v1/countries", {"limit": 500}).json()["count"] == len(list(_rows("countries_vi.csv")))
    fields = api(viewer).get("/api/v1/fields", {"limit": 500}).json()
    assert fields["count"] == len(list(_rows("fields.csv")))
    units = api(viewer).get("/api/v1/units", {"kind": "province", "active": True, "limit": 100}).json()
    assert units["count"] == 34
    assert (DATA / "geo" / "vn-provinces-34.geojson").exists()
