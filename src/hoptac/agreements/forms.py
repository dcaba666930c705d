from django import forms
from django.utils.translation import gettext_lazy as _

from hoptac.agreements import lifecycle
from hoptac.agreements.models import (
    Agreement,
    AgreementText,
    Consultation,
    ImplementationActivity,
    Signatory,
    State,
)
from hoptac.agreements.selectors import SORTS
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.org.permissions import allowed_owner_units, can_approve
from hoptac.partners.models import Partner
from hoptac.reference.models import Country
from hoptac.web.files import check_upload
from hoptac.web.params import EARLIEST_DATE, LATEST_DATE, VersionField, positive_int, validate_record_date


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.order_by("name_vi"), empty_label=_("All partners")
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("All countries"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agreement.Kind.choices])
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Agreement.Level.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Agreement.Status.choices]
    )
    state = forms.ChoiceField(label=_("In force?"), required=False, choices=[("", _("Any")), *State.choices])
    field = forms.ModelChoiceField(
        label=_("Field"), required=False, queryset=Field.objects.order_by("name_vi"), empty_label=_("All fields")
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("kind", "name_vi"),
        empty_label=_("All units"),
    )
    year = forms.TypedChoiceField(label=_("Year signed"), required=False, coerce=int, empty_value=None, choices=[])
    as_of = forms.DateField(
        label=_("State on"),
        required=False,
        widget=_date_widget(),
        help_text=_("The in-force state is read on this day (default: today)."),
        validators=[validate_record_date],
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("", _("Newest signed"))] + [(k, k) for k in SORTS]
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        years = list(years)
        # A year with no agreement signed (a dashboard link, a bookmark) finds none rather than
        # failing as "not one of the choices".
        chosen = positive_int(self.data.get("year")) if self.is_bound else None
        if chosen and EARLIEST_DATE.year <= chosen <= LATEST_DATE.year and chosen not in years:
            years = sorted([*years, chosen], reverse=True)
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]


def _bilingual(obj) -> str:
    name_en = getattr(obj, "name_en", "")
    return f"{obj.name_vi} · {name_en}" if name_en and name_en != obj.name_vi else obj.name_vi


def _partner_label(partner) -> str:
    label = f"{partner.name_vi} ({partner.acronym})" if partner.acronym else partner.name_vi
    if partner.name_en and partner.name_en != partner.name_vi:
        label += f" · {partner.name_en}"
    return label


class AgreementForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Agreement
        fields = [
            "kind",
            "level",
            "number",
            "title_vi",
            "title_en",
            "owner_unit",
            "vietnamese_parties",
            "parties",
            "signed_on",
            "signed_on_precision",
            "signed_at_city",
            "signed_at_country",
            "in_force_from",
            "valid_until",
            "automatic_renewal",
            "renewal_period_months",
            "notice_period_days",
            "fields",
            "summary",
            "notes",
            "status",
            "is_published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "signed_on": _date_widget(),
            "in_force_from": _date_widget(),
            "valid_until": _date_widget(),
            "parties": forms.SelectMultiple(attrs={"size": 8}),
            "vietnamese_parties": forms.SelectMultiple(attrs={"size": 6}),
            "fields": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner_units = allowed_owner_units(user) if user else Unit.objects.all()
        if self.instance.pk and self.instance.owner_unit_id:
            owner_units = Unit.objects.filter(pk__in=owner_units.values("pk")) | Unit.objects.filter(
                pk=self.instance.owner_unit_id
            )
        self.fields["owner_unit"].queryset = owner_units.order_by("kind", "name_vi")
        self.fields["parties"].queryset = Partner.objects.order_by("name_vi")
        self.fields["parties"].help_text = _("One or more. Hold Ctrl (⌘) to choose several.")
        # Both names in each option, so the search box finds a partner in either language.
        self.fields["parties"].label_from_instance = _partner_label
        self.fields["vietnamese_parties"].label_from_instance = _bilingual
        self.fields["fields"].label_from_instance = _bilingual
        for name in ("parties", "vietnamese_parties", "fields"):
            self.fields[name].widget.attrs["data-filterable"] = _("Type to narrow the list")
        self.fields["vietnamese_parties"].queryset = Unit.objects.order_by("kind", "name_vi")
        self.fields["vietnamese_parties"].required = False
        self.fields["fields"].queryset = Field.objects.order_by("name_vi")
        self.fields["fields"].required = False
        if user is not None and getattr(user, "unit_id", None) and not self.instance.pk:
            self.initial.setdefault("owner_unit", user.unit_id)
        if self.instance.pk:
            # The status moves only through the lifecycle (transition form).
            del self.fields["status"]
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
        else:
            self.fields["status"].label = _("Status when registered")
        if user is None or not can_approve(user):
            del self.fields["is_published"]

    def clean(self):
        cleaned = super().clean()
        # The dates' order is checked by Agreement.clean (the API goes through it too).
        start, signed = cleaned.get("in_force_from"), cleaned.get("signed_on")
        status = cleaned.get("status")
        if status in lifecycle.SIGNED_OR_LATER and not signed:
            self.add_error("signed_on", _("An agreement in this status needs its signing date."))
        if status == Agreement.Status.IN_FORCE and not start:
            self.add_error("in_force_from", _("An agreement in force needs the date it entered into force."))
        if status == Agreement.Status.SUPERSEDED:
            self.add_error("status", _("Register the agreement first, then record that it was superseded."))
        return cleaned

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        return {
            **{k: v for k, v in data.items() if k not in ("parties", "vietnamese_parties", "fields")},
            "parties": list(data["parties"]),
            "vietnamese_parties": list(data["vietnamese_parties"]),
            "fields": list(data["fields"]),
        }


class SignatoryForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=Signatory.Side.choices)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    title = forms.CharField(label=_("Position"), max_length=255, required=False)


