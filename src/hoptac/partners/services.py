"""Writes to the partner registry. Each runs in one transaction, records who did it,
and refuses an edit based on a stale version."""

from typing import Any

from hoptac.audit.services import record_create, record_delete, record_update
from hoptac.org.permissions import allowed_owner_units, can_change, can_create, can_delete, check
from hoptac.partners.models import Contact, Partner
from hoptac.search.folding import fold_words, search_blob
from hoptac.search.index import index_after_commit, unindex_after_commit


def partner_search_text(partner: Partner) -> str:
    """Folded text the registry search matches: `|name|` keys for exact matches, then words."""
    names = [partner.acronym, partner.name_vi, partner.name_en, *partner.aliases]
    keys = "|" + "|".join(" ".join(fold_words(n)) for n in names if n) + "|"
    country = partner.country
    return keys + search_blob(*names, country.name_vi if country else "", country.name_en if country else "")


def _clean_aliases(aliases: Any) -> list[str]:
    if isinstance(aliases, str):
        aliases = aliases.splitlines()
    seen, result = set(), []
    for alias in aliases or []:
        alias = str(alias).strip()
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            result.append(alias)
    return result


def _check_owner_unit(user, unit_id: int | None) -> None:
    if unit_id is not None:
        check(allowed_owner_units(user).filter(pk=unit_id).exists())


def partner_create(*, user, **data: Any) -> Partner:
    check(can_create(user, Partner))
    data["aliases"] = _clean_aliases(data.get("aliases"))
    partner = Partner(**data)
    if partner.owner_unit_id is None and user is not None and getattr(user, "unit_id", None):
        partner.owner_unit_id = user.unit_id
    _check_owner_unit(user, partner.owner_unit_id)
    partner.search_text = partner_search_text(partner)
    partner = record_create(partner, user=user)
    index_after_commit(partner)
    return partner


def partner_update(partner: Partner, *, user, version: int | None, **changes: Any) -> Partner:
    check(can_change(user, partner))
    if "aliases" in changes:
        changes["aliases"] = _clean_aliases(changes["aliases"])
    if "owner_unit" in changes:
        _check_owner_unit(user, changes["owner_unit"].pk if changes["owner_unit"] else None)
    preview = Partner(**{f.attname: getattr(partner, f.attname) for f in Partner._meta.concrete_fields})
    for name, value in changes.items():
        setattr(preview, name, value)
    changes["search_text"] = partner_search_text(preview)
    partner = record_update(partner, user=user, expected_version=version, changes=changes)
    index_after_commit(partner)
    return partner


def partner_delete(partner: Partner, *, user, version: int | None = None) -> None:
    check(can_delete(user, partner))
    pk = partner.pk
    record_delete(partner, user=user, expected_version=version)
    unindex_after_commit("partner", pk)


def contact_create(*, user, partner: Partner, **data: Any) -> Contact:
    check(can_change(user, partner))
    return record_create(Contact(partner=partner, created_by=user, **data), user=user)


def contact_update(contact: Contact, *, user, version: int | None, **changes: Any) -> Contact:
    check(can_change(user, contact.partner))
    return record_update(contact, user=user, expected_version=version, changes=changes)


def contact_delete(contact: Contact, *, user) -> None:
    check(can_change(user, contact.partner))
    record_delete(contact, user=user)
