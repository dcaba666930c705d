import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoptac.aid import selectors, services
from hoptac.aid.models import ExchangeRate, Project, TransactionType
from hoptac.aid.tests.factories import add_tx, make_project
from hoptac.audit.services import ConflictError
from hoptac.fields.models import Field
from hoptac.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("english_messages")
def test_sector_percentages_must_sum_to_100(editor):
    with pytest.raises(ValidationError) as exc:
        make_project(editor, sectors=[{"code": "15110", "percentage": 60}, {"code": "16020", "percentage": 30}])
    assert "sum to 90" in str(exc.value)
    with pytest.raises(ValidationError):
        make_project(editor, sectors=[{"code": "15110", "percentage": 60}, {"code": "16020"}])
    p = make_project(editor, sectors=[{"code": "15110", "percentage": "60.5"}, {"code": "16020", "percentage": "39.5"}])
    assert [s.code for s in p.sectors.all()] == ["15110", "16020"]
    # Each vocabulary sums to 100 on its own; no percentages at all is fine.
    make_project(
        editor,
        code="P-2",
        sectors=[{"code": "15110", "percentage": 100}, {"vocabulary": "2", "code": "151", "percentage": 100}],
    )
    make_project(editor, code="P-3", sectors=[{"code": "15110"}])


def test_field_and_location_percentages(editor):
    fields = list(Field.objects.all()[:2])
    provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True)[:2])
    with pytest.raises(ValidationError) as exc:
        make_project(editor, fields=[{"field": fields[0], "percentage": 50}])
    assert "fields" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_project(editor, locations=[{"province": provinces[0], "percentage": 70}])
    assert "locations" in exc.value.message_dict
    p = make_project(
        editor,
        fields=[{"field": fields[0], "percentage": 50}, {"field": fields[1], "percentage": 50}],
        locations=[{"province": provinces[0], "percentage": 70}, {"province": provinces[1], "percentage": 30}],
    )
    assert p.fields.count() == 2 and p.locations.count() == 2


def test_transaction_stores_its_rate_and_keeps_it(editor):
    p = make_project(editor)
    tx = add_tx(editor, p, value="100", currency="EUR", day=datetime.date(2024, 5, 2))
    rate = ExchangeRate.objects.get(currency="EUR", month=datetime.date(2024, 5, 1))
    usd = ExchangeRate.objects.get(currency="USD", month=datetime.date(2024, 5, 1))
    assert tx.rate_vnd == rate.vnd_per_unit
    assert tx.value_vnd == Decimal(100) * rate.vnd_per_unit
    assert tx.value_usd == (Decimal(100) * rate.vnd_per_unit / usd.vnd_per_unit).quantize(Decimal("0.01"))
    # The table changes: the stored transaction does not.
    ExchangeRate.objects.filter(pk=rate.pk).update(vnd_per_unit=Decimal("1"))
    tx = services.transaction_update(tx, user=editor, version=tx.version, description="note")
    assert tx.rate_vnd == rate.vnd_per_unit
    # Unless its amount changes (or a reconversion is asked for).
    tx = services.transaction_update(tx, user=editor, version=tx.version, value=Decimal("200"))
    assert tx.rate_vnd == Decimal("1") and tx.value_vnd == Decimal("200")


def test_transaction_without_rate_is_kept_unconverted(editor):
    p = make_project(editor)
    tx = add_tx(editor, p, value="5", currency="CHF")
    assert tx.value_vnd is None and tx.rate_vnd is None
    assert selectors.project_figures(p).unconverted == 1


