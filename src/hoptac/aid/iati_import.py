"""IATI activity import: streaming, safe, all or nothing per file, re-runnable.

- Streaming: `lxml.etree.iterparse` hands over one <iati-activity> at a time; it is turned into
  plain values in one pass over its children, then cleared and detached, so memory stays flat
  whatever the file's size. Activities are written in batches.
- Safe: no DTD is loaded, entities are not resolved, the network is never used, lxml's size and
  depth limits stay on (`huge_tree=False`); a file that declares a DOCTYPE is refused outright.
- Valid: the file is validated against the official IATI 2.03 schema by a second parse (in a
  second process, concurrently, for a large file: see `_Validator`), and the import commits only
  once the schema has accepted it; the first violation rejects the file with the schema's
  message, which names the element and the rule it breaks. Versions 2.01-2.03 are accepted;
  1.x is refused. A large file is also read in a second process (`_Reader`) while this one
  writes.
- All or nothing: each file is imported in one database transaction; a rejected file leaves
  nothing behind.
- Re-runnable: an activity whose iati-identifier is already stored is updated (its parts are
  replaced), never duplicated.
- Codelists: codes outside the IATI codelists are harmless to storage; they are imported as
  given, with a warning naming the element, the code and the codelist.
"""

import contextlib
import datetime
import functools
import gc
import hashlib
import json
import logging
import marshal
import multiprocessing
import os
import signal
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from lxml import etree

from hoptac.aid.iati import (
    NS,
    SUPPORTED_VERSIONS,
    XML_LANG,
    codelist,
    forget,
    iterparse_options,
    private_kib,
    validate_stream,
)
from hoptac.aid.models import (
    CENT,
    STATUS_BY_CODE,
    Budget,
    Indicator,
    Kind,
    Project,
    ProjectLocation,
    ProjectOrganisation,
    ProjectSector,
    Result,
    Status,
    Transaction,
)
from hoptac.aid.rates import RateTable
from hoptac.aid.services import agreement_for_number
from hoptac.org.models import Unit
from hoptac.search.folding import fold
from hoptac.search.index import index_many
from hoptac.search.registry import entry_for_model

logger = logging.getLogger(__name__)

BATCH = 500
MAX_AMOUNT = Decimal(10) ** 20
SNIFF_BYTES = 65536
MAX_WARNINGS_KEPT = 200
MEMO_SIZE = 10_000
# From this size on a file is validated by a second process and read by a third while this one
# writes it; below it, starting processes costs more than they save.
PARALLEL_MIN_BYTES = 4 * 2**20
SRC = Path(__file__).resolve().parents[2]
GC_THRESHOLD = 20_000  # allocations between young collections while importing (Python's: 700)
SQLITE_CACHE_KIB = 32 * 1024  # the page cache while a file is imported (SQLite's default: 2 MiB)
NS_PROVINCE = f"{{{NS}}}province"
NS_PERCENTAGE = f"{{{NS}}}percentage"


class Rejected(Exception):
    """The file breaks a rule: nothing of it is imported."""


class _Invalid(Exception):
    """The validator rejected the file (the transaction rolls back)."""


class _Validator:
    """The schema's verdict on a file, which the import waits for before it commits.

    Reading here uses a parser that does not validate (it also reports a truncated file, which
    libxml2 2.14 no longer does while it validates), and the schema is checked by a second parse:
    after reading, in this process, for a small file (starting a process would cost more); in a
    second process running concurrently for a large file. The verdict names the activity it
    stopped at, so the first error of a file is the same as validating while reading would have
    found."""

    def __init__(self, path: str, spawn: bool):
        self._path = path
        self._verdict: dict | None = None
        self._proc = None
        if spawn:
            env = dict(os.environ)
            # The validator imports only lxml and hoptac.aid.iati, never Django.
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "hoptac.aid.iati", "validate", path],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )

    def failed_before(self, n: int) -> bool:
        """True once the validator process has rejected the file before activity n (no waiting)."""
        if self._verdict is None and (self._proc is None or self._proc.poll() is None):
            return False
        verdict = self.verdict()
        return not verdict.get("ok") and verdict["read"] < n

    def verdict(self) -> dict:
        """Waits for the validator. Should its process fail to answer, the file is validated here."""
        if self._verdict is None:
            if self._proc is not None:
                out, _err = self._proc.communicate()
                try:
                    self._verdict = json.loads(out.decode().strip().splitlines()[-1])
                except (ValueError, IndexError):
                    pass
            if self._verdict is None:
                with open(self._path, "rb") as handle:
                    self._verdict = validate_stream(handle)
        return self._verdict

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()


_CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
PRIVATE_SAMPLE_BATCHES = 20  # the reader measures its memory every this many batches


class _Reader:
    """The reading half of an import (`Importer._read_batches`) in a second process, while this
    process writes; the file's schema is checked by the `_Validator` process beside them.

    It is forked, so it has the importer's codelists, registry and rates without loading them
    again and needs no database. It hands batches over through a pipe (a batch or two ahead: the
    pipe's buffer holds it back), with the warnings it raised and where it stood, so that `result`
    follows it as if it had read in this process; its errors are raised here as reading here would
    raise them. Batches are plain tuples of text and numbers (`Importer.prepare`) sent with
    `marshal`: several times cheaper than pickle, and both ends are the same Python.

    It reads with a parser that does not validate, as the importer does, not with one validating
    parse for both: libxml2 2.14, validating, closes a file at a bare "&" or where it was cut off
    and reports nothing, which would import the activities before and drop the rest silently."""

    def __init__(self, importer: "Importer", handle, path: str, result: "FileResult"):
        context = multiprocessing.get_context("fork")
        self._result = result
        self._conn, child_end = context.Pipe(duplex=False)
        self._proc = context.Process(
            target=_read_for_parent, args=(importer, handle, path, child_end), name="hoptac-iati-reader", daemon=True
        )
        self._proc.start()
        child_end.close()
        self.position = 0  # bytes of the file read
        self.private_kib = 0

    def __iter__(self) -> Iterator[tuple[list[dict], int]]:
        result = self._result
        while True:
            try:
                message = marshal.loads(self._conn.recv_bytes())
            except (EOFError, OSError):
                raise Rejected("the process reading the file stopped without an answer") from None
            kind, payload, state, warnings = message
            result.rejected, result.reading, result.streaming, self.position, self.private_kib = state
            for warning_kind, text in warnings:
                result.warn(warning_kind, text)
            if kind == "batch":
                yield payload
            elif kind == "end":
                return
            elif kind == "rejected":
                raise Rejected(payload)
            elif kind == "syntax":
                raise etree.XMLSyntaxError(*payload)
            elif kind == "os":
                raise OSError(*payload)
            else:
                raise RuntimeError(f"the process reading the file failed:\n{payload}")

    def close(self) -> None:
        self._conn.close()
        if self._proc.is_alive():
            self._proc.kill()  # the file was rejected before it was read to the end
        self._proc.join()


