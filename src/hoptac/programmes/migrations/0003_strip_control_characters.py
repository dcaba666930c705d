from django.db import migrations


def strip(apps, schema_editor):
    from hoptac.audit.services import strip_control_characters

    strip_control_characters(*(apps.get_model("programmes", name) for name in ["Programme", "Task", "ProgressReport"]))


class Migration(migrations.Migration):
    """Tasks imported before control characters were dropped made the XLSX and DOCX exports fail."""

    dependencies = [("programmes", "0002_record_dates_1900_2100")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop)]
