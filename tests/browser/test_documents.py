import re

import pytest
from playwright.sync_api import expect

from hoptac.documents.models import Document, Mention
from hoptac.org.models import User

pytestmark = pytest.mark.browser

PASSWORD = "browser-Test-passw0rd"


def test_upload_a_file_see_its_mentions_accept_one_and_find_it(page, reference_data, tmp_path):
    User.objects.create_user("officer", password=PASSWORD, role=User.Role.EDITOR, unit=reference_data)
    article = tmp_path / "doi-thoai.txt"
    article.write_text(
        "Ngày 27/11/2025, tại Hà Nội, Thứ trưởng Nội vụ Vũ Chiến Thắng chủ trì hội nghị đối thoại chính sách "
        "với ILO, IOM, UNDP và UN Women về hợp tác quốc tế.",
        encoding="utf-8",
    )

    page.goto("/documents/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page).to_have_url(re.compile(r"/documents/$"))

    page.click("[data-testid=upload-documents]")
    page.set_input_files("input[name=files]", str(article))
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_contain_text("Ngày 27/11/2025")
    document = Document.objects.get()
    assert document.language == "vi"

    rows = page.locator("[data-testid=mention-row]")
    expect(rows.filter(has_text="Vũ Chiến Thắng").first).to_be_visible()
    expect(page.locator("[data-testid=mention-mark]").filter(has_text="UN Women")).to_be_visible()
    row = page.locator("[data-testid=mention-row][data-type=organisation][data-text='UN Women']")
    row.locator("[data-testid=accept]").click()
    row = page.locator("[data-testid=mention-row][data-type=organisation][data-text='UN Women']")
    expect(row.locator("[data-testid=mention-status]")).to_have_text(re.compile("accept|Đã chấp nhận|Chấp nhận", re.I))
    mention = Mention.objects.get(document=document, text="UN Women")
    assert mention.status == Mention.Status.ACCEPTED
    assert mention.decided_by.username == "officer"

    page.goto("/search/?q=vu+chien+thang")
    expect(page.locator("[data-testid=hit]").first).to_contain_text("Ngày 27/11/2025")
    expect(page.locator("[data-testid=hit] mark", has_text="Chiến").first).to_be_visible()