def test_figures_and_disbursement_rate(editor):
    p = make_project(editor)
    add_tx(editor, p, TransactionType.COMMITMENT, "1000", "USD")
    add_tx(editor, p, TransactionType.DISBURSEMENT, "250", "USD")
    add_tx(editor, p, TransactionType.EXPENDITURE, "50", "USD")
    add_tx(editor, p, TransactionType.INCOMING_FUNDS, "999", "USD")
    f = selectors.project_figures(p)
    assert f.committed_usd == Decimal("1000.00") and f.disbursed_usd == Decimal("300.00")
    assert f.disbursement_rate == Decimal("30.0")
    assert f.committed_vnd == Decimal(1000) * ExchangeRate.objects.get(currency="USD", month="2024-03-01").vnd_per_unit
    row = selectors.project_list(editor).get(pk=p.pk)
    assert row.committed_usd == Decimal("1000.00") and row.disbursed_usd == Decimal("300.00")
    other = make_project(editor, code="P-2")
    assert selectors.project_figures(other).disbursement_rate is None
    add_tx(editor, other, TransactionType.COMMITMENT, "1000", "USD")
    t = selectors.totals(selectors.project_list(editor))
    assert t.committed_usd == Decimal("2000.00") and t.disbursement_rate == Decimal("15.0")


def test_list_filters(editor, unit_a):
    from hoptac.partners.models import Partner

    ilo = Partner.objects.filter(acronym="ILO").first()
    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True).first()
    field = Field.objects.first()
    a = make_project(
        editor,
        organisations=[{"role": "1", "partner": ilo}],
        sectors=[{"code": "16020", "percentage": 100}],
        fields=[{"field": field, "percentage": 100}],
        locations=[{"province": province, "percentage": 100}],
        planned_start=datetime.date(2020, 1, 1),
        planned_end=datetime.date(2021, 6, 30),
    )
    b = make_project(editor, code="P-2", kind="oda_loan", status="closed")
    ids = lambda **kw: {p.pk for p in selectors.project_list(editor, **kw)}  # noqa: E731
    assert ids(donor=ilo.pk) == {a.pk}
    assert ids(sector="16020") == {a.pk} and ids(sector="160") == {a.pk}
    assert ids(field=field.pk) == {a.pk}
    assert ids(province=province.pk) == {a.pk}
    assert ids(kind="oda_loan") == {b.pk} and ids(status="closed") == {b.pk}
    assert ids(year=2021) == {a.pk} and ids(year=2025) == {b.pk}
    assert ids(q="thử") == {a.pk, b.pk}


def test_permissions(contributor, contributor_b, viewer, approver, unit_a):
    p = make_project(contributor)
    assert p.owner_unit == unit_a
    with pytest.raises(PermissionDenied):
        services.project_update(p, user=contributor_b, version=p.version, title_en="x")
    with pytest.raises(PermissionDenied):
        make_project(viewer, code="P-9")
    with pytest.raises(PermissionDenied):
        add_tx(contributor_b, p)
    assert not selectors.project_list(contributor_b).exists()
    assert selectors.project_list(contributor).count() == 1
    # Only approvers publish.
    with pytest.raises(PermissionDenied):
        services.project_update(p, user=contributor, version=p.version, is_published=True)
    p = services.project_update(p, user=approver, version=p.version, is_published=True)
    assert p.is_published
    with pytest.raises(PermissionDenied):
        services.project_delete(p, user=contributor)


def test_stale_version_conflicts(editor):
    p = make_project(editor)
    services.project_update(p, user=editor, version=1, title_en="A")
    with pytest.raises(ConflictError):
        services.project_update(p, user=editor, version=1, title_en="B")
    assert Project.objects.get(pk=p.pk).history.count() == 2


def test_programme_cannot_contain_itself(editor):
    prog = make_project(editor, code="PROG")
    child = make_project(editor, code="C", parent=prog)
    with pytest.raises(ValidationError):
        services.project_update(prog, user=editor, version=prog.version, parent=child)


def test_programme_figures_include_its_projects(editor):
    prog = make_project(editor, code="PROG")
    child = make_project(editor, code="C", parent=prog)
    grandchild = make_project(editor, code="G", parent=child)
    add_tx(editor, prog, TransactionType.COMMITMENT, "100")
    add_tx(editor, grandchild, TransactionType.COMMITMENT, "300")
    add_tx(editor, grandchild, TransactionType.DISBURSEMENT, "200")
    f = selectors.programme_figures(prog)
    assert f.committed_usd == Decimal("400.00") and f.disbursement_rate == Decimal("50.0")
    assert selectors.programme_figures(grandchild) is None
