from django import forms
from django.utils.translation import gettext_lazy as _

from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.org.permissions import allowed_owner_units
from hoptac.programmes.deadlines import State
from hoptac.programmes.models import Programme, ProgressReport, ReportingCycle, Task
from hoptac.web.files import check_upload
from hoptac.web.params import VersionField, validate_record_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"), required=False, queryset=Programme.objects.all(), empty_label=_("All programmes")
    )
    field = forms.ModelChoiceField(
        label=_("Field"), required=False, queryset=Field.objects.all(), empty_label=_("All fields")
    )
    unit = forms.ModelChoiceField(
        label=_("Lead unit"),
        required=False,
        queryset=Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("name_vi"),
        empty_label=_("All units"),
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *State.LABELS.items()])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Task.Status.choices]
    )
    due_from = forms.DateField(label=_("Deadline from"), required=False, widget=DATE, validators=[validate_record_date])
    due_to = forms.DateField(label=_("Deadline until"), required=False, widget=DATE, validators=[validate_record_date])

    def __init__(self, *args, with_programme: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_programme:
            del self.fields["programme"]
        # Provinces can lead tasks too: offer those that do.
        self.fields["unit"].queryset = Unit.objects.filter(
            pk__in=Unit.objects.exclude(kind=Unit.Kind.PROVINCE).values("pk")
        ) | Unit.objects.filter(pk__in=Task.objects.values("lead_unit"))
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("kind", "name_vi").distinct()

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or "",
            "programme": data["programme"].pk if data.get("programme") else None,
            "field": data["field"].pk if data.get("field") else None,
            "unit": data["unit"].pk if data.get("unit") else None,
            "state": data.get("state") or "",
            "status": data.get("status") or "",
            "due_from": data.get("due_from"),
            "due_to": data.get("due_to"),
        }


class ProgrammeForm(forms.ModelForm):
    version = VersionField()
    source_url = forms.URLField(label=_("source"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Programme
        fields = [
            "title",
            "title_en",
            "document_number",
            "document_date",
            "issuer",
            "implements_number",
            "implements_date",
            "implements_issuer",
            "implements_title",
            "period_start",
            "period_end",
            "fields",
            "parent",
            "owner_unit",
            "summary",
            "source_url",
            "notes",
        ]
        widgets = {
            "document_date": DATE,
            "implements_date": DATE,
            "period_start": DATE,
            "period_end": DATE,
            "title": forms.TextInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "fields": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["owner_unit"].queryset = allowed_owner_units(user)
        if self.instance.pk:
            self.fields["parent"].queryset = Programme.objects.exclude(pk=self.instance.pk)
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CycleForm(forms.ModelForm):
    remind_days_after = forms.CharField(
        label=_("remind again (days after due)"), required=False, initial="1, 7", help_text=_("e.g. 1, 7, 14")
    )

    class Meta:
        model = ReportingCycle
        fields = ["frequency", "due_day", "due_month_offset", "opens_days_before", "remind_days_before", "basis"]

    def clean_remind_days_after(self):
        text = self.cleaned_data["remind_days_after"] or ""
        try:
            return sorted({int(x) for x in text.replace(";", ",").split(",") if x.strip()})
        except ValueError:
            raise forms.ValidationError(_("Write whole numbers separated by commas.")) from None


class TaskForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Task
        fields = [
            "code",
            "position",
            "title",
            "description",
            "field",
            "lead_unit",
            "coordinating_units",
            "deadline_kind",
            "deadline",
            "deadline_month",
            "deadline_day",
            "reporting_cycle",
            "expected_product",
            "status",
            "completed_on",
            "upper_task",
            "notes",
        ]
        widgets = {
            "deadline": DATE,
            "completed_on": DATE,
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "coordinating_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["reporting_cycle"].queryset = programme.cycles.all()
        units = Unit.objects.filter(is_active=True).order_by("kind", "name_vi")
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
        upper = Task.objects.filter(programme_id=programme.parent_id) if programme.parent_id else Task.objects.none()
        self.fields["upper_task"].queryset = upper
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["coordinating_units"] = list(data["coordinating_units"])
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.ModelForm):
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    class Meta:
        model = ProgressReport
        fields = [
            "reported_on",
            "period_end",
            "percent",
            "milestone",
            "narrative",
            "difficulties",
            "proposals",
            "completes_task",
        ]
        widgets = {
            "reported_on": DATE,
            "period_end": DATE,
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 2}),
            "proposals": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == ProgressReport.Kind.CONTRIBUTION:
            del self.fields["completes_task"]

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        for upload in files:
            check_upload(upload)
        return files

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "attachments"}


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an .xlsx or .csv file."))
        if upload.size > settings.HOPTAC_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.HOPTAC_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ReviewForm(forms.Form):
    version = VersionField()
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    version = VersionField()
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Task.Status if s not in Task.CLOSED],
    )


class CloseForm(forms.Form):
    version = VersionField()
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE, validators=[validate_record_date])
