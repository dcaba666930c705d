"""IATI 2.03 activity XML of projects, written as it goes (lxml.etree.xmlfile), in the element
order the schema requires. Every output validates against the official schema (tested).

hoptac fields IATI has no place for (project code, kind, linked agreement, a location's
province and share) travel as attributes in hoptac's own namespace, which IATI allows, so that
an export imports back into the same records.

The reporting organisation of a project without one is read from the environment at call
time: HOPTAC_IATI_ORG_REF (default "VN-hoptac", a placeholder to replace with the ministry's
IATI organisation identifier), HOPTAC_IATI_ORG_TYPE (default 10, government) and
HOPTAC_IATI_ORG_NAME (default: the project's owner unit)."""

import os
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from hoptac.aid.iati import NS, XML_LANG
from hoptac.aid.models import OrgRole, Project
from hoptac.web.params import CONTROL_CHARACTERS

E = etree.Element
SUB = etree.SubElement


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _narrative(parent, text: str, lang: str | None = None):
    n = SUB(parent, "narrative")
    if lang:
        n.set(XML_LANG, lang)
    n.text = CONTROL_CHARACTERS.sub("", text) if text else text  # lxml refuses them: the export would fail
    return n


def _texts(parent, tag: str, en: str, vi: str, required: bool = True):
    """An element with an English narrative and a Vietnamese one (each when given)."""
    if not (en or vi) and not required:
        return None
    el = SUB(parent, tag)
    if en or not vi:
        _narrative(el, en)
    if vi:
        _narrative(el, vi, "vi")
    return el


def _date(parent, tag: str, day, **attrs):
    el = SUB(parent, tag, **attrs)
    el.set("iso-date", day.isoformat())
    return el


