"""Projects in the search index."""

from django.utils.translation import gettext_lazy as _

from hoptac.search.registry import Entry, Indexed, register


def describe_project(project) -> Indexed:
    start = project.start()
    partner_ids = sorted({o.partner_id for o in project.organisations.all() if o.partner_id})
    field_ids = sorted({f.field_id for f in project.fields.all()})
    organisations = [o.name for o in project.organisations.all() if o.name]
    return Indexed(
        title=project.title_vi or project.title_en or project.iati_identifier or project.code,
        text="\n".join(
            t
            for t in (
                project.code,
                project.iati_identifier,
                project.title_vi,
                project.title_en,
                project.description_vi,
                project.description_en,
                *organisations,
            )
            if t
        ),
        url=project.get_absolute_url(),
        language="",
        year=start.year if start else None,
        partner_ids=partner_ids,
        field_ids=field_ids,
    )


register(
    Entry(
        "project",
        "aid.Project",
        describe_project,
        _("Projects"),
        prefetch_related=("organisations", "fields"),
    )
)
