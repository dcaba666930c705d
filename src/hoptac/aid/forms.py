from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoptac.agreements.models import Agreement
from hoptac.aid.iati import codelist
from hoptac.aid.models import Kind, OrgRole, Project, Status, Transaction, TransactionType
from hoptac.aid.selectors import SORTS
from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.org.permissions import allowed_owner_units, can_approve, visible
from hoptac.partners.models import Partner
from hoptac.web.params import VersionField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _provinces():
    return Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True).order_by("name_vi")


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    donor = forms.ModelChoiceField(
        label=_("Donor"),
        required=False,
        queryset=Partner.objects.filter(aid_roles__role=OrgRole.FUNDING).distinct().order_by("name_vi"),
        empty_label=_("All donors"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    sector = forms.CharField(label=_("DAC sector"), required=False, max_length=5)
    field = forms.ModelChoiceField(
        label=_("Field"), required=False, queryset=Field.objects.order_by("name_vi"), empty_label=_("All fields")
    )
    province = forms.ModelChoiceField(
        label=_("Province"), required=False, queryset=_provinces(), empty_label=_("All provinces")
    )
    unit = forms.ModelChoiceField(
        label=_("Vietnamese unit"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("kind", "name_vi"),
        empty_label=_("All units"),
        help_text=_("The unit that owns or implements the project."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("", _("Newest first"))] + [(k, k) for k in SORTS]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces()


def _parse_shares(text: str, label: str, resolve) -> list[tuple[object, Decimal | None]]:
    """Lines of `KEY PERCENT` (the percentage optional) → (resolved key, percentage)."""
    rows, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, _sep, rest = line.rpartition(" ")
        percentage = None
        try:
            percentage = Decimal(rest.rstrip("%").replace(",", "."))
        except InvalidOperation:
            key = line
        if not key:
            key, percentage = line, None
        target = resolve(key.strip())
        if target is None:
            errors.append(_("line %(n)s: unknown %(label)s '%(key)s'") % {"n": n, "label": label, "key": key.strip()})
        else:
            rows.append((target, percentage))
    if errors:
        raise forms.ValidationError(errors)
    return rows


def _find_field(key: str):
    return Field.objects.filter(Q(code=key) | Q(name_vi__iexact=key) | Q(name_en__iexact=key)).first()


def _find_province(key: str):
    return _provinces().filter(Q(code=key) | Q(name_vi__iexact=key) | Q(name_en__iexact=key)).first()


def _check_code(form, cleaned: dict, name: str, codelist_name: str) -> None:
    value = (
        (cleaned.get(name) or "").strip().upper() if name.endswith("currency") else (cleaned.get(name) or "").strip()
    )
    if value and name in form.changed_data and value not in codelist(codelist_name):
        form.add_error(
            name, _("%(code)s is not in the IATI %(list)s codelist.") % {"code": value, "list": codelist_name}
        )


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agreement) -> str:
        return f"{obj.number} — {obj.title_vi}" if obj.number else obj.title_vi


def agreement_choices(user, current_id: int | None = None):
    """Agreements the user may see, and the one already linked (kept even if it is not)."""
    queryset = Agreement.objects.all() if user is None else visible(user, Agreement.objects.all())
    if current_id:
        queryset = Agreement.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk=current_id))
    return queryset.order_by("-signed_on", "title_vi", "pk")


class ProjectForm(forms.ModelForm):
    version = VersionField()
    donors = forms.ModelMultipleChoiceField(
        label=_("Donors (funding organisations)"), required=False, queryset=Partner.objects.order_by("name_vi")
    )
    implementers = forms.ModelMultipleChoiceField(
        label=_("Implementing organisations (partners)"), required=False, queryset=Partner.objects.order_by("name_vi")
    )
    sectors_text = forms.CharField(
        label=_("DAC sectors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: 5-digit DAC code and percentage, e.g. 15110 60."),
    )
    fields_text = forms.CharField(
        label=_("Cooperation fields"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: field code or name and percentage."),
    )
    locations_text = forms.CharField(
        label=_("Provinces"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: province name or code and percentage."),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "iati_identifier",
            "title_vi",
            "title_en",
            "description_vi",
            "description_en",
            "kind",
            "status",
            "aid_type",
            "finance_type",
            "flow_type",
            "default_currency",
            "parent",
            "owner_unit",
            "implementing_units",
            "agreement",
            "agreement_number",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "notes",
            "is_published",
        ]
        field_classes = {"agreement": AgreementChoiceField}
        widgets = {
            "description_vi": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "planned_start": DATE,
            "planned_end": DATE,
            "actual_start": DATE,
            "actual_end": DATE,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["owner_unit"].queryset = allowed_owner_units(user)
            if not can_approve(user):
                self.fields["is_published"].disabled = True
        self.fields["parent"].queryset = Project.objects.order_by("title_vi")
        self.fields["agreement"].queryset = agreement_choices(user, self.instance.agreement_id)
        self.fields["implementing_units"].queryset = Unit.objects.filter(is_active=True).exclude(
            kind=Unit.Kind.PROVINCE
        )
        project = self.instance
        if project.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=project.pk)
            self.initial["version"] = project.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
            orgs = list(project.organisations.all())
            self.initial["donors"] = [o.partner_id for o in orgs if o.role == OrgRole.FUNDING and o.partner_id]
            self.initial["implementers"] = [
                o.partner_id for o in orgs if o.role == OrgRole.IMPLEMENTING and o.partner_id
            ]
            self.initial["sectors_text"] = "\n".join(
                f"{s.code} {s.percentage.normalize():f}" if s.percentage is not None else s.code
                for s in project.sectors.filter(vocabulary="1")
            )
            self.initial["fields_text"] = "\n".join(
                f"{f.field.code} {f.percentage.normalize():f}" for f in project.fields.select_related("field")
            )
            self.initial["locations_text"] = "\n".join(
                f"{loc.province.name_vi} {loc.percentage.normalize():f}"
                if loc.percentage is not None
                else loc.province.name_vi
                for loc in project.locations.select_related("province")
                if loc.province_id
            )

    def clean_sectors_text(self):
        return _parse_shares(
            self.cleaned_data["sectors_text"],
            _("DAC code"),
            lambda k: k if len(k) == 5 and k.isdigit() else None,
        )

    def clean_fields_text(self):
        return _parse_shares(self.cleaned_data["fields_text"], _("field"), _find_field)

    def clean_locations_text(self):
        return _parse_shares(self.cleaned_data["locations_text"], _("province"), _find_province)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_vi") or cleaned.get("title_en")):
            self.add_error("title_vi", _("Give a title in Vietnamese or English."))
        if not (cleaned.get("planned_start") or cleaned.get("actual_start")):
            self.add_error("planned_start", _("Give the planned (or actual) start date."))
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
                self.add_error(end, _("The end cannot be before the start."))
        # Checked when typed, not when kept: an IATI import may have brought a code the list lacks.
        for name, codelist_name in (
            ("aid_type", "AidType"),
            ("finance_type", "FinanceType"),
            ("flow_type", "FlowType"),
            ("default_currency", "Currency"),
        ):
            _check_code(self, cleaned, name, codelist_name)
        return cleaned

    def service_values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        if self.fields["is_published"].disabled:
            data.pop("is_published", None)
        data["default_currency"] = (data.get("default_currency") or "").upper()
        data["implementing_units"] = list(data.get("implementing_units") or [])
        # Organisations the form does not show (accountable, extending, or named without a
        # registry partner, as IATI imports bring them) are kept as they are.
        others = [
            o
            for o in (self.instance.organisations.all() if self.instance.pk else [])
            if not (o.role in (OrgRole.FUNDING, OrgRole.IMPLEMENTING) and o.partner_id)
        ]
        data["organisations"] = (
            [{"role": OrgRole.FUNDING, "partner": p} for p in self.cleaned_data["donors"]]
            + [{"role": OrgRole.IMPLEMENTING, "partner": p} for p in self.cleaned_data["implementers"]]
            + [{"role": o.role, "name": o.name, "ref": o.ref, "org_type": o.org_type} for o in others]
        )
        keep = list(self.instance.sectors.exclude(vocabulary="1")) if self.instance.pk else []
        data["sectors"] = [
            {"vocabulary": "1", "code": c, "percentage": p} for c, p in self.cleaned_data["sectors_text"]
        ]
        data["sectors"] += [
            {"vocabulary": s.vocabulary, "code": s.code, "name": s.name, "percentage": s.percentage} for s in keep
        ]
        data["fields"] = [{"field": f, "percentage": p} for f, p in self.cleaned_data["fields_text"]]
        places = list(self.instance.locations.filter(province__isnull=True)) if self.instance.pk else []
        data["locations"] = [{"province": u, "percentage": p} for u, p in self.cleaned_data["locations_text"]]
        data["locations"] += [{"name": loc.name, "ref": loc.ref, "percentage": loc.percentage} for loc in places]
        return data


class TransactionForm(forms.ModelForm):
    version = VersionField()
    type_code = forms.ChoiceField(label=_("Type"), choices=TransactionType.choices)

    class Meta:
        model = Transaction
        fields = [
            "type_code",
            "date",
            "value",
            "currency",
            "value_date",
            "ref",
            "description",
            "provider_name",
            "receiver_name",
        ]
        widgets = {"date": DATE, "value_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["value_date"].required = False
        self.fields["currency"].required = False
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a post without it would overwrite blindly
        elif project is not None:
            self.initial["currency"] = project.default_currency

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and not cleaned.get("value_date"):
            cleaned["value_date"] = cleaned["date"]
        # left empty (or cleared on edit): the project's currency, as on create
        default = self.project.default_currency if self.project is not None else ""
        cleaned["currency"] = (cleaned.get("currency") or default or "").upper()
        if not cleaned["currency"]:
            self.add_error("currency", _("Give the currency (the project has no default currency)."))
        _check_code(self, cleaned, "currency", "Currency")
        return cleaned

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
