import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.partners.models import Partner
from hoptac.reports.figures import Filters
from hoptac.web.params import validate_record_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """Period, unit, partner and field: the filters the whole dashboard and every report share."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DATE, validators=[validate_record_date])
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE, validators=[validate_record_date])
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False, empty_label=_("All units")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.order_by("name_vi"), required=False, empty_label=_("All partners")
    )
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.order_by("name_vi"), required=False, empty_label=_("All fields")
    )

    # The query string uses short names: ?from=2025-01-01&to=2025-12-31&unit=3
    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for short, name in (("from", "date_from"), ("to", "date_to")):
                if short in data and name not in data:
                    data[name] = data[short]
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self, today: datetime.date) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("date_from") or datetime.date(today.year, 1, 1)
        end = data.get("date_to") or datetime.date(start.year, 12, 31)
        if end < start:
            start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        return Filters(start, end, data.get("unit"), data.get("partner"), data.get("field"))


REPORT_FORMATS = (("docx", "DOCX (Word)"), ("xlsx", "XLSX (Excel)"), ("pdf", "PDF"))
REPORT_LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))


class ReportForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Report"), choices=())
    format = forms.ChoiceField(label=_("Format"), choices=REPORT_FORMATS, initial="docx")
    lang = forms.ChoiceField(label=_("Language"), choices=REPORT_LANGUAGES, initial="vi", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from hoptac.reports.builder import KINDS

        self.fields["kind"].choices = [(key, kind.title) for key, kind in KINDS.items()]
        self.order_fields(["kind", "date_from", "date_to", "unit", "partner", "field", "format", "lang"])