class _RelayedResult:
    """What the reader process records of a file, to be sent with its next message."""

    def __init__(self):
        self.rejected = self.reading = 0
        self.streaming = False
        self.warning_count = 0
        self.pending: list[tuple[str, str]] = []

    def warn(self, kind: str, message: str) -> None:
        # Past what the importer keeps, only the count travels (it keeps at least as many as this).
        self.warning_count += 1
        self.pending.append((kind, message if self.warning_count <= MAX_WARNINGS_KEPT else ""))

    def take(self) -> list[tuple[str, str]]:
        pending, self.pending = self.pending, []
        return pending


def _read_for_parent(importer: "Importer", handle, path: str, conn) -> None:
    """The reader process: read the file and send what `_Reader` receives."""
    # Ctrl-C reaches the whole process group: the importer stops this process itself (close()).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    result = _RelayedResult()
    private = 0

    def send(kind: str, payload) -> None:
        try:
            position = handle.tell()
        except (OSError, ValueError):
            position = 0  # the file itself failed: the message says so
        state = (result.rejected, result.reading, result.streaming, position, private)
        conn.send_bytes(marshal.dumps((kind, payload, state, result.take())))

    try:
        try:
            for i, batch in enumerate(importer._read_batches(handle, path, result)):
                if i % PRIVATE_SAMPLE_BATCHES == 0:
                    private = max(private, private_kib())
                send("batch", batch)
            private = max(private, private_kib())
            send("end", None)
        except Rejected as exc:
            send("rejected", str(exc))
        except etree.XMLSyntaxError as exc:
            send("syntax", (exc.msg, exc.code, exc.lineno, exc.offset, exc.filename))
        except OSError as exc:
            send("os", (exc.errno, exc.strerror))
        except Exception:
            send("failed", traceback.format_exc())
    except (BrokenPipeError, EOFError):
        pass  # the importer stopped listening: the file was rejected
    finally:
        conn.close()


@dataclass
class FileResult:
    path: str
    ok: bool = False
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    warning_kinds: Counter = field(default_factory=Counter)
    streaming: bool = False  # an activity was being read
    reading: int = 0  # the activity being read or written (1-based), to order errors
    validator_peak_kib: int = 0  # peak memory of the validator process, when one ran
    reader_private_kib: int = 0  # memory of the reader process's own (not shared with this one)

    def warn(self, kind: str, message: str) -> None:
        self.warning_count += 1
        self.warning_kinds[kind] += 1
        if len(self.warnings) < MAX_WARNINGS_KEPT:
            self.warnings.append(message)


Progress = Callable[[int, int, int], None]  # (bytes read, file size, activities read)


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def _narratives(el, lang: str) -> dict[str, str]:
    """{lang: text} of an element's narratives (first per language); `lang` is the activity's
    language (lower case), which a narrative without xml:lang is in."""
    out: dict[str, str] = {}
    for n in el:
        if n.tag == "narrative":
            text = n.text
            if text and (text := text.strip()):
                given = n.get(XML_LANG)
                key = given.lower() if given else lang
                if key not in out:
                    out[key] = text
    return out


def _first(el, lang: str, want: str = "en") -> str:
    """The element's first narrative in `want`, else its first narrative: what
    `_narratives(el, lang)` would give for `want`, without building the dict."""
    first = ""
    for n in el:
        if n.tag == "narrative":
            text = n.text
            if text and (text := text.strip()):
                given = n.get(XML_LANG)
                if (given.lower() if given else lang) == want:
                    return text
                if not first:
                    first = text
    return first


# Dates repeat across activities: each distinct string is parsed once (bounded, memory stays flat).
@functools.lru_cache(maxsize=4096)
def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


class _Lookups:
    """Registry partners and provinces, held in memory for the whole import."""

    def __init__(self):
        from hoptac.partners.models import Partner

        self.partners: dict[str, int] = {}
        for pk, name_en, name_vi, acronym in Partner.objects.values_list("pk", "name_en", "name_vi", "acronym"):
            for name in (acronym, name_vi, name_en):
                if name:
                    self.partners.setdefault(fold(name), pk)
        self.provinces: dict[str, int] = {}
        for pk, code, name_vi, name_en in Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True).values_list(
            "pk", "code", "name_vi", "name_en"
        ):
            for key in (code, name_vi, name_en, name_vi.removeprefix("Tỉnh ").removeprefix("Thành phố ")):
                if key:
                    self.provinces.setdefault(fold(key), pk)
        self._partner_memo: dict[str, int | None] = {}
        self._province_memo: dict[str, int | None] = {}

    def partner(self, name: str) -> int | None:
        """The registry partner a name designates (names repeat across activities: remembered)."""
        try:
            return self._partner_memo[name]
        except KeyError:
            if len(self._partner_memo) > MEMO_SIZE:  # memory stays flat whatever the file
                self._partner_memo.clear()
            found = self._partner_memo[name] = self.partners.get(fold(name))
            return found

    def province(self, name: str) -> int | None:
        try:
            return self._province_memo[name]
        except KeyError:
            if len(self._province_memo) > MEMO_SIZE:  # memory stays flat whatever the file
                self._province_memo.clear()
            found = self._province_memo[name] = self.provinces.get(fold(name))
            return found


