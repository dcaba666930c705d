"""Agreements in full-text search (discovered by hoptac.search.registry)."""

from django.utils.translation import gettext_lazy as _

from hoptac.search.registry import Entry, Indexed, register


def describe_agreement(agreement) -> Indexed:
    parties = list(agreement.parties.all())
    names = []
    for p in parties:
        names += [p.name_vi, p.name_en, p.acronym, *p.aliases]
    for u in agreement.vietnamese_parties.all():
        names += [u.name_vi, u.name_en, u.short_name]
    fields = list(agreement.fields.all())
    signatories = [f"{s.name} {s.title}" for s in agreement.signatories.all()]
    title = agreement.title_vi + (f" ({agreement.number})" if agreement.number else "")
    text = [
        agreement.title_vi,
        agreement.title_en,
        agreement.number,
        agreement.get_kind_display(),
        agreement.signed_at_city,
        agreement.summary,
        *names,
        *signatories,
        *(f.name_vi for f in fields),
        *(f.name_en for f in fields),
    ]
    return Indexed(
        title=title,
        text="\n".join(str(t) for t in text if t),
        url=agreement.get_absolute_url(),
        language="",
        year=agreement.signed_on.year if agreement.signed_on else None,
        partner_ids=[p.pk for p in parties],
        field_ids=[f.pk for f in fields],
    )


register(
    Entry(
        "agreement",
        "agreements.Agreement",
        describe_agreement,
        _("Agreements"),
        ("owner_unit",),
        ("parties", "vietnamese_parties", "fields", "signatories"),
    )
)