def activity_element(project: Project):
    """The <iati-activity> of a project, or None when it has no date at all (IATI needs one)."""
    dates = [
        ("1", project.planned_start),
        ("2", project.actual_start),
        ("3", project.planned_end),
        ("4", project.actual_end),
    ]
    dates = [(t, d) for t, d in dates if d]
    if not dates:
        return None
    a = E("iati-activity", nsmap={"hoptac": NS})
    a.set("last-updated-datetime", timezone.localtime(project.updated_at).isoformat(timespec="seconds"))
    if project.default_currency:
        a.set("default-currency", project.default_currency)
    if project.code:
        a.set(f"{{{NS}}}code", project.code)
    a.set(f"{{{NS}}}kind", project.kind)
    # The number as recorded wins (an import brought it); else the linked agreement's own.
    agreement_number = project.agreement_number or (project.agreement.number if project.agreement_id else "")
    if agreement_number:
        a.set(f"{{{NS}}}agreement", agreement_number)
    SUB(a, "iati-identifier").text = identifier(project)
    ref, org_type, name = project.reporting_org_ref, project.reporting_org_type, project.reporting_org_name
    if not (ref or org_type or name):
        ref = os.environ.get("HOPTAC_IATI_ORG_REF", "VN-hoptac")
        org_type = os.environ.get("HOPTAC_IATI_ORG_TYPE", "10")
        unit = project.owner_unit
        name = os.environ.get("HOPTAC_IATI_ORG_NAME") or (unit.display_name("en") if unit else "hoptac")
    reporting = SUB(a, "reporting-org", ref=ref, type=org_type)
    _narrative(reporting, name)
    _texts(a, "title", project.title_en, project.title_vi)
    description = _texts(a, "description", project.description_en, project.description_vi)
    description.set("type", "1")
    organisations = list(project.organisations.all())
    for org in organisations:
        el = SUB(a, "participating-org", role=org.role)
        if org.ref:
            el.set("ref", org.ref)
        if org.org_type:
            el.set("type", org.org_type)
        name = org.name or (org.partner.name_en if org.partner_id else "")
        if name:
            _narrative(el, name)
    if not organisations:
        el = SUB(a, "participating-org", role=OrgRole.IMPLEMENTING)
        _narrative(el, project.owner_unit.display_name("en") if project.owner_unit_id else "")
    SUB(a, "activity-status", code=project.status_code)
    for date_type, day in dates:
        _date(a, "activity-date", day, type=date_type)
    for loc in project.locations.all():
        el = SUB(a, "location")
        if loc.ref:
            el.set("ref", loc.ref)
        if loc.province_id:
            el.set(f"{{{NS}}}province", loc.province.code or loc.province.name_vi)
        if loc.percentage is not None:
            el.set(f"{{{NS}}}percentage", _num(loc.percentage))
        name = loc.name or (loc.province.name_vi if loc.province_id else "")
        if name:
            _narrative(SUB(el, "name"), name)
    for sector in project.sectors.all():
        el = SUB(a, "sector", code=sector.code)
        if sector.vocabulary != "1":
            el.set("vocabulary", sector.vocabulary)
        if sector.percentage is not None:
            el.set("percentage", _num(sector.percentage))
        if sector.name:
            _narrative(el, sector.name)
    if project.flow_type:
        SUB(a, "default-flow-type", code=project.flow_type)
    if project.finance_type:
        SUB(a, "default-finance-type", code=project.finance_type)
    if project.aid_type:
        SUB(a, "default-aid-type", code=project.aid_type)
    for budget in project.budgets.all():
        el = SUB(a, "budget", type=budget.budget_type, status=budget.budget_status)
        _date(el, "period-start", budget.period_start)
        _date(el, "period-end", budget.period_end)
        value = SUB(el, "value", **{"value-date": budget.value_date.isoformat()})
        if budget.currency:
            value.set("currency", budget.currency)
        value.text = _num(budget.value)
    for tx in project.transactions.all():
        el = SUB(a, "transaction")
        if tx.ref:
            el.set("ref", tx.ref)
        SUB(el, "transaction-type", code=tx.type_code)
        _date(el, "transaction-date", tx.date)
        value = SUB(el, "value", **{"value-date": tx.value_date.isoformat()})
        if tx.currency:
            value.set("currency", tx.currency)
        value.text = _num(tx.value)
        if tx.description:
            _narrative(SUB(el, "description"), tx.description)
        for tag, ref, name in (
            ("provider-org", tx.provider_ref, tx.provider_name),
            ("receiver-org", tx.receiver_ref, tx.receiver_name),
        ):
            if ref or name:
                org = SUB(el, tag)
                if ref:
                    org.set("ref", ref)
                if name:
                    _narrative(org, name)
    for result in project.results.all():
        indicators = list(result.indicators.all())
        if not indicators:
            continue  # IATI requires at least one indicator per result
        el = SUB(a, "result", type=result.result_type)
        _narrative(SUB(el, "title"), result.title)
        if result.description:
            _narrative(SUB(el, "description"), result.description)
        for ind in indicators:
            i = SUB(el, "indicator", measure=ind.measure)
            _narrative(SUB(i, "title"), ind.title)
            if ind.baseline_year:
                baseline = SUB(i, "baseline", year=str(ind.baseline_year))
                if ind.baseline_value:
                    baseline.set("value", ind.baseline_value)
            if ind.period_start and ind.period_end:
                period = SUB(i, "period")
                _date(period, "period-start", ind.period_start)
                _date(period, "period-end", ind.period_end)
                if ind.target_value:
                    SUB(period, "target", value=ind.target_value)
                if ind.actual_value:
                    SUB(period, "actual", value=ind.actual_value)
    return a


def identifier(project: Project) -> str:
    if project.iati_identifier:
        return project.iati_identifier
    prefix = project.reporting_org_ref or os.environ.get("HOPTAC_IATI_ORG_REF", "VN-hoptac")
    return f"{prefix}-{project.code or project.pk}"


PREFETCH = (
    "organisations__partner",
    "locations__province",
    "sectors",
    "budgets",
    "transactions",
    "results__indicators",
)


def export_activities(projects, out) -> tuple[int, int]:
    """Write the projects as an IATI 2.03 file to `out` (a binary file-like object).
    Returns (exported, skipped for want of any date)."""
    exported = skipped = 0
    queryset = projects.select_related("owner_unit", "agreement").prefetch_related(*PREFETCH)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        attrs = {"version": "2.03", "generated-datetime": timezone.now().isoformat(timespec="seconds")}
        with xf.element("iati-activities", attrs, nsmap={"hoptac": NS}):
            for project in queryset.iterator(chunk_size=200):
                element = activity_element(project)
                if element is None:
                    skipped += 1
                    continue
                xf.write(element)
                exported += 1
    return exported, skipped
