from django import forms
from django.utils.translation import gettext_lazy as _

from hoptac.activities.models import Delegation, Event
from hoptac.activities.selectors import DELEGATION_SORTS, EVENT_SORTS
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.org.permissions import allowed_owner_units
from hoptac.partners.models import Partner
from hoptac.reference.models import Country, Currency
from hoptac.web.params import VersionField, validate_record_date

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _partners():
    return Partner.objects.order_by("name_vi")


class _FilterBase(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.filter(is_active=True), empty_label=_("All units")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.none(), empty_label=_("All partners")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=_date_widget(), validators=[validate_record_date]
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget(), validators=[validate_record_date])
    report_late = forms.BooleanField(label=_("Report late"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners()


class EventFilterForm(_FilterBase):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Event.Kind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Event.Status.choices]
    )
    field = forms.ModelChoiceField(
        label=_("Field"), required=False, queryset=Field.objects.order_by("name_vi"), empty_label=_("All fields")
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[("", "")] + [(k, k) for k in EVENT_SORTS])
    field_order = [
        "q", "kind", "status", "unit", "partner", "field", "year", "date_from", "date_to", "report_late", "sort"
    ]  # fmt: skip


class DelegationFilterForm(_FilterBase):
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("Both directions")), *Delegation.Direction.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Delegation.Status.choices]
    )
    country = forms.ModelChoiceField(
        label=_("Country visited"),
        required=False,
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("All countries"),
    )
    funding_source = forms.ChoiceField(
        label=_("Funding source"), required=False, choices=[("", _("All sources")), *Delegation.Funding.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[("", "")] + [(k, k) for k in DELEGATION_SORTS])
    field_order = [
        "q",
        "direction",
        "status",
        "unit",
        "partner",
        "country",
        "funding_source",
        "year",
        "date_from",
        "date_to",
        "report_late",
        "sort",
    ]


class _RecordForm(forms.ModelForm):
    version = VersionField()
    unit_field = "organiser_unit"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.fields[self.unit_field].queryset = allowed_owner_units(user)
            if not self.instance.pk and user.unit_id and not self.initial.get(self.unit_field):
                self.initial[self.unit_field] = user.unit_id
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = _date_widget()
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.widget.attrs["size"] = 6

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class EventForm(_RecordForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title_vi",
            "title_en",
            "start_date",
            "end_date",
            "venue",
            "city",
            "country",
            "online",
            "organiser_unit",
            "co_organisers",
            "fields",
            "agenda",
            "approver",
            "approval_decision",
            "approval_date",
            "outcome_summary",
            "report_due_on",
            "report_filed_on",
            "report_summary",
            "is_published",
            "notes",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "outcome_summary": forms.Textarea(attrs={"rows": 3}),
            "report_summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, can_publish=False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["end_date"].required = False
        self.fields["co_organisers"].queryset = _partners()
        self.fields["fields"].queryset = Field.objects.order_by("name_vi")
        if not can_publish:
            self.fields["is_published"].disabled = True

    def clean(self):
        cleaned = self.cleaned_data
        # an end left empty is a one-day event; an end typed but unreadable keeps its error
        if cleaned.get("start_date") and not self.data.get(self.add_prefix("end_date")):
            cleaned["end_date"] = cleaned["start_date"]
            self.errors.pop("end_date", None)
        return super().clean()


class ParticipantForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    people = forms.IntegerField(label=_("Number of people"), required=False, min_value=0, max_value=1_000_000)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners()


class FollowUpForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=500)
    owner_unit = forms.ModelChoiceField(
        label=_("Owner unit"), required=False, queryset=Unit.objects.filter(is_active=True)
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=_date_widget(), validators=[validate_record_date]
    )
    done = forms.BooleanField(label=_("Done"), required=False)


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=2, can_delete=True)
FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=1, can_delete=True)


class DelegationForm(_RecordForm):
    unit_field = "owner_unit"

    class Meta:
        model = Delegation
        fields = [
            "direction",
            "title_vi",
            "title_en",
            "owner_unit",
            "leader_name",
            "leader_title",
            "start_date",
            "end_date",
            "purpose",
            "partners_met",
            "funding_source",
            "project",
            "project_ref",
            "cost",
            "cost_currency",
            "approver",
            "approval_decision",
            "approval_date",
            "outcomes",
            "agreements",
            "report_due_on",
            "report_filed_on",
            "report_summary",
            "notes",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "report_summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners_met"].queryset = _partners()
        self.fields["cost_currency"].queryset = Currency.objects.filter(withdrawn=False)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    title = forms.CharField(label=_("Title"), required=False, max_length=255)
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.filter(is_active=True))
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=255)


class LegForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    city = forms.CharField(label=_("City"), required=False, max_length=128)
    start_date = forms.DateField(label=_("From"), widget=_date_widget(), validators=[validate_record_date])
    end_date = forms.DateField(label=_("To"), widget=_date_widget(), validators=[validate_record_date])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_date") and cleaned.get("end_date") and cleaned["end_date"] < cleaned["start_date"]:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


MemberFormSet = forms.formset_factory(MemberForm, extra=2, can_delete=True)
LegFormSet = forms.formset_factory(LegForm, extra=1, can_delete=True)


class TransitionForm(forms.Form):
    version = VersionField(required=True)
    status = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), required=False, widget=_date_widget(), validators=[validate_record_date])
    decision = forms.CharField(label=_("Decision number"), required=False, max_length=128)
    approver = forms.CharField(label=_("Approved by"), required=False, max_length=255)


class CalendarFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.filter(is_active=True), empty_label=_("All units")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.none(), empty_label=_("All partners")
    )
    month = forms.RegexField(
        label=_("Month"), required=False, regex=r"^\d{4}-\d{2}$", widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners()
