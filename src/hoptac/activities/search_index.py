"""Events and delegations in the one search (auto-discovered by hoptac.search.registry)."""

from django.utils.translation import gettext_lazy as _

from hoptac.search.registry import Entry, Indexed, register


def describe_event(event) -> Indexed:
    participants = [p.partner for p in event.participants.all()]
    partners = list(event.co_organisers.all()) + participants
    country = event.country
    parts = [
        event.title_vi,
        event.title_en,
        event.get_kind_display(),
        event.venue,
        event.city,
        country.name_vi if country else "",
        country.name_en if country else "",
        event.organiser_unit.name_vi,
        *[f"{p.name_vi} {p.name_en} {p.acronym}" for p in partners],
        event.agenda,
        event.outcome_summary,
        event.approval_decision,
    ]
    return Indexed(
        title=event.title_vi,
        text="\n".join(str(p) for p in parts if p),
        url=event.get_absolute_url(),
        language="",
        year=event.start_date.year,
        partner_ids=sorted({p.pk for p in partners}),
        field_ids=sorted(f.pk for f in event.fields.all()),
    )


def describe_delegation(delegation) -> Indexed:
    partners = list(delegation.partners_met.all())
    legs = list(delegation.legs.all())
    parts = [
        delegation.title_vi,
        delegation.title_en,
        delegation.get_direction_display(),
        delegation.leader_name,
        delegation.leader_title,
        delegation.owner_unit.name_vi,
        *[f"{g.city} {g.country.name_vi} {g.country.name_en}" for g in legs],
        *[f"{m.name} {m.title}" for m in delegation.members.all()],
        *[f"{p.name_vi} {p.name_en} {p.acronym}" for p in partners],
        delegation.purpose,
        delegation.outcomes,
        delegation.approval_decision,
    ]
    return Indexed(
        title=delegation.title_vi,
        text="\n".join(str(p) for p in parts if p),
        url=delegation.get_absolute_url(),
        language="",
        year=delegation.start_date.year,
        partner_ids=sorted(p.pk for p in partners),
    )


register(
    Entry(
        "event",
        "activities.Event",
        describe_event,
        _("Events"),
        ("organiser_unit", "country"),
        ("co_organisers", "participants__partner", "fields"),
    )
)
register(
    Entry(
        "delegation",
        "activities.Delegation",
        describe_delegation,
        _("Delegations"),
        ("owner_unit",),
        ("partners_met", "legs__country", "members"),
    )
)
