"""Projects linked to recorded agreements: by choice, or from the agreement number."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from lxml import etree

from hoptac.agreements import services as agreement_services
from hoptac.agreements.tests.factories import agreement as make_agreement
from hoptac.aid import services
from hoptac.aid.forms import ProjectForm
from hoptac.aid.iati import schema
from hoptac.aid.iati_export import NS, export_activities
from hoptac.aid.models import Project, TransactionType
from hoptac.aid.tests.factories import add_tx, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def mou(editor, unit_a):
    return make_agreement(editor, number="12/2025/TT-BNV", owner_unit=unit_a)


@pytest.fixture
def other_units_mou(editor, unit_b):
    """An agreement of unit B: a contributor of unit A may not see it."""
    return make_agreement(editor, number="77/2025/HTQT", title_vi="Thỏa thuận đơn vị B", owner_unit=unit_b)


def test_number_of_exactly_one_agreement_links_it_on_create(editor, mou):
    project = make_project(editor, agreement_number="  12/2025/tt-bnv ")
    assert project.agreement == mou
    assert project.history.latest().agreement_id == mou.pk


def test_ambiguous_or_unknown_number_links_nothing(editor, mou, unit_a):
    assert make_project(editor, code="P-unknown", agreement_number="99/2099").agreement is None
    make_agreement(editor, number="12/2025/TT-BNV", title_vi="Cùng số", owner_unit=unit_a)
    assert make_project(editor, code="P-ambiguous", agreement_number="12/2025/TT-BNV").agreement is None


def test_update_links_when_the_number_changes_but_respects_an_unlink(editor, mou):
    project = make_project(editor)
    assert project.agreement is None
    project = services.project_update(project, user=editor, version=project.version, agreement_number=mou.number)
    assert project.agreement == mou
    # Unlinking on purpose, number unchanged: not linked again.
    project = services.project_update(
        project, user=editor, version=project.version, agreement=None, agreement_number=mou.number
    )
    assert project.agreement is None
    # A change that leaves the link alone links from the number.
    project = services.project_update(project, user=editor, version=project.version, title_en="Renamed")
    assert project.agreement == mou


def test_explicit_agreement_wins_over_the_number(editor, mou, other_units_mou):
    project = make_project(editor, agreement=other_units_mou, agreement_number=mou.number)
    assert project.agreement == other_units_mou


def test_contributor_cannot_link_an_agreement_it_may_not_see(contributor, other_units_mou, mou):
    # From the number: not linked (the agreement stays hidden).
    assert make_project(contributor, agreement_number=other_units_mou.number).agreement is None
    with pytest.raises(PermissionDenied):
        make_project(contributor, code="P-2", agreement=other_units_mou)
    assert make_project(contributor, code="P-3", agreement=mou).agreement == mou


def test_an_agreement_with_projects_cannot_be_deleted(editor, mou):
    make_project(editor, agreement=mou)
    with pytest.raises(ValidationError):
        agreement_services.agreement_delete(mou, user=editor)


def test_migration_links_existing_rows_by_number(editor, mou):
    project = make_project(editor, agreement_number="old")
    Project.objects.filter(pk=project.pk).update(agreement_number=" 12/2025/TT-BNV")
    ambiguous = make_project(editor, code="P-2", agreement_number="old")
    make_agreement(editor, number="dup", title_vi="A")
    make_agreement(editor, number="DUP", title_vi="B")
    Project.objects.filter(pk=ambiguous.pk).update(agreement_number="dup")
    migration = importlib.import_module("hoptac.aid.migrations.0003_project_agreement")
    migration.link_by_number(apps, None)
    project.refresh_from_db()
    ambiguous.refresh_from_db()
    assert project.agreement == mou and ambiguous.agreement is None


def test_form_offers_only_visible_agreements_and_keeps_the_linked_one(contributor, editor, mou, other_units_mou):
    choices = set(ProjectForm(user=contributor).fields["agreement"].queryset)
    assert mou in choices and other_units_mou not in choices
    assert other_units_mou in set(ProjectForm(user=editor).fields["agreement"].queryset)
    # A project of the contributor's unit already linked (by an editor) to unit B's agreement:
    # the contributor's form keeps that choice so that saving does not fail or unlink.
    project = make_project(contributor, agreement=None)
    project = services.project_update(project, user=editor, version=project.version, agreement=other_units_mou)
    form = ProjectForm(instance=project, user=contributor)
    assert other_units_mou in set(form.fields["agreement"].queryset)


def test_pages_link_project_and_agreement(logged_in, editor, contributor, unit_b, mou, other_units_mou):
    project = make_project(editor, agreement=mou)
    add_tx(editor, project, TransactionType.COMMITMENT, "1000")
    add_tx(editor, project, TransactionType.DISBURSEMENT, "250")
    client = logged_in(editor)
    body = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{mou.get_absolute_url()}"' in body and mou.number in body
    page = client.get(mou.get_absolute_url())
    body = page.content.decode()
    assert 'data-testid="agreement-projects"' in body and f'href="{project.get_absolute_url()}"' in body
    assert [(p.pk, rate) for p, rate in page.context["projects"]] == [(project.pk, Decimal("25.0"))]
    # A contributor sees neither a project nor an agreement it may not see.
    make_project(editor, code="P-B", agreement=mou, owner_unit=unit_b)
    listed = logged_in(contributor).get(mou.get_absolute_url()).context["projects"]
    assert [p.pk for p, _rate in listed] == [project.pk]
    own = make_project(editor, code="P-A", agreement=other_units_mou, agreement_number="77/2025/HTQT")
    body = logged_in(contributor).get(own.get_absolute_url()).content.decode()
    assert other_units_mou.get_absolute_url() not in body and "77/2025/HTQT" in body


def test_api_agreement_id_in_and_out(api, editor, contributor, mou, other_units_mou):
    client = api(editor)
    payload = {"code": "API-A", "title_vi": "Dự án", "planned_start": "2025-01-01", "agreement_id": mou.pk}
    r = client.post("/api/v1/projects", payload)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["agreement_id"] == mou.pk and body["agreement_number"] == ""
    pid = body["id"]
    assert client.get("/api/v1/projects").json()["items"][0]["agreement_id"] == mou.pk
    r = client.patch(f"/api/v1/projects/{pid}", {"version": body["version"], "agreement_id": None})
    assert r.status_code == 200 and r.json()["agreement_id"] is None
    r = client.patch(f"/api/v1/projects/{pid}", {"version": r.json()["version"], "agreement_number": mou.number})
    assert r.json()["agreement_id"] == mou.pk
    # An agreement the contributor may not see is answered as unknown.
    r = api(contributor).post("/api/v1/projects", {**payload, "code": "API-B", "agreement_id": other_units_mou.pk})
    assert r.status_code == 422 and "agreement_id" in r.json()["errors"]
    r = client.post("/api/v1/projects", {**payload, "code": "API-C", "agreement_id": 999999})
    assert r.status_code == 422 and "agreement_id" in r.json()["errors"]


def test_iati_export_takes_the_linked_agreements_number_when_none_is_recorded(editor, mou):
    make_project(editor, code="P-linked", agreement=mou)
    make_project(editor, code="P-own", agreement=mou, agreement_number="own reference")
    out = io.BytesIO()
    assert export_activities(Project.objects.all(), out) == (2, 0)
    doc = etree.parse(io.BytesIO(out.getvalue()))
    assert schema().validate(doc), schema().error_log
    by_code = {a.get(f"{{{NS}}}code"): a.get(f"{{{NS}}}agreement") for a in doc.getroot()}
    assert by_code == {"P-linked": mou.number, "P-own": "own reference"}


def test_project_form_page_saves_the_chosen_agreement(logged_in, contributor, mou, other_units_mou):
    client = logged_in(contributor)
    data = {"title_vi": "Dự án có thỏa thuận", "kind": "oda_grant", "status": "pipeline", "planned_start": "2025-01-01"}
    r = client.post("/projects/new/", {**data, "agreement": other_units_mou.pk})
    assert r.status_code == 200 and r.context["form"].errors["agreement"]
    r = client.post("/projects/new/", {**data, "agreement": mou.pk})
    assert r.status_code == 302
    assert Project.objects.get(title_vi="Dự án có thỏa thuận").agreement == mou


def _exported(projects, tmp_path, name="out.xml"):
    out = io.BytesIO()
    export_activities(projects, out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def test_iati_import_links_the_agreement_its_number_names(editor, mou, unit_a, tmp_path):
    from hoptac.aid.iati_import import Importer

    make_project(editor, code="P-linked", agreement=mou)
    make_project(editor, code="P-unknown", agreement_number="99/2099")
    path = _exported(Project.objects.all(), tmp_path)
    Project.objects.all().delete()
    assert Importer(user=editor).import_file(path).ok
    assert {p.code: p.agreement_id for p in Project.objects.all()} == {"P-linked": mou.pk, "P-unknown": None}
    assert Project.objects.get(code="P-linked").history.latest().agreement_id == mou.pk

    # Unlinked on purpose, then the same file again: the unlink is kept.
    project = Project.objects.get(code="P-linked")
    services.project_update(project, user=editor, version=project.version, agreement=None)
    assert Importer(user=editor).import_file(path).ok
    assert Project.objects.get(code="P-linked").agreement_id is None

    # Two agreements with the number: neither is linked.
    make_agreement(editor, number=mou.number, title_vi="Cùng số", owner_unit=unit_a)
    Project.objects.all().delete()
    assert Importer(user=editor).import_file(path).ok
    assert Project.objects.get(code="P-linked").agreement_id is None


def test_iati_import_links_only_agreements_the_importer_may_see(editor, contributor, other_units_mou, tmp_path):
    from hoptac.aid.iati_import import Importer

    make_project(editor, code="P-b", agreement=other_units_mou)
    path = _exported(Project.objects.all(), tmp_path)
    Project.objects.all().delete()
    assert Importer(user=contributor).import_file(path).ok
    assert Project.objects.get(code="P-b").agreement_id is None
    Project.objects.all().delete()
    assert Importer().import_file(path).ok  # the command line: no user, every agreement
    assert Project.objects.get(code="P-b").agreement_id == other_units_mou.pk
