"""What IATI import and export share: the schema, the codelists, hoptac's extension namespace."""

import functools
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
