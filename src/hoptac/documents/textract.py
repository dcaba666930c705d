"""Plain text out of uploaded files (txt, html, docx, pdf), refusing hostile ones with a clear reason.

Nothing here renders or trusts the input: html is parsed and only its text kept (scripts and
styles dropped); a docx is checked as a zip (total uncompressed size and ratio) before it is
opened; a pdf must start like a pdf and be readable."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

# A docx is a zip: refuse one that would inflate beyond these before python-docx opens it.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000
MAX_PDF_PAGES = 2000

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


class ExtractionError(ValueError):
    """The file cannot be read; the message says why, for the person who sent it."""


@dataclass
class Extracted:
    format: str
    text: str
    title: str = ""


def detect_format(name: str, data: bytes) -> str:
    fmt = EXTENSIONS.get(PurePath(name).suffix.lower())
    if fmt is None:
        raise ExtractionError(
            _("Unsupported file type '%(name)s': send a .txt, .html, .docx or .pdf file.") % {"name": name}
        )
    return fmt


def extract(name: str, data: bytes) -> Extracted:
    fmt = detect_format(name, data)
    if not data:
        raise ExtractionError(_("The file is empty."))
    result = {"txt": _txt, "html": _html, "docx": _docx, "pdf": _pdf}[fmt](data)
    result.text = normalise(result.text)
    if not result.text.strip():
        raise ExtractionError(_("No text could be extracted from this file."))
    return result


def normalise(text: str) -> str:
    """NFC, unified newlines, no control characters, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with BOM), else Windows-1258 (Vietnamese)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractionError(_("The file says it is UTF-16 but is not valid UTF-16.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 100:
        raise ExtractionError(_("This does not look like a text file (it contains binary data)."))
    return data.decode("cp1258", errors="replace")


def _txt(data: bytes) -> Extracted:
    text = decode_text(data)
    if "\x00" in text:
        raise ExtractionError(_("This does not look like a text file (it contains binary data)."))
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Extracted("txt", text, first[:300])


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "dt", "dd", "hr", "title", "figcaption",
}  # fmt: skip
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head")


def html_to_text(data: bytes | str) -> tuple[str, str]:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(_("The HTML could not be read.")) from exc
    title = (root.findtext(".//title") or "").strip()
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS if tag != "head")):
        element.drop_tree()
    for element in root.iter(etree.Comment, etree.ProcessingInstruction):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    head = root.find("head")
    if head is not None:
        head.drop_tree()
    text = root.text_content()
    if not title:
        h1 = root.find(".//h1")
        title = h1.text_content().strip() if h1 is not None else ""
    return text, title


def _html(data: bytes) -> Extracted:
    text, title = html_to_text(decode_text(data).encode("utf-8") if not data.lstrip()[:1] == b"<" else data)
    return Extracted("html", text, title[:300])


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a zip only if it would not inflate dangerously (a 'zip bomb')."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExtractionError(_("This is not a valid .docx file (it is not a zip archive).")) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExtractionError(_("Refused: the .docx holds too many parts (%(n)s).") % {"n": len(infos)})
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ExtractionError(
            _("Refused: the .docx would expand to %(mb)s MB (a zip bomb?).") % {"mb": total // (1024 * 1024)}
        )
    if total / compressed > MAX_COMPRESSION_RATIO:
        raise ExtractionError(
            _("Refused: the .docx is compressed %(ratio)s times (a zip bomb?).") % {"ratio": int(total / compressed)}
        )
    if "word/document.xml" not in archive.namelist():
        raise ExtractionError(_("This is not a valid .docx file (no word/document.xml)."))
    return archive


def _docx(data: bytes) -> Extracted:
    check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise ExtractionError(_("The .docx file could not be read.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    title = (document.core_properties.title or "").strip()
    if not title:
        title = next((p.strip() for p in parts if p.strip()), "")
    return Extracted("docx", "\n".join(parts), title[:300])


def _pdf(data: bytes) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError(_("This is not a PDF file (it does not start with %PDF-)."))
    try:
        import pypdf
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ExtractionError(_("PDF support is not installed on this server.")) from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ExtractionError(_("The PDF is encrypted; send an unprotected copy."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ExtractionError(_("Refused: the PDF has more than %(n)s pages.") % {"n": MAX_PDF_PAGES})
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ExtractionError(_("The PDF file is damaged or not a PDF: %(reason)s") % {"reason": exc}) from exc
    text = "\n\n".join(pages)
    if not title:
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Extracted("pdf", text, title[:300])


_VI_LETTERS = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


def detect_language(text: str) -> str:
    """'vi' when Vietnamese letters with diacritics make up more than 4% of the letters, else 'en'.

    Vietnamese prose has roughly one such letter in four; English with a few Vietnamese names
    stays far below."""
    sample = unicodedata.normalize("NFC", text[:20000]).lower()
    letters = sum(1 for ch in sample if ch.isalpha())
    if not letters:
        return "vi"
    marked = sum(1 for ch in sample if ch in _VI_LETTERS)
    return "vi" if marked / letters > 0.04 else "en"
