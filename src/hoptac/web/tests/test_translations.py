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


def test_every_template_string_is_in_the_vietnamese_catalogue():
    """A string added to a template after the last `make messages` shows in English to everyone."""
    import re

    po = (LOCALE / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    # A long msgid is split over several quoted lines after `msgid ""`.
    catalogue = {
        "".join(re.findall(r'"(.*)"', block)) for block in re.findall(r'^msgid (".*"\n(?:".*"\n)*)', po, flags=re.M)
    }
    pattern = re.compile(r'{%\s*translate\s+"((?:[^"\\]|\\.)*)"(?:\s+context\s+"[^"]*")?\s*(?:as \w+\s*)?%}')
    missing = {}
    for template in LOCALE.parent.glob("*/templates/**/*.html"):
        for text in pattern.findall(template.read_text(encoding="utf-8")):
            if text.replace('"', '\\"') not in catalogue and text not in catalogue:
                missing.setdefault(text, template.name)
    assert not missing, f"run `make messages` and translate: {missing}"


@pytest.mark.django_db
def test_names_follow_the_interface_language(logged_in, editor):
    """A unit, field, partner or country shown in a form, a list or a history row: English names
    on English pages, where the record has one."""
    from hoptac.fields.models import Field
    from hoptac.org.models import Unit
    from hoptac.partners.models import Partner
    from hoptac.reference.models import Country

    unit = Unit.objects.exclude(name_en="").first()
    field = Field.objects.exclude(name_en="").first()
    france = Country.objects.get(pk="FR")
    ilo = Partner.objects.get(acronym="ILO")
    for obj, vi, en in (
        (unit, unit.name_vi, unit.name_en),
        (field, field.name_vi, field.name_en),
        (france, "Pháp", "France"),
        (ilo, f"{ilo.name_vi} (ILO)", f"{ilo.name_en} (ILO)"),
    ):
        with translation.override("vi"):
            assert str(obj) == vi
        with translation.override("en"):
            assert str(obj) == en
    client = logged_in(editor)
    client.cookies["django_language"] = "en"
    page = client.get("/agreements/new/").content.decode()
    assert editor.unit.name_en and f">{editor.unit.name_en}</option>" in page
