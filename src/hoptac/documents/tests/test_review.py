import pytest
from django.core.exceptions import PermissionDenied

from hoptac.documents import selectors, services
from hoptac.documents.models import Mention
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


def test_the_review_page_of_seed_000_shows_the_mentions_linkable(logged_in, editor, seeds):
    doc = seeds["000"]
    response = logged_in(editor).get(doc.get_absolute_url())
    html = response.content.decode()
    rows = {(m.type, m.text) for m in response.context["mentions"]}
    for expected in [
        ("organisation", "ILO"), ("organisation", "IOM"), ("organisation", "UNDP"), ("organisation", "UN Women"),
        ("organisation", "Ministry of Home Affairs"), ("date", "27/11/2025"), ("date", "July 1, 2025"),
    ]:  # fmt: skip
        assert expected in rows
    values = {m.display_value for m in response.context["mentions"]}
    assert {"27/11/2025", "01/07/2025", "Ministry of Home Affairs", "International Labour Organization (ILO)"} <= values
    assert 'data-testid="mention-mark"' in html and html.count('data-testid="accept"') >= 10
    assert "/partners/new/?name_en=Ministry%20of%20Labor%2C%20War%20Invalids" in html  # not in the registry


def test_accept_links_a_partner_and_reject_hides_the_highlight(logged_in, editor, seeds):
    doc = seeds["000"]
    client = logged_in(editor)
    ilo = Partner.objects.create(kind="international_organisation", name_vi="ILO", name_en="ILO", acronym="ILO")
    mention = doc.mentions.filter(type="organisation", text="ILO").first()
    assert selectors.documents_mentioning(ilo.pk, editor).count() == 0
    response = client.post(f"/documents/mentions/{mention.pk}/accept/", {"partner": ilo.pk})
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.status == "accepted" and mention.partner == ilo and mention.decided_by == editor
    assert list(selectors.documents_mentioning(ilo.pk, editor)) == [doc]
    other = doc.mentions.filter(type="organisation", text="IOM").first()
    client.post(f"/documents/mentions/{other.pk}/reject/")
    other.refresh_from_db()
    assert other.status == "rejected" and other.partner is None
    page = client.get(doc.get_absolute_url())
    assert f'id="m{other.pk}"' not in page.content.decode()
    assert Mention.history.filter(id=other.pk, history_user=editor).exists()


def test_viewers_cannot_decide(viewer, seeds):
    mention = seeds["000"].mentions.first()
    with pytest.raises(PermissionDenied):
        services.mention_accept(mention, user=viewer)


def test_mentions_api_returns_the_contract_objects(api, editor, seeds):
    doc = seeds["003"]
    data = api(editor).get(f"/api/v1/documents/{doc.pk}/mentions").json()
    numbers = [m for m in data if m["type"] == "document_number"]
    assert numbers[0] | {"id": 0, "partner": None} == {
        "id": 0, "type": "document_number", "text": "153/NQ-CP", "start": numbers[0]["start"],
        "end": numbers[0]["start"] + 9, "confidence": 0.95, "value": "153/NQ-CP", "status": "proposed", "partner": None,
    }  # fmt: skip
    decided = api(editor).post(f"/api/v1/mentions/{numbers[0]['id']}", {"status": "rejected"})
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    assert (
        api(editor).post(f"/api/v1/mentions/{numbers[0]['id']}", {"status": "accepted", "partner": 999999}).status_code
        == 422
    )
    rejected = api(editor).get(f"/api/v1/documents/{doc.pk}/mentions", {"status": "rejected"}).json()
    assert [m["text"] for m in rejected] == ["153/NQ-CP"]


def test_the_review_page_asks_a_bounded_number_of_queries(logged_in, editor, seeds, django_assert_max_num_queries):
    client = logged_in(editor)
    with django_assert_max_num_queries(45):
        client.get(seeds["000"].get_absolute_url())


def test_a_mention_can_be_corrected_when_accepted(api, editor, seeds):
    mention = seeds["001"].mentions.filter(text="October 4").first()
    response = api(editor).post(f"/api/v1/mentions/{mention.pk}", {"status": "accepted", "value": "2024-10-04"})
    assert response.status_code == 200 and response.json()["value"] == "2024-10-04"
    mention.refresh_from_db()
    assert mention.status == "accepted" and mention.value == "2024-10-04"
