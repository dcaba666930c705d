"""Writes to projects and transactions. Each runs in one transaction, records who did it,
and refuses an edit based on a stale version.

A project's parts (organisations, sectors, fields, locations, budgets, results) are given as
lists and replace the stored ones when passed; shares must sum to 100 per list (sectors: per
vocabulary, as IATI requires).

A project saved with an agreement number and no linked agreement is linked to the agreement
that has that number, when exactly one has it (compared without case and surrounding spaces)
and the user may see it. An update links only when the number changes or the change leaves the
link alone, so that someone who unlinks a project on purpose is not overruled."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoptac.aid.models import (
    Budget,
    Indicator,
    Project,
    ProjectField,
    ProjectLocation,
    ProjectOrganisation,
    ProjectSector,
    Result,
    Transaction,
    check_percentages,
)
from hoptac.aid.rates import RateTable
from hoptac.audit.services import clean_text_fields, record_create, record_delete, record_update
from hoptac.org.permissions import (
    allowed_owner_units,
    can_approve,
    can_change,
    can_create,
    can_delete,
    can_view,
    check,
)
from hoptac.search.index import index_after_commit, unindex_after_commit

PARTS = ("organisations", "sectors", "fields", "locations", "budgets", "results")


def validate_parts(parts: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if parts.get("sectors") is not None:
        by_vocabulary: dict[str, list] = {}
        for s in parts["sectors"]:
            by_vocabulary.setdefault(str(s.get("vocabulary") or "1"), []).append(_decimal(s.get("percentage")))
        for values in by_vocabulary.values():
            try:
                check_percentages(values, _("sector"))
            except ValidationError as exc:
                errors.setdefault("sectors", []).extend(exc.messages)
    if parts.get("fields") is not None:
        values = [_decimal(f.get("percentage")) for f in parts["fields"]]
        if values and any(v is None for v in values):
            errors.setdefault("fields", []).append(_("Give a percentage for every field."))
        else:
            try:
                check_percentages(values, _("field"))
            except ValidationError as exc:
                errors.setdefault("fields", []).extend(exc.messages)
    if parts.get("locations") is not None:
        try:
            check_percentages([_decimal(loc.get("percentage")) for loc in parts["locations"]], _("location"))
        except ValidationError as exc:
            errors.setdefault("locations", []).extend(exc.messages)
    for part, key in (
        ("sectors", lambda s: (str(s.get("vocabulary") or "1"), s.get("code"))),
        ("fields", lambda f: f.get("field")),
        ("locations", lambda loc: loc.get("province")),
    ):
        keys = [key(row) for row in parts.get(part) or []]
        keys = [k for k in keys if k is not None]
        if len(keys) != len(set(keys)):
            errors.setdefault(part, []).append(_("The same line is given twice."))
    if errors:
        raise ValidationError(errors)


def _checked(rows: list, exclude: list[str]) -> list[str]:
    """Each row's own field rules (digits, lengths, dates, codes): bulk_create checks none, and a
    value the database stores but a page cannot show (an amount of 1e30) would break every read."""
    messages = []
    for n, row in enumerate(rows, start=1):
        try:
            clean_text_fields(row)
            row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                label = row._meta.get_field(name).verbose_name if name != "__all__" else ""
                for error in errors:
                    messages.append(
                        _("line %(n)s, %(field)s: %(error)s") % {"n": n, "field": label, "error": error}
                        if label
                        else _("line %(n)s: %(error)s") % {"n": n, "error": error}
                    )
    return messages


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _save_parts(project: Project, parts: dict[str, Any]) -> None:
    """Replace the parts given (None: keep), after every new row has passed its field rules."""
    rows: dict[str, list] = {}
    if parts.get("organisations") is not None:
        rows["organisations"] = [
            ProjectOrganisation(project=project, position=i, **o) for i, o in enumerate(parts["organisations"])
        ]
    if parts.get("sectors") is not None:
        rows["sectors"] = [
            ProjectSector(
                project=project,
                position=i,
                vocabulary=str(s.get("vocabulary") or "1"),
                code=s["code"],
                name=s.get("name", ""),
                percentage=_decimal(s.get("percentage")),
            )
            for i, s in enumerate(parts["sectors"])
        ]
    if parts.get("fields") is not None:
        rows["fields"] = [
            ProjectField(project=project, field=f["field"], percentage=_decimal(f["percentage"]))
            for f in parts["fields"]
        ]
    if parts.get("locations") is not None:
        rows["locations"] = [
            ProjectLocation(project=project, position=i, **{**loc, "percentage": _decimal(loc.get("percentage"))})
            for i, loc in enumerate(parts["locations"])
        ]
    if parts.get("budgets") is not None:
        rows["budgets"] = [Budget(project=project, **b) for b in parts["budgets"]]
    results: list[tuple[Result, list[Indicator]]] = []
    if parts.get("results") is not None:
        for i, r in enumerate(parts["results"]):
            result = Result(project=project, position=i, **{k: v for k, v in r.items() if k != "indicators"})
            indicators = [Indicator(position=j, **ind) for j, ind in enumerate(r.get("indicators", []))]
            results.append((result, indicators))
        rows["results"] = [r for r, _inds in results] + [ind for _r, inds in results for ind in inds]
    errors = {part: messages for part, objs in rows.items() if (messages := _checked(objs, ["project", "result"]))}
    if errors:
        raise ValidationError(errors)

    for part, model in (
        ("organisations", ProjectOrganisation),
        ("sectors", ProjectSector),
        ("fields", ProjectField),
        ("locations", ProjectLocation),
        ("budgets", Budget),
    ):
        if part in rows:
            model.objects.filter(project=project).delete()
            model.objects.bulk_create(rows[part])
    if parts.get("results") is not None:
        project.results.all().delete()
        for result, indicators in results:
            result.save()
            for indicator in indicators:
                indicator.result = result
            Indicator.objects.bulk_create(indicators)


def _check_owner_unit(user, unit) -> None:
    if unit is not None:
        check(allowed_owner_units(user).filter(pk=unit.pk).exists())


def agreement_for_number(number: str, user=None):
    """The one agreement whose number is `number`, if exactly one has it and `user` (when given)
    may see it; else None. Two agreements with the same number are ambiguous: link neither."""
    from hoptac.agreements.models import Agreement

    number = (number or "").strip()
    if not number:
        return None
    matches = list(Agreement.objects.filter(number__iexact=number)[:2])
    if len(matches) != 1 or (user is not None and not can_view(user, matches[0])):
        return None
    return matches[0]


def _check_agreement(user, agreement) -> None:
    if agreement is not None and user is not None:
        check(can_view(user, agreement))


def _split(data: dict[str, Any]) -> tuple[dict, dict, list | None]:
    parts = {name: data.pop(name) for name in PARTS if name in data}
    units = data.pop("implementing_units", None)
    return data, parts, units


def project_create(*, user, **data: Any) -> Project:
    check(can_create(user, Project))
    data, parts, units = _split(dict(data))
    if data.get("is_published"):
        check(can_approve(user))
    _check_agreement(user, data.get("agreement"))
    if data.get("agreement") is None and data.get("agreement_number"):
        data["agreement"] = agreement_for_number(data["agreement_number"], user)
    project = Project(**data)
    if project.owner_unit_id is None and user is not None and getattr(user, "unit_id", None):
        project.owner_unit_id = user.unit_id
    _check_owner_unit(user, project.owner_unit)
    project.search_text = project.make_search_text()
    validate_parts(parts)
    with transaction.atomic():
        project = record_create(project, user=user, m2m={"implementing_units": units} if units is not None else None)
        _save_parts(project, parts)
    index_after_commit(project)
    return project


def project_update(project: Project, *, user, version: int | None, **changes: Any) -> Project:
    check(can_change(user, project))
    changes, parts, units = _split(dict(changes))
    if "is_published" in changes and changes["is_published"] != project.is_published:
        check(can_approve(user))
    if "owner_unit" in changes and changes["owner_unit"] != project.owner_unit:
        _check_owner_unit(user, changes["owner_unit"])
    if changes.get("parent") is not None and _is_descendant(changes["parent"], project):
        raise ValidationError({"parent": [_("A project cannot be part of itself.")]})
    if "agreement" in changes and changes["agreement"] != project.agreement:
        _check_agreement(user, changes["agreement"])
    _link_agreement(project, changes, user)
    validate_parts(parts)
    preview = Project(**{f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields})
    for name, value in changes.items():
        setattr(preview, name, value)
    changes["search_text"] = preview.make_search_text()
    with transaction.atomic():
        project = record_update(
            project,
            user=user,
            expected_version=version,
            changes=changes,
            m2m={"implementing_units": units} if units is not None else None,
        )
        _save_parts(project, parts)
    index_after_commit(project)
    return project


def _link_agreement(project: Project, changes: dict[str, Any], user) -> None:
    linked = changes["agreement"] if "agreement" in changes else project.agreement
    number = changes.get("agreement_number", project.agreement_number)
    number_changed = "agreement_number" in changes and changes["agreement_number"] != project.agreement_number
    if linked is None and number and (number_changed or "agreement" not in changes):
        found = agreement_for_number(number, user)
        if found is not None:
            changes["agreement"] = found


def _is_descendant(candidate: Project, project: Project) -> bool:
    seen, node = set(), candidate
    while node is not None and node.pk not in seen:
        if node.pk == project.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def project_delete(project: Project, *, user, version: int | None = None) -> None:
    check(can_delete(user, project))
    pk = project.pk
    record_delete(project, user=user, expected_version=version)
    unindex_after_commit("project", pk)


def convert(tx: Transaction, rates: RateTable | None = None) -> Transaction:
    """Set the transaction's rates and VND/USD amounts from the rate table (month of its value date)."""
    conversion = (rates or RateTable()).convert(tx.value, tx.currency, tx.value_date)
    if conversion is None:
        tx.rate_month = tx.rate_vnd = tx.rate_usd = tx.value_vnd = tx.value_usd = None
    else:
        tx.rate_month = conversion.month
        tx.rate_vnd, tx.rate_usd = conversion.rate_vnd, conversion.rate_usd
        tx.value_vnd, tx.value_usd = conversion.value_vnd, conversion.value_usd
    return tx


