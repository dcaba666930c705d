"""Programmes and tasks in the one search index."""

from django.utils.translation import gettext_lazy as _

from hoptac.search.registry import Entry, Indexed, register


def describe_programme(programme) -> Indexed:
    parts = [
        programme.document_number,
        programme.title,
        programme.title_en,
        programme.issuer,
        programme.implements_number,
        programme.implements_title,
        programme.summary,
    ]
    year = programme.document_date.year if programme.document_date else None
    return Indexed(
        title=str(programme),
        text="\n".join(p for p in parts if p),
        url=programme.get_absolute_url(),
        year=year,
        field_ids=[f.pk for f in programme.fields.all()],
    )


def describe_task(task) -> Indexed:
    units = [task.lead_unit] if task.lead_unit else []
    units += list(task.coordinating_units.all())
    parts = [
        task.code,
        task.title,
        task.description,
        task.expected_product,
        task.programme.document_number,
        *[u.name_vi for u in units],
        *[u.name_en for u in units],
    ]
    return Indexed(
        title=str(task),
        text="\n".join(p for p in parts if p),
        url=task.get_absolute_url(),
        year=task.deadline.year if task.deadline else None,
        field_ids=[task.field_id] if task.field_id else [],
    )


register(Entry("programme", "programmes.Programme", describe_programme, _("Programmes"), (), ("fields",)))
register(
    Entry(
        "task",
        "programmes.Task",
        describe_task,
        _("Tasks"),
        ("programme", "lead_unit"),
        ("coordinating_units",),
    )
)
