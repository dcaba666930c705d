from django.db import migrations


def strip(apps, schema_editor):
    from hoptac.audit.services import strip_control_characters

    names = ["Project", "ProjectOrganisation", "ProjectSector", "ProjectLocation", "Budget", "Result", "Indicator"]
    strip_control_characters(*(apps.get_model("aid", name) for name in [*names, "Transaction"]))


class Migration(migrations.Migration):
    """Rows saved before control characters were dropped on save made the IATI export fail."""

    dependencies = [("aid", "0004_record_dates_and_amounts")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop)]
