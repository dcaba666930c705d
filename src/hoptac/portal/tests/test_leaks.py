"""The leak test: walk every portal page and every download, as an anonymous reader in both
languages, and check that no unpublished record and no field outside the public list shows."""

import io
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from openpyxl import load_workbook

from hoptac.portal.collections import COLLECTIONS, active_collections
from hoptac.portal.selectors import filters_for
from hoptac.portal.tests import records

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)')
SKIP = ("/portal/language/", "/portal/geo/")


def _text(response) -> str:
    content_type = response.headers.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8")


def _filter_urls(language: str) -> list[str]:
    urls = []
    for collection in active_collections():
        for flt in filters_for(collection, {}, language):
            # Record types have few values; the partner registry has a country filter of ~250.
            urls += [f"/portal/{collection.slug}/?{flt.name}={o.value}" for o in flt.options[:12]]
    return urls


def walk(client, language: str, limit: int = 1500) -> dict[str, str]:
    """Every page reachable from /portal/ by links (and every filter value), staying on the portal."""
    client.cookies["django_language"] = language
    queue = ["/portal/", "/portal/data/", *_filter_urls(language)]
    seen: dict[str, str] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "login" not in response.headers.get("Location", "")
        text = _text(response)
        seen[url] = text
        if "text/html" in response.headers.get("Content-Type", ""):
            for href in HREF.findall(text):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or not parts.path.startswith("/portal/") or parts.path.startswith(SKIP):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                # Partner pages are many and alike: the first pages of the registry are enough.
                if re.match(r"^/portal/partners/\d+/$", target) and _partner_pages(seen) > 30:
                    continue
                if target not in seen:
                    queue.append(target)
    return seen


def _partner_pages(seen) -> int:
    return sum(1 for u in seen if re.match(r"^/portal/partners/\d+/$", u))


@pytest.fixture
def made(db):
    records.mark_partner_internals()
    return records.make_all()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_unpublished_record_and_no_internal_field_on_any_page_or_download(client, made, language):
    pages = walk(client, language)
    slugs = [c.slug for c in active_collections()]
    for slug in slugs:
        for fmt in ("csv", "xlsx", "json"):
            assert f"/portal/data/{slug}.{fmt}" in pages
        assert f"/portal/{slug}/" in pages
    for slug, entry in made.items():
        assert f"/portal/{slug}/{entry['published'].pk}/" in pages
    assert "/portal/maps/" in pages and "/portal/data/dictionary/" in pages

    for url, text in pages.items():
        assert records.INTERNAL not in text, url
        assert records.UNPUBLISHED not in text, url
        assert records.NOT_HELD not in text, url
        assert "secret@example.org" not in text, url

    # The published records are there (so the walk did see records, not empty pages).
    for slug in made:
        assert records.PUBLISHED in pages[f"/portal/data/{slug}.json"]
        assert records.PUBLISHED in pages[f"/portal/data/{slug}.csv"]
        assert records.PUBLISHED in pages[f"/portal/data/{slug}.xlsx"]
        assert records.PUBLISHED in pages[f"/portal/{slug}/"]


def test_downloads_have_exactly_the_public_columns(client, made):
    for collection in active_collections():
        body = json.loads(client.get(f"/portal/data/{collection.slug}.json").content)
        allowed = {"id", "url", *collection.public_field_names()}
        for item in body["items"]:
            assert set(item) == allowed
        declared = getattr(collection.model(), "portal_fields", None)
        derived = {d.name for d in collection.available_derived()}
        if declared is not None:
            assert set(collection.public_field_names()) - derived <= set(declared)
        header = _text(client.get(f"/portal/data/{collection.slug}.csv")).lstrip("\ufeff").splitlines()[0]
        assert header.split(",") == ["id", "url", *collection.public_field_names()]


def test_unpublished_and_held_back_records_are_404(client, made):
    assert made, "no publishable record type exists yet"
    for slug, entry in made.items():
        assert client.get(f"/portal/{slug}/{entry['published'].pk}/").status_code == 200
        assert client.get(f"/portal/{slug}/{entry['unpublished'].pk}/").status_code == 404
        if "outside" in entry:
            assert client.get(f"/portal/{slug}/{entry['outside'].pk}/").status_code == 404
    assert client.get("/portal/partners/999999/").status_code == 404
    assert client.get("/portal/nothing/").status_code == 404
    assert client.get("/portal/data/nothing.csv").status_code == 404
    assert client.get("/portal/data/partners.pdf").status_code == 404


def test_searching_for_internal_words_finds_nothing(client, made):
    for collection in active_collections():
        for word in ("internalsecret", "hiddenunpub", "notheldpub"):
            response = client.get(f"/portal/{collection.slug}/", {"q": word})
            assert response.status_code == 200
            table = response.content.decode().split('data-testid="portal-table"')[1]
            assert "/portal/" not in table.split("</table>")[0], (collection.slug, word)
    for word in ("internalsecret", "hiddenunpub", "notheldpub"):
        html = client.get("/portal/", {"q": word}).content.decode()
        assert not re.search(r'href="/portal/[a-z]+/\d+/"', html), word


def test_every_registered_collection_is_active_or_waits_for_its_app():
    for collection in COLLECTIONS:
        model = collection.model()
        if model is not None and collection.needs_published_flag:
            assert any(f.name == "is_published" for f in model._meta.fields)
