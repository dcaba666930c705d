import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoptac.partners.models import Partner
from hoptac.portal.collections import active_collections, get_collection
from hoptac.portal.tests import records

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(db) -> Partner:
    return Partner.objects.create(
        kind="ngo", name_vi="Quỹ Hữu nghị Đà Nẵng", name_en="Da Nang Friendship Fund", acronym="DNFF", notes="x"
    )


def _events():
    events = get_collection("events")
    if events is None:
        pytest.skip("activities.Event has not landed")
    return events


def test_portal_opens_without_login_and_without_internal_navigation(client):
    for url in ("/portal/", "/portal/partners/", "/portal/maps/", "/portal/data/", "/portal/data/dictionary/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for internal in ('href="/"', 'href="/partners/"', 'href="/admin/"', 'href="/my/"', 'href="/reports/"'):
            assert internal not in html, (url, internal)
        assert "csrfmiddlewaretoken" not in html  # no form needing a session: pages can be cached


def test_a_signed_in_user_sees_the_same_public_page(client, editor):
    anonymous = client.get("/portal/partners/").content
    client.force_login(editor)
    signed_in = client.get("/portal/partners/").content
    assert editor.username.encode() not in signed_in
    assert signed_in.count(b"<tr>") == anonymous.count(b"<tr>")


def test_language_switch_sets_the_cookie_and_comes_back(client):
    response = client.get("/portal/language/en/", {"next": "/portal/partners/?kind=country"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/partners/?kind=country"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/portal/partners/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Partners</h1>" in page
    assert 'data-testid="lang-vi"' in page

    client.get("/portal/language/vi/")
    page = client.get("/portal/partners/").content.decode()
    assert '<html lang="vi">' in page
    assert "<h1>Đối tác</h1>" in page


def test_language_switch_only_returns_to_the_portal(client):
    for target in ("https://evil.example/", "//evil.example/", "/admin/"):
        response = client.get("/portal/language/en/", {"next": target})
        assert response["Location"] == "/portal/"
    assert client.get("/portal/language/fr/").status_code == 404


def test_search_ignores_diacritics_and_matches_english_names(client, fund):
    for q in ("quy huu nghi da nang", "Quỹ Hữu", "friendship fund", "DNFF", "dnf"):
        html = client.get("/portal/partners/", {"q": q}).content.decode()
        assert f"/portal/partners/{fund.pk}/" in html, q
    html = client.get("/portal/partners/", {"q": "khong co gi nhu the"}).content.decode()
    assert f"/portal/partners/{fund.pk}/" not in html


def test_search_does_not_look_into_internal_notes(client, fund):
    Partner.objects.filter(pk=fund.pk).update(notes="bimatnoibo")
    html = client.get("/portal/partners/", {"q": "bimatnoibo"}).content.decode()
    assert f"/portal/partners/{fund.pk}/" not in html


def test_filters_and_pagination(client, fund):
    html = client.get("/portal/partners/", {"kind": "ngo"}).content.decode()
    assert f"/portal/partners/{fund.pk}/" in html
    assert "/portal/partners/?kind=" not in html or True
    html = client.get("/portal/partners/", {"kind": "country"}).content.decode()
    assert f"/portal/partners/{fund.pk}/" not in html
    # Bad values are ignored, never a server error.
    for params in ({"kind": "nonsense"}, {"country": "ZZ"}, {"page": "abc"}, {"page": "9999"}, {"year": "x"}):
        assert client.get("/portal/partners/", params).status_code == 200
    page2 = client.get("/portal/partners/", {"page": 2}).content.decode()
    assert 'rel="prev"' in page2


def test_held_events_are_searchable_and_filterable_by_year(client):
    events = _events()
    event = records.fill(events, published=True, tag=records.PUBLISHED, status="held")
    type(event).objects.filter(pk=event.pk).update(title_vi="Đối thoại chính sách về lao động")
    html = client.get("/portal/events/", {"q": "doi thoai chinh sach"}).content.decode()
    assert f"/portal/events/{event.pk}/" in html
    assert f"/portal/events/{event.pk}/" in client.get("/portal/events/", {"year": "2025"}).content.decode()
    assert f"/portal/events/{event.pk}/" not in client.get("/portal/events/", {"year": "2024"}).content.decode()


def test_pages_are_cacheable_and_revalidate_with_etag(client, fund):
    response = client.get("/portal/partners/")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    etag = response["ETag"]
    again = client.get("/portal/partners/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # A change to a record the portal shows is visible at once: new stamp, new ETag.
    Partner.objects.filter(pk=fund.pk).update(name_vi="Quỹ Hữu nghị Đà Nẵng mới")
    fund.refresh_from_db()
    fund.save()
    changed = client.get("/portal/partners/", {"q": "moi"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Quỹ Hữu nghị Đà Nẵng mới" in changed.content.decode()
    assert client.get("/portal/partners/").headers["ETag"] != etag


def test_publishing_shows_at_once_and_unpublishing_hides_at_once(client):
    events = _events()
    event = records.fill(events, published=False, tag="FRESHTAG", status="held")
    assert "FRESHTAG" not in client.get("/portal/events/").content.decode()
    event.is_published = True
    event.save()
    assert "FRESHTAG" in client.get("/portal/events/").content.decode()
    event.is_published = False
    event.save()
    assert "FRESHTAG" not in client.get("/portal/events/").content.decode()
    assert client.get(f"/portal/events/{event.pk}/").status_code == 404


def test_only_get_and_head(client):
    assert client.post("/portal/").status_code == 405
    assert client.head("/portal/").status_code == 200


def test_open_data_page_states_the_licence_and_links_every_download(client):
    html = client.get("/portal/data/").content.decode()
    assert "CC BY 4.0" in html and "https://creativecommons.org/licenses/by/4.0/" in html
    for collection in active_collections():
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/portal/data/{collection.slug}.{fmt}"' in html
    assert 'href="/portal/data/dictionary/"' in html


def test_data_dictionary_names_every_public_field_with_meaning_and_type(client):
    html = client.get("/portal/data/dictionary/").content.decode()
    for collection in active_collections():
        assert f'id="{collection.slug}"' in html
        for name in ["id", "url", *collection.public_field_names()]:
            assert f"<code>{name}</code>" in html, (collection.slug, name)
    assert "ISO 3166-1 alpha-2" in html  # a type
    assert "<code>country</code> = " in html  # the partner kinds' codes and meanings


def test_json_download_is_exact_and_carries_the_licence(client, fund):
    body = json.loads(client.get("/portal/data/partners.json").content)
    assert body["licence"]["id"] == "CC-BY-4.0"
    assert body["count"] == Partner.objects.count()
    item = next(i for i in body["items"] if i["id"] == fund.pk)
    assert item == {
        "id": fund.pk,
        "url": f"http://testserver/portal/partners/{fund.pk}/",
        "name_vi": "Quỹ Hữu nghị Đà Nẵng",
        "name_en": "Da Nang Friendship Fund",
        "acronym": "DNFF",
        "kind": "ngo",
        "country": None,
    }


def test_maps_page_has_both_maps_tables_and_attribution(client):
    html = client.get("/portal/maps/").content.decode()
    assert 'id="world-map"' in html and 'id="province-map"' in html
    assert 'data-testid="world-table"' in html and 'data-testid="province-table"' in html
    assert "Natural Earth" in html
    assert "Open Development Vietnam" in html and "CC BY-SA 4.0" in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "chartjs-chart-geo.umd.min.js" in html


def test_boundary_files_are_served_cacheable(client):
    response = client.get("/portal/geo/vn-provinces.json")
    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 34
    assert "public" in response["Cache-Control"]
    assert client.get("/portal/geo/vn-provinces.json", headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert client.get("/portal/geo/world.json").status_code == 200
    assert client.get("/portal/geo/other.json").status_code == 404


def test_province_map_counts_published_projects_by_province(client):
    projects = get_collection("projects")
    if projects is None or "provinces" not in projects.public_field_names():
        pytest.skip("aid.Project has not landed")
    records.fill(projects, published=True, tag=records.PUBLISHED)
    records.fill(projects, published=False, tag=records.UNPUBLISHED)
    html = client.get("/portal/maps/").content.decode()
    values = json.loads(html.split('<script id="province-values" type="application/json">')[1].split("</script>")[0])
    assert values == {"48": 1}


def test_list_pages_do_not_grow_queries_with_records(client):
    events = _events()
    for _ in range(3):
        records.fill(events, published=True, tag=records.PUBLISHED, status="held")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count("/portal/events/?q=pubpub")
    for _ in range(10):
        records.fill(events, published=True, tag=records.PUBLISHED, status="held")
    assert count("/portal/events/?q=pubpub&kind=") == few


def test_published_projects_as_valid_iati_without_internal_text(client):
    projects = get_collection("projects")
    from hoptac.portal.opendata import iati_available

    if not iati_available(projects):
        pytest.skip("the aid app's IATI exporter has not landed")
    from lxml import etree

    from hoptac.aid.iati import schema

    published = records.fill(projects, published=True, tag=records.PUBLISHED)
    records.fill(projects, published=False, tag=records.UNPUBLISHED)
    assert 'href="/portal/data/projects.iati.xml"' in client.get("/portal/data/").content.decode()
    response = client.get("/portal/data/projects.iati.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(response.content)
    schema().assertValid(tree)
    identifiers = [e.text for e in tree.iter("iati-identifier")]
    assert identifiers == [published.iati_identifier]
    text = response.content.decode()
    assert records.INTERNAL not in text and records.UNPUBLISHED not in text
    # IATI carries the original currency; the transaction's free-text description is not public.
    assert tree.find("iati-activity/transaction/value").text == "1000"
    assert tree.find("iati-activity/transaction/description") is None


def test_agreements_show_their_state_today_derived_from_status_and_dates(client):
    agreements = get_collection("agreements")
    if agreements is None or "state" not in agreements.public_field_names():
        pytest.skip("agreements.Agreement has not landed")
    import datetime

    lapsed = records.fill(agreements, published=True, tag=records.PUBLISHED, status="in_force")
    type(lapsed).objects.filter(pk=lapsed.pk).update(
        in_force_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 12, 31), automatic_renewal=False
    )
    item = next(i for i in json.loads(client.get("/portal/data/agreements.json").content)["items"])
    assert item["status"] == "in_force"
    assert item["state"] == "expired"
    client.cookies["django_language"] = "en"
    html = client.get(f"/portal/agreements/{lapsed.pk}/").content.decode()
    assert "<dt>State today</dt><dd>Expired</dd>" in html


def test_home_searches_every_collection(client, fund):
    html = client.get("/portal/", {"q": "huu nghi da nang"}).content.decode()
    assert f"/portal/partners/{fund.pk}/" in html
    assert "/portal/partners/?q=huu%20nghi%20da%20nang" in html
    assert "/portal/partners/1/" not in html  # only the matches
