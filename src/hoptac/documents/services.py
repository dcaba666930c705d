"""Writes to documents and their mentions. Each runs in one transaction with the acting user;
the search index follows after commit."""

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoptac.audit.services import record_create, record_delete, record_update
from hoptac.documents import textract
from hoptac.documents.models import Document, Mention
from hoptac.org.permissions import allowed_owner_units, can_change, can_create, can_delete, check
from hoptac.search import index as search_index


class DuplicateDocument(Exception):
    """The same bytes (or the same pasted text) are already stored."""

    def __init__(self, existing: Document):
        self.existing = existing
        super().__init__(_("Already stored as document %(id)s: %(title)s") % {"id": existing.pk, "title": existing})


@dataclass
class IngestResult:
    document: Document | None
    created: bool


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _allowed(user, allowed: bool) -> None:
    """`user=None` is the system itself (`hoptac ingest`, `hoptac demo`): no permission check."""
    if user is not None:
        check(allowed)


def _check_owner_unit(user, unit) -> None:
    if unit is not None and user is not None:
        check(allowed_owner_units(user).filter(pk=unit.pk).exists())


def _default_owner(user, meta: dict) -> None:
    if meta.get("owner_unit") is None and user is not None and getattr(user, "unit_id", None):
        meta["owner_unit"] = user.unit


def _store(document: Document, *, user, data: bytes | None, today: datetime.date | None) -> Document:
    """Save the document and its proposed mentions in one transaction; the file goes with it."""
    from hoptac.documents.extraction import extract_mentions

    saved_name = None
    try:
        with transaction.atomic():
            if data is not None:
                document.file.save(document.file_name or "document", ContentFile(data), save=False)
                saved_name = document.file.name
            record_create(document, user=user)
            mentions = extract_mentions(
                document.text, lang=document.language, doc_date=document.published_on, today=today
            )
            countries = _country_partners([m["value"] for m in mentions if m["type"] == "country"])
            Mention.objects.bulk_create(
                [
                    Mention(
                        document=document,
                        type=m["type"],
                        start=m["start"],
                        end=m["end"],
                        text=m["text"][:500],
                        value=m["value"],
                        confidence=m["confidence"],
                        partner_id=_linked_partner(m, countries),
                    )
                    for m in mentions
                ]
            )
            search_index.index_after_commit(document)
    except BaseException:
        if saved_name:
            document.file.storage.delete(saved_name)
        raise
    return document


def _country_partners(codes: list[str]) -> dict[str, int]:
    from hoptac.partners.models import Partner

    keys = {f"country:{code}" for code in codes if code}
    return {
        key.removeprefix("country:"): pk
        for key, pk in Partner.objects.filter(reference_key__in=keys).values_list("reference_key", "pk")
    }


def _linked_partner(mention: dict, countries: dict[str, int]) -> int | None:
    """The registry partner a mention proposes: an organisation's partner_id, a country's partner."""
    if mention["type"] == "organisation":
        return (mention["value"] or {}).get("partner_id")
    if mention["type"] == "country":
        return countries.get(mention["value"])
    return None


def _find_duplicate(digest: str) -> Document | None:
    return Document.objects.filter(content_hash=digest).first()


def document_create_from_file(
    *, user, name: str, data: bytes, today: datetime.date | None = None, **meta: Any
) -> Document:
    """Store an uploaded file. Raises DuplicateDocument if the same bytes are stored already,
    ValidationError if the file is too large or cannot be read."""
    _allowed(user, user is None or can_create(user, Document))
    limit = settings.HOPTAC_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}]}
        )
    digest = content_hash(data)
    existing = _find_duplicate(digest)
    if existing:
        raise DuplicateDocument(existing)
    try:
        extracted = textract.extract(name, data)
    except textract.ExtractionError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    _default_owner(user, meta)
    _check_owner_unit(user, meta.get("owner_unit"))
    document = Document(
        title=(meta.pop("title", "") or extracted.title or name)[:500],
        language=meta.pop("language", "") or textract.detect_language(extracted.text),
        file_name=name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        format=extracted.format,
        size=len(data),
        text=extracted.text,
        content_hash=digest,
        created_by=user,
        **meta,
    )
    return _store(document, user=user, data=data, today=today)


def document_create_from_text(
    *, user, title: str, text: str, today: datetime.date | None = None, **meta: Any
) -> Document:
    """Register a web address (or any source) with its text pasted in."""
    _allowed(user, user is None or can_create(user, Document))
    text = textract.normalise(text or "")
    if not text:
        raise ValidationError({"text": [_("Paste the text of the document.")]})
    data = text.encode("utf-8")
    if len(data) > settings.HOPTAC_UPLOAD_MAX_BYTES:
        raise ValidationError({"text": [_("The text is too long.")]})
    digest = content_hash(data)
    existing = _find_duplicate(digest)
    if existing:
        raise DuplicateDocument(existing)
    _default_owner(user, meta)
    _check_owner_unit(user, meta.get("owner_unit"))
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    document = Document(
        title=(title or first_line)[:500],
        language=meta.pop("language", "") or textract.detect_language(text),
        format=Document.Format.PASTED,
        size=len(data),
        text=text,
        content_hash=digest,
        created_by=user,
        **meta,
    )
    return _store(document, user=user, data=None, today=today)


EDITABLE = ("title", "language", "kind", "source", "source_url", "published_on", "owner_unit")


def document_update(document: Document, *, user, version: int | None, **changes: Any) -> Document:
    check(can_change(user, document))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    if "owner_unit" in changes and changes["owner_unit"] != document.owner_unit:
        _check_owner_unit(user, changes["owner_unit"])
    with transaction.atomic():
        document = record_update(document, user=user, expected_version=version, changes=changes)
        search_index.index_after_commit(document)
    return document


def document_delete(document: Document, *, user, version: int | None = None) -> None:
    check(can_delete(user, document))
    name, storage, pk = document.file.name, document.file.storage, document.pk
    with transaction.atomic():
        record_delete(document, user=user, expected_version=version)
        search_index.unindex_after_commit("document", pk)
        if name:
            transaction.on_commit(lambda: storage.delete(name))


_UNSET = object()


def _decide(mention: Mention, *, user, status: str, partner=None, value=_UNSET) -> Mention:
    check(can_change(user, mention.document))
    with transaction.atomic():
        mention = Mention.objects.select_for_update().get(pk=mention.pk)
        mention.status = status
        mention.partner = partner
        if value is not _UNSET:
            mention.value = value
        mention.decided_by = user
        mention.decided_at = timezone.now()
        mention._history_user = user
        mention.save()
        # The document's partners (a search facet) follow its mentions.
        search_index.index_after_commit(mention.document)
    return mention


def mention_accept(mention: Mention, *, user, partner=None, value=_UNSET) -> Mention:
    """Accept a mention, linking it to an existing partner when one is given (or already proposed);
    `value` corrects what extraction read (e.g. a date's year)."""
    if partner is None and mention.partner_id:
        partner = mention.partner
    return _decide(mention, user=user, status=Mention.Status.ACCEPTED, partner=partner, value=value)


def mention_reject(mention: Mention, *, user) -> Mention:
    return _decide(mention, user=user, status=Mention.Status.REJECTED, partner=None)


def mention_reopen(mention: Mention, *, user) -> Mention:
    return _decide(mention, user=user, status=Mention.Status.PROPOSED, partner=mention.partner)
