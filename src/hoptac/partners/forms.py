from django import forms
from django.utils.translation import gettext_lazy as _

from hoptac.org.permissions import allowed_owner_units
from hoptac.partners.models import Contact, Level, Partner
from hoptac.partners.selectors import SORTS, possible_duplicates
from hoptac.reference.models import Country
from hoptac.web.params import VersionField, validate_record_date


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Partner.Kind.choices])
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("All countries"),
    )
    level = forms.ChoiceField(
        label=_("Partnership level"),
        required=False,
        choices=[("", _("All levels")), *Level.choices, ("none", _("No level"))],
    )
    as_of = forms.DateField(
        label=_("Level on date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_record_date],
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("", _("Relevance / name"))] + [(k, k) for k in SORTS]
    )


class PartnerForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Aliases"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    version = VersionField()
    confirm_duplicate = forms.BooleanField(label=_("This is a different partner: save it anyway"), required=False)

    class Meta:
        model = Partner
        fields = [
            "kind",
            "name_vi",
            "name_en",
            "acronym",
            "aliases",
            "country",
            "parent",
            "website",
            "owner_unit",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = []
        self.fields["owner_unit"].queryset = allowed_owner_units(user) if user else self.fields["owner_unit"].queryset
        self.fields["parent"].queryset = Partner.objects.order_by("name_vi")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
            self.initial["aliases"] = "\n".join(self.instance.aliases)
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
        for name in ("name_vi", "name_en", "acronym"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": "/partners/duplicates/",
                    "hx-trigger": "keyup changed delay:400ms",
                    "hx-target": "#duplicates",
                    "hx-include": "[name=name_vi],[name=name_en],[name=acronym],[name=partner_id]",
                }
            )

    def clean_aliases(self):
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind, country = cleaned.get("kind"), cleaned.get("country")
        if kind == Partner.Kind.COUNTRY and not country:
            self.add_error("country", _("A partner of kind 'country' must name its country."))
        self.duplicates = list(
            possible_duplicates(
                name_vi=cleaned.get("name_vi", ""),
                name_en=cleaned.get("name_en", ""),
                acronym=cleaned.get("acronym", ""),
                exclude_pk=self.instance.pk,
            )
        )
        if self.duplicates and not cleaned.get("confirm_duplicate"):
            raise forms.ValidationError(
                _(
                    "A partner with the same name or acronym already exists. "
                    "Open it, or tick the box below to save a different partner."
                ),
                code="duplicate",
            )
        return cleaned


class ContactForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
