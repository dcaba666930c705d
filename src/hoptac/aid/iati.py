"""What IATI import and export share: the schema, the codelists, hoptac's extension namespace."""

import functools
import sys
from pathlib import Path

from lxml import etree

DATA = Path(__file__).resolve().parent.parent / "reference" / "data"
SCHEMA_PATH = DATA / "iati-schema" / "iati-activities-schema.xsd"
CODELISTS = DATA / "iati-codelists"
# hoptac's own fields travel as attributes in this namespace (IATI allows extension attributes
# in any other namespace), so that an export imports back to the same records.
NS = "urn:hoptac:iati:1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@functools.cache
def schema() -> etree.XMLSchema:
    """The official IATI 2.03 activity schema, loaded from the shipped files (never the web)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), safe_parser()))


@functools.cache
def codelist(name: str) -> frozenset[str]:
    path = CODELISTS / f"{name}.xml"
    tree = etree.parse(str(path), safe_parser())
    return frozenset(code.text.strip() for code in tree.iter("code") if code.text)


def iterparse_options() -> dict:
    """How every IATI file is streamed: safe (no DTD, no entities, no network, lxml's size and
    depth limits on), comments and processing instructions dropped. The root's end is asked for
    too: under schema validation libxml2 does not report a file that stops early, so a missing
    </iati-activities> is how truncation shows."""
    return {
        "events": ("end",),
        "tag": ("iati-activity", "iati-activities"),
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "load_dtd": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def forget(el) -> None:
    """Free what a stream has read up to `el`, an element it handed over: the element and every
    earlier sibling (memory stays flat however long the file)."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def validate_stream(handle) -> dict:
    """Stream a file through the schema exactly as an import reads it, keeping nothing.

    The verdict says how many activities the parser handed over before it stopped (`read`), and
    why it stopped: {"ok": True}, {"truncated": True} or {"error": message, "line": n}; the
    importer turns it into the same message and count as when it validates as it reads."""
    read = 0
    complete = False
    try:
        for _event, el in etree.iterparse(handle, schema=schema(), **iterparse_options()):
            if el.tag == "iati-activities":
                complete = True  # read on: libxml2 may still report an error after this event
                continue
            read += 1
            forget(el)
    except etree.XMLSyntaxError as exc:
        return {"error": str(exc), "line": exc.lineno or 0, "read": read}
    except OSError as exc:
        return {"error": f"cannot read the file: {exc.strerror or exc}", "os": True, "read": read}
    return {"ok": True, "read": read} if complete else {"truncated": True, "read": read}


def _peak_kib() -> int:
    """This process's peak memory since it started this program: VmHWM (ru_maxrss would also
    count the pages shared with the parent that forked it, before exec)."""
    import resource

    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def private_kib() -> int:
    """Memory this process holds on its own, not shared with the process it was forked from (its
    share of a forked child's resident pages): the private pages of /proc/self/smaps_rollup."""
    try:
        total = 0
        with open("/proc/self/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(("Private_Clean:", "Private_Dirty:", "Swap:")):
                    total += int(line.split()[1])
        return total
    except OSError:
        return 0


def _main(argv: list[str]) -> int:
    """`python -m hoptac.aid.iati validate FILE`: the validator process an import of a large file
    runs beside itself (a second core); it prints its verdict as one line of JSON."""
    import json

    if len(argv) != 2 or argv[0] != "validate":
        print("usage: python -m hoptac.aid.iati validate FILE", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        verdict = validate_stream(handle)
    verdict["peak_kib"] = _peak_kib()
    print(json.dumps(verdict), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
