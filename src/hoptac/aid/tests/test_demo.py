import io

import pytest
from lxml import etree

from hoptac.aid import selectors
from hoptac.aid.demo import DEMO_NOTE, load_demo
from hoptac.aid.iati import schema
from hoptac.aid.iati_export import export_activities
from hoptac.aid.models import Project, Transaction

pytestmark = pytest.mark.django_db


def test_demo_projects_are_idempotent_marked_and_export_valid_iati():
    assert load_demo() == 4
    assert load_demo() == 0
    projects = Project.objects.all()
    assert projects.count() == 4
    assert all(DEMO_NOTE in p.notes for p in projects)
    assert set(Transaction.objects.values_list("currency", flat=True)) == {"USD", "EUR", "VND"}
    assert not Transaction.objects.filter(value_vnd__isnull=True).exists()
    donors = {o.partner.acronym or o.partner.country_id for p in projects for o in p.organisations.filter(role="1")}
    assert donors == {"ILO", "UNDP", "UN Women", "FR"}
    for p in projects:
        assert p.sectors.count() and p.fields.count()
    ilo = Project.objects.get(code="DEMO-ILO-LM")
    figures = selectors.project_figures(ilo)
    assert figures.committed_usd > figures.disbursed_usd > 0 and figures.disbursement_rate is not None
    out = io.BytesIO()
    assert export_activities(Project.objects.all(), out) == (4, 0)
    doc = etree.parse(io.BytesIO(out.getvalue()))
    assert schema().validate(doc), schema().error_log


def test_demo_french_project_is_linked_to_the_french_administrative_agreement():
    from hoptac.agreements.demo import FRANCE_ADMIN_TITLE_EN
    from hoptac.agreements.demo import load_demo as load_agreements

    # Aid demo first (as on a database that had it before agreements): the link is added later.
    load_demo()
    assert not Project.objects.filter(agreement__isnull=False).exists()
    load_agreements()
    load_demo()
    linked = {p.code: p.agreement.title_en for p in Project.objects.filter(agreement__isnull=False)}
    assert linked == {"DEMO-FR-CS": FRANCE_ADMIN_TITLE_EN}
    assert Project.objects.get(code="DEMO-FR-CS").history.latest().agreement_id is not None