class Importer:
    def __init__(
        self,
        *,
        user=None,
        owner_unit: Unit | None = None,
        progress: Progress | None = None,
        index: bool = False,
        index_progress: Callable[[int, int], None] | None = None,
    ):
        self.index = index  # add the projects to the search index once the file is committed
        self.index_progress = index_progress  # (projects indexed, projects to index) after each batch
        self.user = user
        self.owner_unit = owner_unit
        self.progress = progress
        self.rates = _MonthlyRates()
        self.lookups = _Lookups()
        self.agreements: dict[str, int | None] = {}  # agreement number -> the one agreement with it
        self._history_before = 0  # the last project history row before the file's import began
        self.committed = False  # the last file's data is committed (its search index may be under way)
        self.codes = {
            name: codelist(name)
            for name in (
                "ActivityStatus",
                "ActivityDateType",
                "TransactionType",
                "Currency",
                "SectorVocabulary",
                "Sector",
                "OrganisationRole",
                "OrganisationType",
                "AidType",
                "FinanceType",
                "FlowType",
                "BudgetType",
                "BudgetStatus",
                "ResultType",
                "IndicatorMeasure",
            )
        }

    # ---- reading ----------------------------------------------------------------------

    def _check_code(
        self,
        result: FileResult,
        where: str,
        element: str,
        value: str,
        listname: str,
        outcome: str = "imported as given",
    ) -> None:
        if value and value not in self.codes[listname]:
            name = element if "@" in element else f"{element}/@code"
            result.warn(
                f"{element}:{listname}",
                f"{where}: {name} '{value}' is not in the IATI {listname} codelist ({outcome})",
            )

    def read_activity(self, el, n: int, result: FileResult, default_lang: str, path: str) -> dict:
        lang = (el.get(XML_LANG) or default_lang or "en").lower()
        identifier = ""
        a: dict = {
            "titles": {},
            "descriptions": {},
            "reporting": ("", "", ""),
            "orgs": [],
            "status_code": "",
            "dates": {},
            "sectors": [],
            "locations": [],
            "aid_type": "",
            "finance_type": "",
            "flow_type": "",
            "budgets": [],
            "transactions": [],
            "results": [],
        }
        currency = (el.get("default-currency") or "").strip().upper()
        transactions, read_transaction = a["transactions"], self._read_transaction
        for child in el:
            tag = child.tag
            # The most frequent elements first (an activity has many transactions).
            if tag == "transaction":
                transactions.append(read_transaction(child, lang))
            elif not isinstance(tag, str):
                continue
            elif tag == "iati-identifier":
                identifier = _text(child)
            elif tag == "reporting-org":
                a["reporting"] = (child.get("ref") or "", child.get("type") or "", _first(child, lang))
            elif tag == "title":
                a["titles"] = _narratives(child, lang)
            elif tag == "description":
                if child.get("type") in (None, "", "1") and not a["descriptions"]:
                    a["descriptions"] = _narratives(child, lang)
            elif tag == "participating-org":
                a["orgs"].append(
                    (
                        child.get("role") or "",
                        child.get("ref") or "",
                        child.get("type") or "",
                        _first(child, lang),
                    )
                )
            elif tag == "activity-status":
                a["status_code"] = child.get("code") or ""
            elif tag == "activity-date":
                a["dates"].setdefault(child.get("type") or "", _date(child.get("iso-date")))
            elif tag == "sector":
                a["sectors"].append(
                    (
                        child.get("vocabulary") or "1",
                        child.get("code") or "",
                        _first(child, lang),
                        _decimal(child.get("percentage")),
                    )
                )
            elif tag == "location":
                name = ""
                admin_code = child.get(NS_PROVINCE) or ""
                for part in child:
                    if part.tag == "name":
                        name = _first(part, lang)
                    elif part.tag == "administrative" and not admin_code:
                        admin_code = part.get("code") or ""
                a["locations"].append((child.get("ref") or "", name, admin_code, _decimal(child.get(NS_PERCENTAGE))))
            elif tag == "default-aid-type":
                if child.get("vocabulary") in (None, "", "1") and not a["aid_type"]:
                    a["aid_type"] = child.get("code") or ""
            elif tag == "default-finance-type":
                a["finance_type"] = child.get("code") or ""
            elif tag == "default-flow-type":
                a["flow_type"] = child.get("code") or ""
            elif tag == "budget":
                a["budgets"].append(self._read_budget(child))
            elif tag == "result":
                a["results"].append(self._read_result(child, lang))
        where = f"activity #{n}" + (f" '{identifier}'" if identifier else "")
        if not identifier:
            digest = hashlib.sha1(os.path.basename(path).encode()).hexdigest()[:10]
            identifier = f"hoptac-unidentified-{digest}-{n}"
            result.warn(
                "iati-identifier:empty",
                f"{where}: iati-identifier is empty; imported as '{identifier}' (from the file name and position)",
            )
        if len(identifier) > 255:
            raise Rejected(f"{where}: iati-identifier is longer than 255 characters")
        a["identifier"] = identifier
        a["currency"] = currency
        a["ext"] = {
            "code": el.get(f"{{{NS}}}code") or "",
            "kind": el.get(f"{{{NS}}}kind") or "",
            "agreement": el.get(f"{{{NS}}}agreement") or "",
        }
        self._check(a, where, result)
        return a

    def _read_budget(self, el) -> dict:
        b = {"type": el.get("type") or "1", "status": el.get("status") or "1"}
        for part in el:
            if part.tag == "period-start":
                b["start"] = _date(part.get("iso-date"))
            elif part.tag == "period-end":
                b["end"] = _date(part.get("iso-date"))
            elif part.tag == "value":
                b["value"] = _decimal(part.text)
                b["currency"] = (part.get("currency") or "").strip().upper()
                b["value_date"] = _date(part.get("value-date"))
        return b

    def _read_transaction(self, el, lang: str) -> dict:
        t = {"ref": el.get("ref") or "", "description": "", "provider": ("", ""), "receiver": ("", "")}
        for part in el:
            tag = part.tag
            if tag == "transaction-type":
                t["type"] = part.get("code") or ""
            elif tag == "transaction-date":
                t["date"] = _date(part.get("iso-date"))
            elif tag == "value":
                t["value"] = _decimal(part.text)
                t["currency"] = (part.get("currency") or "").strip().upper()
                t["value_date"] = _date(part.get("value-date"))
            elif tag == "description":
                t["description"] = _first(part, lang, lang)
            elif tag == "provider-org":
                t["provider"] = (part.get("ref") or "", _first(part, lang))
            elif tag == "receiver-org":
                t["receiver"] = (part.get("ref") or "", _first(part, lang))
        return t

    def _read_result(self, el, lang: str) -> dict:
        r = {"type": el.get("type") or "", "title": "", "description": "", "indicators": []}
        for part in el:
            if part.tag == "title":
                r["title"] = _first(part, lang, lang)
            elif part.tag == "description":
                r["description"] = _first(part, lang, lang)
            elif part.tag == "indicator":
                ind = {"measure": part.get("measure") or "", "title": "", "baseline_year": None, "baseline": ""}
                for sub in part:
                    if sub.tag == "title":
                        ind["title"] = _first(sub, lang, lang)
                    elif sub.tag == "baseline" and not ind["baseline"]:
                        year = sub.get("year") or ""
                        ind["baseline_year"] = int(year) if year.isdigit() and len(year) == 4 else None
                        ind["baseline"] = (sub.get("value") or "")[:64]
                    elif sub.tag == "period" and "period_start" not in ind:
                        for p in sub:
                            if p.tag == "period-start":
                                ind["period_start"] = _date(p.get("iso-date"))
                            elif p.tag == "period-end":
                                ind["period_end"] = _date(p.get("iso-date"))
                            elif p.tag == "target":
                                ind["target"] = (p.get("value") or "")[:64]
                            elif p.tag == "actual":
                                ind["actual"] = (p.get("value") or "")[:64]
                r["indicators"].append(ind)
        return r

    def _check(self, a: dict, where: str, result: FileResult) -> None:
        check = self._check_code
        check(result, where, "activity-status", a["status_code"], "ActivityStatus", "imported as pipeline")
        for code in a["dates"]:
            check(result, where, "activity-date/@type", code, "ActivityDateType")
        for role, _ref, org_type, _name in a["orgs"]:
            check(result, where, "participating-org/@role", role, "OrganisationRole")
            check(result, where, "participating-org/@type", org_type, "OrganisationType")
        check(result, where, "default-aid-type", a["aid_type"], "AidType")
        check(result, where, "default-finance-type", a["finance_type"], "FinanceType")
        check(result, where, "default-flow-type", a["flow_type"], "FlowType")
        if a["currency"]:
            check(result, where, "@default-currency", a["currency"], "Currency")
        shares: dict[str, list] = {}
        for vocabulary, code, _name, percentage in a["sectors"]:
            check(result, where, "sector/@vocabulary", vocabulary, "SectorVocabulary")
            if vocabulary == "1":
                check(result, where, "sector", code, "Sector")
            shares.setdefault(vocabulary, []).append(percentage)
        for vocabulary, values in shares.items():
            given = [v for v in values if v is not None]
            if given and (len(given) != len(values) or abs(sum(given) - 100) > Decimal("0.01")):
                result.warn(
                    "sector:percentage",
                    f"{where}: sector percentages of vocabulary '{vocabulary}' do not sum to 100 (imported as given)",
                )
        for i, t in enumerate(a["transactions"], start=1):
            tw = f"{where} transaction {i}"
            check(result, tw, "transaction-type", t.get("type", ""), "TransactionType")
            currency = t.get("currency") or a["currency"]
            if t.get("currency"):
                check(result, tw, "value/@currency", t["currency"], "Currency")
            if not currency:
                result.warn("value:currency", f"{tw}: no currency on value nor @default-currency; not converted")
            value = t.get("value")
            if value is not None and abs(value) >= MAX_AMOUNT:
                raise Rejected(f"{tw}: value {value} has more than 20 integer digits")
            if t.get("date") is None:
                raise Rejected(f"{tw}: transaction-date/@iso-date is missing or not a date (IATI requires it)")
            if t.get("value_date") is None:
                raise Rejected(f"{tw}: value/@value-date is missing or not a date (IATI requires it)")
            if value is None:
                raise Rejected(f"{tw}: transaction/value is missing or not a decimal number (IATI requires it)")
        for i, b in enumerate(a["budgets"], start=1):
            bw = f"{where} budget {i}"
            check(result, bw, "budget/@type", b["type"], "BudgetType")
            check(result, bw, "budget/@status", b["status"], "BudgetStatus")
            if b.get("value") is not None and abs(b["value"]) >= MAX_AMOUNT:
                raise Rejected(f"{bw}: value {b['value']} has more than 20 integer digits")
        for r in a["results"]:
            check(result, where, "result/@type", r["type"], "ResultType")
            for ind in r["indicators"]:
                check(result, where, "indicator/@measure", ind["measure"], "IndicatorMeasure")

    # ---- building records -----------------------------------------------------------------

    def _project_values(self, a: dict, path: str) -> dict:
        """The project's own fields, dates as ISO text (what travels from the reader process)."""
        titles, descriptions = a["titles"], a["descriptions"]
        status = STATUS_BY_CODE.get(a["status_code"])
        if status is None:
            status = Status.PIPELINE
        ext_kind = a["ext"]["kind"]
        ref, org_type, org_name = a["reporting"]
        dates = a["dates"]
        if not any(dates.get(t) for t in ("1", "2", "3", "4")):
            # Only dates of types outside the codelist (already warned about): keep the first as
            # the planned start rather than lose the activity's only date.
            dates = {"1": next((d for d in dates.values() if d), None)}
        return {
            "iati_identifier": a["identifier"],
            "code": a["ext"]["code"][:64],
            "title_vi": titles.get("vi", "")[:500],
            "title_en": (titles.get("en") or next((v for k, v in titles.items() if k != "vi"), ""))[:500],
            "description_vi": descriptions.get("vi", ""),
            "description_en": descriptions.get("en") or next((v for k, v in descriptions.items() if k != "vi"), ""),
            "kind": ext_kind if ext_kind in KINDS else Kind.OTHER.value,
            "status": status.value,
            "aid_type": a["aid_type"][:16],
            "finance_type": a["finance_type"][:16],
            "flow_type": a["flow_type"][:16],
            "default_currency": a["currency"][:3],
            "agreement_number": a["ext"]["agreement"][:128],
            "planned_start": _iso(dates.get("1")),
            "actual_start": _iso(dates.get("2")),
            "planned_end": _iso(dates.get("3")),
            "actual_end": _iso(dates.get("4")),
            "reporting_org_ref": ref[:255],
            "reporting_org_type": org_type[:16],
            "reporting_org_name": org_name[:500],
            "source_file": os.path.basename(path)[:500],
        }

    def prepare(self, a: dict, path: str) -> dict:
        """An activity as read, turned into what the writer needs: the project's fields and the
        rows of its parts without the keys the database gives (plain tuples of text
        and numbers: they cross a pipe from the reader process cheaply, and building model
        instances would cost more than writing them). Decimals and dates are written as the text
        the database adapter would send."""
        lookups = self.lookups
        values = self._project_values(a, path)
        orgs, sectors, locations, budgets, transactions, results = [], [], [], [], [], []
        for i, (role, ref, org_type, name) in enumerate(a["orgs"]):
            partner_id = lookups.partner(name) if name else None
            # A registry partner is named by the registry; the name is kept only otherwise.
            orgs.append((role[:8], partner_id, "" if partner_id else name[:500], ref[:255], org_type[:8], i))
        for i, (vocabulary, code, name, p) in enumerate(a["sectors"]):
            sectors.append((vocabulary[:8], code[:32], name[:500], _percent(p), i))
        for i, (ref, name, admin_code, p) in enumerate(a["locations"]):
            province = lookups.province(admin_code) if admin_code else None
            province = province or (lookups.province(name) if name else None)
            locations.append((province, "" if province else name[:500], ref[:255], _percent(p), i))
        for b in a["budgets"]:
            if b.get("start") and b.get("end") and b.get("value") is not None and b.get("value_date"):
                budgets.append(
                    (
                        b["type"][:4],
                        b["status"][:4],
                        b["start"].isoformat(),
                        b["end"].isoformat(),
                        str(b["value"].quantize(CENT)),
                        b.get("currency", "")[:3],
                        b["value_date"].isoformat(),
                    )
                )
        user_id = self.user.pk if self.user is not None else None
        for i, t in enumerate(a["transactions"]):
            value = t["value"].quantize(CENT)
            currency = (t.get("currency") or a["currency"])[:3]
            c = self.rates.convert(value, currency, t["value_date"]) if currency else None
            transactions.append(
                (
                    t["ref"][:255],
                    t.get("type", "")[:8],
                    t["date"].isoformat(),  # a transaction without its dates is rejected
                    str(value),
                    currency,
                    t["value_date"].isoformat(),
                    t["description"],
                    t["provider"][1][:500],
                    t["provider"][0][:255],
                    t["receiver"][1][:500],
                    t["receiver"][0][:255],
                    c.month.isoformat() if c else None,
                    str(c.rate_vnd) if c else None,
                    str(c.rate_usd) if c else None,
                    str(c.value_vnd) if c else None,
                    str(c.value_usd) if c else None,
                    i,
                    user_id,
                )
            )
        for i, r in enumerate(a["results"]):
            indicators = [
                (
                    ind["measure"][:4],
                    ind["title"][:1000],
                    ind["baseline_year"],
                    ind["baseline"],
                    _iso(ind.get("period_start")),
                    _iso(ind.get("period_end")),
                    ind.get("target", ""),
                    ind.get("actual", ""),
                    j,
                )
                for j, ind in enumerate(r["indicators"])
            ]
            results.append(((r["type"][:4], r["title"][:1000], r["description"], i), indicators))
        return {
            "identifier": a["identifier"],
            "values": values,
            "orgs": orgs,
            "sectors": sectors,
            "locations": locations,
            "budgets": budgets,
            "transactions": transactions,
            "results": results,
        }

    def write_batch(self, batch: list[dict], path: str, result: FileResult) -> None:
        ids = [a["identifier"] for a in batch]
        existing = {p.iati_identifier: p for p in stored_projects("iati_identifier", ids)}
        again = self._written_by_this_import([p.pk for p in existing.values()]) if existing else set()
        codes = {a["values"]["code"] for a in batch if a["values"]["code"]}
        by_code = {p.code: p for p in stored_projects("code", codes)} if codes else {}
        new_projects, updated_projects, pairs = [], [], []
        search_text = Project.make_search_text
        for a in batch:
            values = a["values"]
            project = existing.get(a["identifier"])
            code = values["code"]
            holder = by_code.get(code) if code else None
            if project is None and holder is not None and not holder.iati_identifier:
                # A project made in hoptac, exported with an identifier made from its code, comes back.
                project = holder
            elif holder is not None and (project is None or holder.pk != project.pk):
                result.warn(
                    "code:taken",
                    f"activity '{a['identifier']}': project code '{code}' belongs to another project; not kept",
                )
                values["code"] = ""
            if project is not None and project.pk in again:
                result.warn(
                    "iati-identifier:duplicate",
                    f"activity #{a['n']}: iati-identifier '{a['identifier']}' appears again in the file; "
                    "the later one is kept",
                )
            if project is None:
                # A new project is a plain record until written: a model instance costs more.
                project = _NewProject(values)
                project.agreement_id = self._agreement_id(values["agreement_number"])
                new_projects.append(project)
                result.imported += 1
            else:
                # As in project_update: a changed number links its agreement; an unlink is kept.
                if project.agreement_id is None and values["agreement_number"] != project.agreement_number:
                    project.agreement_id = self._agreement_id(values["agreement_number"])
                for name, value in values.items():
                    setattr(project, name, value)
                project.version += 1
                updated_projects.append(project)
                result.updated += 1
            if values["code"]:
                by_code[values["code"]] = project
            project.search_text = search_text(project)
            pairs.append((project, a))
        writer = _Writer()
        if updated_projects:
            writer.delete_parts([p.pk for p in updated_projects])
            writer.update_projects(updated_projects, [*values, "agreement", "version", "search_text"], self.user)
        if new_projects:
            writer.create_projects(new_projects, self.owner_unit, self.user)
        for project, a in pairs:
            writer.add_parts(project.pk, a)
        writer.write([p.pk for p, _a in pairs], self.user)

    def _written_by_this_import(self, project_ids: list[int]) -> set[int]:
        """Those of the projects this import of the file has already written: they have a history
        row newer than the last one before it began (remembering the file's identifiers instead
        would take memory growing with the file). On PostgreSQL a project someone else saved
        during the import counts too: its warning would then be wrong, the data is not."""
        return set(
            _history_since(self._history_before)
            .filter(id__in=project_ids)
            .order_by()
            .values_list("id", flat=True)
            .distinct()
        )

    def _agreement_id(self, number: str) -> int | None:
        """The agreement the activity's hoptac:agreement number names, when exactly one has it
        (and the importing user may see it): what project_create links from a number."""
        if not number:
            return None
        if number not in self.agreements:
            if len(self.agreements) > MEMO_SIZE:  # memory stays flat whatever the file
                self.agreements.clear()
            found = agreement_for_number(number, self.user)
            self.agreements[number] = found.pk if found is not None else None
        return self.agreements[number]

    # ---- a file ------------------------------------------------------------------------------

    def import_file(self, path: str | Path) -> FileResult:
        path = str(path)
        result = FileResult(path=path)
        validator = reader = None
        self.committed = False
        try:
            try:
                with open(path, "rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    head = handle.read(SNIFF_BYTES)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        raise Rejected(
                            "the file declares a DOCTYPE or ENTITY; IATI files have none (refused for safety)"
                        )
                    handle.seek(0)
                    with _sqlite_page_cache(), transaction.atomic(), _fewer_collections():
                        last = Project.history.model.objects.aggregate(last=models.Max("history_id"))["last"]
                        self._history_before = last or 0
                        parallel = size >= PARALLEL_MIN_BYTES
                        validator = _Validator(path, spawn=parallel)
                        if parallel and _CAN_FORK:
                            reader = _Reader(self, handle, path, result)
                        self._stream(handle, size, path, result, validator, reader)
                        verdict = validator.verdict()
                        result.validator_peak_kib = verdict.get("peak_kib", 0)
                        if not verdict.get("ok"):
                            raise _Invalid()  # rolls the file back
                        transaction.on_commit(self._committed)
                        if self.index:
                            since = self._history_before
                            transaction.on_commit(lambda: self._index_written(since, result))
            except _Invalid:
                return self._reject_invalid(result, path, validator.verdict())
            except (Rejected, etree.XMLSyntaxError, OSError, DatabaseError) as exc:
                if validator is not None:
                    # What validating as it reads would have met first: the schema's verdict on
                    # the activities before this one, or this error.
                    verdict = validator.verdict()
                    if not verdict.get("ok") and (
                        isinstance(exc, etree.XMLSyntaxError) or result.reading > verdict["read"]
                    ):
                        return self._reject_invalid(result, path, verdict)
                return self._reject_error(result, path, exc)
        finally:
            for process in (reader, validator):
                if process is not None:
                    process.close()
        result.ok = True
        return result

    def _committed(self) -> None:
        self.committed = True

    def _index_written(self, since: int, result: FileResult) -> None:
        """Add the projects the file's import wrote to the search index (once it is committed).
        Should that fail, the file stays imported, with a warning: the index is rebuilt from the
        data by `hoptac reindex`."""
        try:
            progress = None
            if self.index_progress is not None:
                total = _history_since(since).values("id").distinct().count()

                def progress(done: int, report=self.index_progress) -> None:
                    report(done, total)

            index_many(entry_for_model(Project), _written_since(since), progress=progress)
        except Exception as exc:
            logger.exception("search index after the IATI import of %s", result.path)
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            result.warn(
                "search-index",
                f"imported, but not all of it is in the search index ({first_line}); run hoptac reindex",
            )

    def _reject_error(self, result: FileResult, path: str, exc: Exception) -> FileResult:
        if isinstance(exc, Rejected):
            return self._reject(result, str(exc), result.rejected + 1 if result.streaming else 0)
        if isinstance(exc, etree.XMLSyntaxError):
            # A file that is not even well-formed XML is reported with the parser's own words and
            # line (under schema validation, libxml2 can report only the schema's view of it).
            syntax = well_formedness_error(path)
            if syntax:
                return self._reject(result, syntax, result.rejected + 1 if result.streaming else 0)
            message = str(exc).replace(" (<string>, line 0)", "")
            where = f" (line {exc.lineno})" if exc.lineno else f" (in activity #{result.rejected + 1})"
            # The activity being read when the file broke is rejected too.
            return self._reject(result, message + where, result.rejected + 1 if result.streaming else 0)
        if isinstance(exc, OSError):
            return self._reject(result, f"cannot read the file: {exc.strerror or exc}", 0)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return self._reject(result, f"the database refused a value: {first_line}", 0)

    def _reject_invalid(self, result: FileResult, path: str, verdict: dict) -> FileResult:
        """The validator process's verdict, reported as validating while reading reports it."""
        read = verdict["read"]
        result.rejected = result.imported = result.updated = 0
        if verdict.get("os"):
            return self._reject(result, verdict["error"], 0)
        if verdict.get("truncated"):
            message = well_formedness_error(path) or "the file ends before </iati-activities> (truncated)"
            return self._reject(result, message, read + 1)
        message = well_formedness_error(path)
        if not message:
            line = verdict.get("line")
            where = f" (line {line})" if line else f" (in activity #{max(read, 1)})"
            message = verdict["error"].replace(" (<string>, line 0)", "") + where
        return self._reject(result, message, max(read, 1))

    def _reject(self, result: FileResult, message: str, read: int) -> FileResult:
        result.rejected = max(result.rejected, read, result.imported + result.updated)
        result.imported = result.updated = 0
        result.ok = False
        result.error = message
        return result

    def _stream(
        self, handle, size: int, path: str, result: FileResult, validator: _Validator, reader: _Reader | None
    ) -> None:
        """Read the file's activities in batches and write each batch: read by the `_Reader`
        process while this one writes, for a large file, or here."""
        batches = reader if reader is not None else self._read_batches(handle, path, result)
        n = 0
        try:
            for batch, n in batches:
                self.write_batch(batch, path, result)
                if self.progress:
                    self.progress(reader.position if reader is not None else handle.tell(), size, n)
                if validator.failed_before(n):
                    raise _Invalid()  # no need to read on: the file is rejected
        finally:
            if reader is not None:
                result.reader_private_kib = reader.private_kib
        if self.progress:
            self.progress(size, size, n)
        result.rejected = 0
        result.streaming = False

    def _read_batches(self, handle, path: str, result: FileResult) -> Iterator[tuple[list[dict], int]]:
        """The file's activities as read, in batches to write, each with the number of activities
        read so far: the reading half of an import, which needs no database. `result` follows the
        reading (warnings, the activity being read) as if each batch were written when handed over.
        The parser does not validate (the file's `_Validator` does): it is also what reports a file
        that is not well-formed or was cut off."""
        batch: list[dict] = []
        in_batch: set[str] = set()  # (a set of the whole file's identifiers would grow with it)
        n = 0
        context = etree.iterparse(handle, **iterparse_options())  # validated by the `_Validator`
        default_lang = ""
        result.streaming = True
        complete = False
        for _event, el in context:
            if el.tag == "iati-activities":
                complete = True
                continue
            n += 1
            result.rejected = n - 1  # activities read so far, should the file be rejected
            result.reading = n
            if n == 1:
                root = el.getparent()
                if root is None or root.tag != "iati-activities":
                    raise Rejected("the root element must be iati-activities")
                docinfo = el.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise Rejected("the file declares a DOCTYPE; IATI files have none (refused for safety)")
                version = (root.get("version") or "").strip()
                if version.startswith("1."):
                    raise Rejected(f"iati-activities/@version '{version}': only versions 2.01-2.03 are imported")
                if version not in SUPPORTED_VERSIONS:
                    result.warn(
                        "version",
                        f"iati-activities/@version '{version}' is not a 2.0x version; read as 2.03",
                    )
                default_lang = (root.get(XML_LANG) or "").lower()
            activity = self.prepare(self.read_activity(el, n, result, default_lang, path), path)
            activity["n"] = n
            if activity["identifier"] in in_batch:
                # The earlier one is written first; the writer then finds it and says so.
                yield batch, n - 1
                batch = []
                in_batch.clear()
            in_batch.add(activity["identifier"])
            batch.append(activity)
            forget(el)
            if len(batch) >= BATCH:
                yield batch, n
                batch = []
                in_batch.clear()
        result.reading = n + 1  # past the last activity: the validator's verdict comes first
        if not complete:
            result.rejected = n
            raise Rejected(well_formedness_error(path) or "the file ends before </iati-activities> (truncated)")
        if batch:
            yield batch, n


