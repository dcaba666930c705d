"""Dashboard figures against the totals of the lists they link to, on fixed data."""

import re

import pytest

from hoptac.reports import figures
from hoptac.reports.figures import Filters, model

pytestmark = pytest.mark.django_db

YEAR_2025 = Filters.year(2025)


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'data-testid="result-count">\s*(\d+)', response.content.decode())
    assert match, f"no result count on {url}"
    return int(match.group(1))


# Figures of a state on a day that their lists compute on the real today (the agreements list
# takes the day as `as_of`): compared in test_state_figures_equal_their_lists_today.
ON_A_DAY = {"tasks.*"}


def _on_a_day(section: str, key: str) -> bool:
    return f"{section}.{key}" in ON_A_DAY or f"{section}.*" in ON_A_DAY


def test_every_linked_figure_equals_its_list_total(logged_in, admin_user, records, today):
    client = logged_in(admin_user)
    _compare_with_lists(client, figures.sections(admin_user, YEAR_2025, today), lambda s, k: not _on_a_day(s, k))


def test_state_figures_equal_their_lists_today(logged_in, admin_user, records):
    from django.utils import timezone

    real_today = timezone.localdate()
    client = logged_in(admin_user)
    sections = figures.sections(admin_user, Filters.year(real_today.year), real_today)
    _compare_with_lists(client, sections, _on_a_day, minimum=0)


def _compare_with_lists(client, sections, wanted, minimum: int = 4):
    checked = 0
    for section in sections.values():
        for figure in section.figures:
            if not figure.url or figure.currency or not wanted(section.key, figure.key):
                continue  # money is checked against the transactions in test_aid_figures
            path = figure.url.split("?")[0]
            if path in ("/partners/",) and figure.key == "level_changes":
                continue  # a count of level rows, linked to the country list for reading
            assert _list_count(client, figure.url) == figure.value, (section.key, figure.key, figure.url)
            checked += 1
    assert checked >= minimum


def test_unit_figures_equal_the_unit_lists(logged_in, admin_user, unit_a, records, today):
    client = logged_in(admin_user)
    sections = figures.sections(admin_user, YEAR_2025.with_unit(unit_a), today)
    _compare_with_lists(client, sections, lambda s, k: not _on_a_day(s, k))
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


def test_agreement_figures(admin_user, records, today):
    if "agreements" not in records:
        pytest.skip("agreements not landed")
    values = figures.flat(figures.sections(admin_user, YEAR_2025, today, ["agreements"]))
    assert values["agreements.signed"] == 3
    # On 15/12/2025: the 2025-2028 agreement, the MoU ending 31/01/2026 and the one ending 31/12/2025.
    assert values["agreements.in_force"] == 3
    assert values["agreements.expiring"] == 2
    chart = figures.agreements_section(admin_user, YEAR_2025, today).charts[0]
    assert chart.labels == ["2021", "2022", "2023", "2024", "2025"]
    assert sum(sum(values) for _name, values in chart.datasets) == 4


def test_aid_figures_in_vnd_and_usd(admin_user, unit_a, records, today):
    if "projects" not in records:
        pytest.skip("aid not landed")
    from decimal import Decimal

    values = figures.flat(figures.sections(admin_user, YEAR_2025, today, ["aid"]))
    assert values["aid.committed_usd"] == Decimal("300000.00")
    assert values["aid.disbursed_usd"] == Decimal("225000.75")
    assert values["aid.committed_vnd"] == Decimal("7500000000.00")
    assert values["aid.disbursed_vnd"] == Decimal("5625018750.00")
    assert values["aid.projects"] == 2
    unit_values = figures.flat(figures.sections(admin_user, YEAR_2025.with_unit(unit_a), today, ["aid"]))
    assert unit_values["aid.disbursed_usd"] == Decimal("150000.50")
    section = figures.aid_section(admin_user, YEAR_2025, today)
    by_donor = {row[0]: row for row in next(t for t in section.tables if t.key == "by_donor").rows}
    assert by_donor["ILO"][4] == Decimal("150000.50") and by_donor["UN Women"][2] == Decimal("300000.00")


def test_province_map_splits_by_location_and_follows_mergers(admin_user, records, today):
    if "projects" not in records:
        pytest.skip("aid not landed")
    from decimal import Decimal

    provinces = figures.province_aid(admin_user, YEAR_2025)
    former = records["province_former"]
    assert provinces["01"]["usd"] == Decimal("90000.30")  # 60 % of the ILO project's 150,000.50
    if former is not None:
        assert provinces[former.successor.code]["usd"] == Decimal("60000.20")
        assert former.successor.code in provinces and former.code not in provinces
    assert sum(v["usd"] for v in provinces.values()) == Decimal("150000.50")


def test_task_figures(admin_user, records, today):
    if "tasks" not in records:
        pytest.skip("programmes not landed")
    values = figures.flat(figures.sections(admin_user, YEAR_2025, today, ["tasks"]))
    assert values["tasks.tasks"] == 4
    assert values["tasks.overdue"] == 1
    assert values["tasks.due_soon"] == 1
    section = figures.tasks_section(admin_user, YEAR_2025, today)
    overdue = next(t for t in section.tables if t.key == "overdue")
    assert [row[0] for row in overdue.rows] == ["1"]


def test_country_volume_of_agreements_and_projects(admin_user, records, today):
    if "agreements" in records:
        # France: the 2025 agreement and the MoU in force until 31/12/2025 (ILO has no country).
        assert figures.country_volume(admin_user, YEAR_2025, "agreements", today) == {"FR": 2}
    if "projects" in records:
        assert figures.country_volume(admin_user, YEAR_2025, "projects", today) == {}  # ILO, UN Women: no country


def test_task_progress_as_of_the_period_end(admin_user, records, today):
    if "tasks" not in records:
        pytest.skip("programmes not landed")
    section = figures.tasks_section(admin_user, YEAR_2025, today)
    progress = {row[0]: row for row in next(t for t in section.tables if t.key == "progress").rows}
    assert progress["1"][5] == "01/05/2025 · 40%: Draft circulated"
    assert progress["1"][6] == "Late comments"
    assert progress["3"][5] == ""
