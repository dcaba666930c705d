from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hoptac.documents.models import Document, Language
from hoptac.documents.selectors import SORTS
from hoptac.org.models import Unit
from hoptac.org.permissions import allowed_owner_units
from hoptac.web.params import VersionField, validate_record_date


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.html,.htm,.docx,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            data = [d for d in data if d]
            if data:
                return [single(d, initial) for d in data]
        elif data:
            return [single(data, initial)]
        if self.required:  # an empty upload said nothing: the form came back with no message
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return []


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Document.Kind.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    owner_unit = forms.ModelChoiceField(
        label=_("Owner unit"), required=False, queryset=Unit.objects.filter(is_active=True), empty_label=_("All units")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("", _("Newest first"))] + [(k, k) for k in SORTS]
    )


class _MetaFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.NEWS)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect automatically")), *Language.choices],
    )
    source = forms.CharField(label=_("Source"), max_length=255, required=False)
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_record_date],
    )
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), required=False, queryset=Unit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = allowed_owner_units(user) if user else Unit.objects.none()
        if user is not None and getattr(user, "unit_id", None):
            self.fields["owner_unit"].initial = user.unit_id


class UploadForm(_MetaFields):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("txt, html, docx or pdf; one or several."),
    )
    field_order = ["files", "kind", "language", "source", "published_on", "owner_unit", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("Leave empty to take it from each file.")

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.HOPTAC_UPLOAD_MAX_BYTES
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)s MB.") % {"name": f.name, "mb": round(limit / 1024 / 1024, 1)}
                )
        return files


class TextForm(_MetaFields):
    source_url = forms.URLField(label=_("Web address"), max_length=1000, required=False, assume_scheme="https")
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    field_order = ["source_url", "title", "text", "kind", "language", "source", "published_on", "owner_unit"]


class DocumentForm(forms.ModelForm):
    version = VersionField()
    source_url = forms.URLField(label=_("Web address"), max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Document
        fields = ["title", "language", "kind", "source", "source_url", "published_on", "owner_unit"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            allowed = allowed_owner_units(user)
            if self.instance.owner_unit_id:
                allowed = allowed | Unit.objects.filter(pk=self.instance.owner_unit_id)
            self.fields["owner_unit"].queryset = allowed.distinct()
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=500)
    type = forms.CharField(label=_("Type"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", ""), *Language.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    partner = forms.IntegerField(label=_("Partner"), required=False, min_value=1)
    field = forms.IntegerField(label=_("Field"), required=False, min_value=1)