SignatoryFormSet = forms.formset_factory(SignatoryForm, extra=2)


def signatory_initial(agreement: Agreement | None) -> list[dict]:
    if agreement is None or not agreement.pk:
        return []
    return [{"side": s.side, "name": s.name, "title": s.title} for s in agreement.signatories.all()]


def signatory_values(formset) -> list[dict]:
    return [
        {"side": f.cleaned_data["side"], "name": f.cleaned_data["name"].strip(), "title": f.cleaned_data["title"]}
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("name") or "").strip()
    ]


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Agreement.Status.choices)
    date = forms.DateField(label=_("Date of the step"), widget=_date_widget(), validators=[validate_record_date])
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    superseded_by = forms.ModelChoiceField(
        label=_("Replaced by (when superseded)"), required=False, queryset=Agreement.objects.none()
    )
    valid_until = forms.DateField(
        label=_("New end date (when extended)"),
        required=False,
        widget=_date_widget(),
        validators=[validate_record_date],
    )
    version = VersionField()

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.allowed = lifecycle.allowed_next(agreement.status)
        labels = dict(Agreement.Status.choices)
        # Only the allowed next states are offered; any other one posted is refused in clean.
        self.fields["to_status"].widget.choices = [(s, labels[s]) for s in self.allowed]
        self.fields["superseded_by"].queryset = Agreement.objects.exclude(pk=agreement.pk).order_by("-signed_on")
        self.initial.setdefault("version", agreement.version)

    def clean_to_status(self):
        value = self.cleaned_data["to_status"]
        if value not in self.allowed:
            labels = dict(Agreement.Status.choices)
            allowed = ", ".join(str(labels[s]) for s in self.allowed) or _("none (this is a final state)")
            raise forms.ValidationError(
                _("This agreement cannot go from “%(current)s” to “%(wanted)s”. Allowed next states: %(allowed)s.")
                % {"current": labels[self.agreement.status], "wanted": labels[value], "allowed": allowed},
                code="transition",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == Agreement.Status.SUPERSEDED and not cleaned.get("superseded_by"):
            self.add_error("superseded_by", _("Name the agreement that replaces this one."))
        return cleaned


class ActivityForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = ImplementationActivity
        fields = ["title", "owner_unit", "due_date", "status", "completed_on", "result"]
        widgets = {
            "due_date": _date_widget(),
            "completed_on": _date_widget(),
            "result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "name_vi")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly


class ConsultationForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Consultation
        fields = ["agency", "agency_name", "requested_on", "answered_on", "answer", "answer_text", "document_number"]
        widgets = {
            "requested_on": _date_widget(),
            "answered_on": _date_widget(),
            "answer_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Unit.objects.order_by("kind", "name_vi")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("agency") and not (cleaned.get("agency_name") or "").strip():
            self.add_error("agency", _("Name the consulted agency."))
        return cleaned


class TextForm(forms.ModelForm):
    class Meta:
        model = AgreementText
        fields = ["title", "language", "file", "document"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("document"):
            raise forms.ValidationError(_("Attach a file or choose a document."))
        return cleaned
