import io
import zipfile

import docx
import pytest

from hoptac.documents.textract import ExtractionError, detect_language, extract


def _docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_txt_in_utf8_utf16_and_cp1258():
    text = "Hợp tác quốc tế"
    assert extract("a.txt", text.encode("utf-8")).text == text
    assert extract("a.txt", text.encode("utf-16")).text == text
    # Windows-1258 stores Vietnamese with combining tone marks; the result is normalised to NFC.
    assert extract("a.txt", "Bô\u0323 Nô\u0323i vu\u0323".encode("cp1258")).text == "Bộ Nội vụ"


def test_html_keeps_text_and_drops_scripts_styles_and_comments():
    page = (
        b"<html><head><title>Tin</title><style>p{color:red}</style><script>alert('x')</script></head>"
        b"<body><h1>Hello</h1><p>One &lt;b&gt; <b>two</b></p><script>document.cookie</script>"
        b"<!-- secret --><img src=x onerror=alert(1)><p>three</p></body></html>"
    )
    result = extract("page.html", page)
    assert result.title == "Tin"
    assert result.text == "Hello\nOne <b> two\nthree"
    assert "alert" not in result.text and "cookie" not in result.text and "secret" not in result.text


def test_docx_paragraphs_are_extracted():
    result = extract("a.docx", _docx_bytes("Thỏa thuận hợp tác", "Điều 1."))
    assert result.text == "Thỏa thuận hợp tác\nĐiều 1."
    assert result.title == "Thỏa thuận hợp tác"


def test_a_zip_bomb_docx_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract("bomb.docx", data)


def test_a_docx_that_is_not_a_zip_is_refused():
    with pytest.raises(ExtractionError, match="not a zip"):
        extract("fake.docx", b"hello, I am text")


def test_a_pdf_that_is_not_a_pdf_is_refused_with_a_reason():
    with pytest.raises(ExtractionError, match="not a PDF"):
        extract("report.pdf", b"<html><script>alert(1)</script></html>")


def test_a_damaged_pdf_is_refused_with_a_reason():
    with pytest.raises(ExtractionError, match="damaged"):
        extract("report.pdf", b"%PDF-1.7\n garbage without objects")


def test_a_real_pdf_is_read():
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": "Biên bản"})
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ExtractionError, match="No text"):
        extract("blank.pdf", buffer.getvalue())


def test_unsupported_and_empty_files_say_why():
    with pytest.raises(ExtractionError, match="Unsupported"):
        extract("virus.exe", b"MZ")
    with pytest.raises(ExtractionError, match="empty"):
        extract("a.txt", b"")


def test_language_detection():
    assert detect_language("Bộ Nội vụ chủ trì hội nghị đối thoại chính sách với các đối tác quốc tế") == "vi"
    assert detect_language("Deputy Minister Vu Chien Thang spoke at the Ministry of Home Affairs. Hà Nội") == "en"
