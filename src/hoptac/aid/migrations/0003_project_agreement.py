"""Projects link to a recorded agreement; existing projects whose agreement number is that of
exactly one agreement are linked to it (as services.project_create/update do on save)."""

import django.db.models.deletion
from django.db import migrations, models


def link_by_number(apps, schema_editor):
    Project = apps.get_model("aid", "Project")
    Agreement = apps.get_model("agreements", "Agreement")
    for project in Project.objects.filter(agreement__isnull=True).exclude(agreement_number=""):
        number = project.agreement_number.strip()
        matches = (
            list(Agreement.objects.filter(number__iexact=number).values_list("pk", flat=True)[:2]) if number else []
        )
        if len(matches) == 1:
            Project.objects.filter(pk=project.pk).update(agreement_id=matches[0])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_alter_historicalsignatory_title_and_more"),
        ("aid", "0002_shipped_rates"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproject",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The recorded agreement the project is under; found from the number when exactly one has it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agreements.agreement",
                verbose_name="linked agreement",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                help_text="The recorded agreement the project is under; found from the number when exactly one has it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aid_projects",
                to="agreements.agreement",
                verbose_name="linked agreement",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="agreement_number",
            field=models.CharField(
                blank=True,
                help_text="Number of the agreement the project is under.",
                max_length=128,
                verbose_name="agreement number",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="agreement_number",
            field=models.CharField(
                blank=True,
                help_text="Number of the agreement the project is under.",
                max_length=128,
                verbose_name="agreement number",
            ),
        ),
        migrations.RunPython(link_by_number, migrations.RunPython.noop),
    ]