class _MonthlyRates(RateTable):
    """The rate table, a currency's rates looked up once per month (they depend only on the
    month; bounded, memory stays flat)."""

    def __init__(self):
        super().__init__()
        self._memo: dict = {}

    def rates(self, currency: str, day: datetime.date):
        key = (currency, day.year, day.month)
        try:
            return self._memo[key]
        except KeyError:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = super().rates(currency, day)
            return found


@contextlib.contextmanager
def _fewer_collections():
    """Python's cycle collector, left as it is, walks the objects that were there before the
    import (Django's, the codelists) again every few thousand of the tuples an import makes
    (measured: 0.4 s of 5.3 s for 20,000 activities); they are set aside (gc.freeze, which also
    spares the forked reader copying their pages) and the collector runs less often while the
    file is imported. It still runs, less often; what an import makes (values, rows) holds no
    cycles and is freed as soon as it is written, so memory stays flat. The search index is
    written after commit, outside this: model instances with prefetched rows do hold cycles."""
    threshold = gc.get_threshold()
    host_froze = gc.get_freeze_count() > 0  # then what it froze stays frozen, with ours
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not host_froze:
            gc.unfreeze()


@contextlib.contextmanager
def _sqlite_page_cache():
    """A larger SQLite page cache while a file is imported: the indexes of tables that grow by
    hundreds of thousands of rows stop being re-read from disk (measured on 100,000 activities:
    12% less CPU with 64 MiB). Memory only; durability is unchanged."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _percent(p: Decimal | None) -> str | None:
    return str(p.quantize(Decimal("0.001"))) if p is not None and 0 <= p <= 100 else None


class _Writer:
    """Rows of a batch's parts, written with one executemany per table (the ORM's per-object
    preparation costs more than the database's write; see docs/benchmarks.md)."""

    def __init__(self):
        ops = connection.ops
        self.now = ops.adapt_datetimefield_value(timezone.now())
        self.orgs: list[tuple] = []
        self.sectors: list[tuple] = []
        self.locations: list[tuple] = []
        self.budgets: list[tuple] = []
        self.transactions: list[tuple] = []
        self.results: list[tuple] = []

    def add_parts(self, pid: int, a: dict) -> None:
        """The rows of a prepared activity's parts, with their project's key."""
        self.orgs += [(pid, *row) for row in a["orgs"]]
        self.sectors += [(pid, *row) for row in a["sectors"]]
        self.locations += [(pid, *row) for row in a["locations"]]
        self.budgets += [(pid, *row) for row in a["budgets"]]
        head = (1, self.now, self.now, pid)  # version, created_at, updated_at, project
        self.transactions += [head + row for row in a["transactions"]]
        self.results += [((pid, row[-1]), (pid, *row), indicators) for row, indicators in a["results"]]

    @staticmethod
    def _insert(cursor, model, fields: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a round trip per row.
            with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)

    def _project_rows(self, projects, fields) -> list[tuple]:
        """Rows of `fields` from the projects' attributes, adapted for the database (the dates of a
        project are ISO text already: `Importer._project_values`)."""
        adapt_datetime = connection.ops.adapt_datetimefield_value
        getters = [(f.attname, adapt_datetime if isinstance(f, models.DateTimeField) else None) for f in fields]
        rows = []
        for p in projects:
            row = []
            for attname, adapt in getters:
                value = getattr(p, attname)
                row.append(adapt(value) if adapt is not None and value is not None else value)
            rows.append(tuple(row))
        return rows

    def _copy_history(self, cursor, model, where: str, ids: list[int], history_type: str, user) -> None:
        """History rows ("IATI import" as their reason) for the rows just written, as simple-history
        writes them, copied by the database itself from the rows (INSERT ... SELECT): no values
        travel back and forth through Python."""
        qn = connection.ops.quote_name
        history = model.history.model
        tracked = {f.name for f in history._meta.concrete_fields}
        columns = [qn(f.column) for f in model._meta.concrete_fields if f.name in tracked]
        names = ", ".join(columns)
        meta = ", ".join(
            qn(history._meta.get_field(name).column)
            for name in ("history_date", "history_change_reason", "history_type", "history_user")
        )
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"INSERT INTO {qn(history._meta.db_table)} ({names}, {meta}) "
            f"SELECT {names}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} WHERE {qn(where)} IN ({marks}) "
            f"ORDER BY {qn('id')}",
            [self.now, "IATI import", history_type, user.pk if user else None, *ids],
        )

    def _project_history(self, cursor, projects, history_type: str, user) -> None:
        """One history row per project."""
        self._copy_history(cursor, Project, "id", [p.pk for p in projects], history_type, user)

    def create_projects(self, projects: list["_NewProject"], owner_unit, user) -> None:
        """Insert new projects and their "created" history rows; set their primary keys."""
        fields = [f for f in Project._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        for p in projects:
            p.complete(now, owner_unit)
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            self._insert(cursor, Project, [f.name for f in fields], self._project_rows(projects, fields))
            identifiers = [p.iati_identifier for p in projects]
            marks = ", ".join(["%s"] * len(identifiers))
            cursor.execute(
                f"SELECT iati_identifier, id FROM {qn(Project._meta.db_table)} "
                f"WHERE iati_identifier IN ({marks}) AND NOT ({qn('iati_identifier')} = '')",  # see stored_projects
                identifiers,
            )
            ids = dict(cursor.fetchall())
            for p in projects:
                p.pk = p.id = ids[p.iati_identifier]
            self._project_history(cursor, projects, "+", user)

    def update_projects(self, projects: list[Project], names: list[str], user) -> None:
        """Write the changed fields of existing projects and their "changed" history rows (what
        simple-history's bulk_update_with_history wrote, one UPDATE per project instead of a
        CASE per field)."""
        fields = [Project._meta.get_field(name) for name in names]
        qn = connection.ops.quote_name
        sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
        rows = [(*row, p.pk) for row, p in zip(self._project_rows(projects, fields), projects, strict=True)]
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {qn(Project._meta.db_table)} SET {sets} WHERE id = %s", rows)
            self._project_history(cursor, projects, "~", user)

    def delete_parts(self, project_ids: list[int]) -> None:
        qn = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(project_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {qn(Indicator._meta.db_table)} WHERE result_id IN "
                f"(SELECT id FROM {qn(Result._meta.db_table)} WHERE project_id IN ({marks}))",
                project_ids,
            )
            for model in (Transaction, ProjectOrganisation, ProjectSector, ProjectLocation, Budget, Result):
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE project_id IN ({marks})", project_ids)

    def write(self, project_ids: list[int], user) -> None:
        insert = self._insert
        with connection.cursor() as cursor:
            insert(
                cursor,
                ProjectOrganisation,
                ["project", "role", "partner", "name", "ref", "org_type", "position"],
                self.orgs,
            )
            insert(
                cursor, ProjectSector, ["project", "vocabulary", "code", "name", "percentage", "position"], self.sectors
            )
            insert(
                cursor,
                ProjectLocation,
                ["project", "province", "name", "ref", "percentage", "position"],
                self.locations,
            )
            insert(
                cursor,
                Budget,
                [
                    "project",
                    "budget_type",
                    "budget_status",
                    "period_start",
                    "period_end",
                    "value",
                    "currency",
                    "value_date",
                ],
                self.budgets,
            )
            insert(cursor, Transaction, TX_FIELDS, self.transactions)
            if self.transactions:
                # Their history rows ("created by the IATI import"), as record_create would write.
                self._copy_history(cursor, Transaction, "project_id", project_ids, "+", user)
            if self.results:
                insert(
                    cursor,
                    Result,
                    ["project", "result_type", "title", "description", "position"],
                    [row for _key, row, _ind in self.results],
                )
                qn = connection.ops.quote_name
                marks = ", ".join(["%s"] * len(project_ids))
                cursor.execute(
                    f"SELECT project_id, position, id FROM {qn(Result._meta.db_table)} WHERE project_id IN ({marks})",
                    project_ids,
                )
                result_ids = {(pid, pos): pk for pid, pos, pk in cursor.fetchall()}
                indicators = [(result_ids[key], *row) for key, _row, rows in self.results for row in rows]
                insert(
                    cursor,
                    Indicator,
                    [
                        "result",
                        "measure",
                        "title",
                        "baseline_year",
                        "baseline_value",
                        "period_start",
                        "period_end",
                        "target_value",
                        "actual_value",
                        "position",
                    ],
                    indicators,
                )


def _history_since(history_id: int) -> models.QuerySet:
    """The project history rows written after `history_id` (an import's: see `_written_since`)."""
    return Project.history.model.objects.filter(history_id__gt=history_id)


def _written_since(history_id: int, page: int = 2000) -> Iterator[int]:
    """The projects an import wrote: those with a project history row after `history_id` (read a
    page at a time, so that the search index follows a file of any size in flat memory)."""
    rows = _history_since(history_id).order_by("id")
    last = 0
    while ids := list(rows.filter(id__gt=last).values_list("id", flat=True).distinct()[:page]):
        yield from ids
        last = ids[-1]


def stored_projects(field: str, values) -> models.QuerySet:
    """The projects whose `field` (iati_identifier or code) is one of `values`. "Not empty" lets the
    database use the field's partial unique index; without it SQLite (and PostgreSQL, beyond 100
    values) reads the whole table, for every batch of an import."""
    return Project.objects.filter(**{f"{field}__in": values}).exclude(**{field: ""}).order_by()


KINDS = frozenset(Kind.values)


class _NewProject:
    """A project read from a file, not yet written: its values as attributes (what
    Project.make_search_text and the row builder read), completed with the model's defaults."""

    pk = id = None

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def complete(self, now, owner_unit) -> None:
        for f in Project._meta.concrete_fields:
            if f.primary_key or f.attname in self.__dict__:
                continue
            if isinstance(f, models.DateTimeField):
                value = now
            elif f.name == "owner_unit":
                value = owner_unit.pk if owner_unit is not None else None
            else:
                value = f.get_default()
            setattr(self, f.attname, value)


TX_FIELDS = [
    "version", "created_at", "updated_at", "project", "ref", "type_code", "date", "value", "currency", "value_date",
    "description", "provider_name", "provider_ref", "receiver_name", "receiver_ref", "rate_month", "rate_vnd",
    "rate_usd", "value_vnd", "value_usd", "position", "created_by",
]  # fmt: skip


def well_formedness_error(path: str) -> str:
    """The first XML syntax error of a file, streaming and with the same safety settings; "" if none."""
    try:
        with open(path, "rb") as handle:
            for _event, el in etree.iterparse(
                handle, events=("end",), resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
            ):
                el.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        message = exc.msg or str(exc)
        return f"not well-formed XML: {message}" + (
            f" (line {exc.lineno})" if exc.lineno and "line" not in message else ""
        )
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    return ""


def import_files(paths, *, user=None, owner_unit=None, progress: Progress | None = None) -> list[FileResult]:
    importer = Importer(user=user, owner_unit=owner_unit, progress=progress)
    return [importer.import_file(p) for p in paths]