def transaction_create(*, user, project: Project, **data: Any) -> Transaction:
    check(can_change(user, project))
    data.setdefault("currency", project.default_currency)
    data.setdefault("value_date", data.get("date"))
    tx = Transaction(project=project, created_by=user, **data)
    if not tx.currency:
        raise ValidationError({"currency": [_("Give the currency (the project has no default currency).")]})
    convert(tx)
    tx = record_create(tx, user=user)
    index_after_commit(project)
    return tx


def transaction_update(
    tx: Transaction, *, user, version: int | None, reconvert: bool = False, **changes
) -> Transaction:
    """Change a transaction. Its stored rate is kept unless the amount, currency or value date
    changes (or `reconvert` asks for the table's current rate)."""
    check(can_change(user, tx.project))
    money_changed = any(
        name in changes and changes[name] != getattr(tx, name) for name in ("value", "currency", "value_date")
    )
    if money_changed or reconvert:
        preview = Transaction(**{f.attname: getattr(tx, f.attname) for f in Transaction._meta.concrete_fields})
        for name, value in changes.items():
            setattr(preview, name, value)
        convert(preview)
        for name in ("rate_month", "rate_vnd", "rate_usd", "value_vnd", "value_usd"):
            changes[name] = getattr(preview, name)
    return record_update(tx, user=user, expected_version=version, changes=changes)


def transaction_delete(tx: Transaction, *, user, version: int | None = None) -> None:
    check(can_change(user, tx.project))
    record_delete(tx, user=user, expected_version=version)
