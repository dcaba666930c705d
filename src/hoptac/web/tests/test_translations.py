import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="needs gettext's msgattrib (apt-get install gettext)")
def test_the_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == "", f"{flag} entries:\n{result.stdout[:2000]}"


def test_the_compiled_catalogue_is_used():
    with translation.override("vi"):
        assert translation.gettext("Partners") == "Đối tác"
        assert translation.gettext("Comprehensive strategic partner") == "Đối tác chiến lược toàn diện"
