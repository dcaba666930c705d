"""Report approval flow and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoptac.audit.services import ConflictError
from hoptac.programmes import services
from hoptac.programmes.models import ProgressReport, Task

D = datetime.date


@pytest.fixture
def task(make_task, unit_a, unit_b):
    return make_task(deadline_kind="date", deadline=D(2026, 3, 31), coordinating_units=[unit_b])


def submit(user, task, **values):
    values.setdefault("reported_on", D(2026, 3, 1))
    values.setdefault("narrative", "Đã xây dựng dự thảo.")
    values.setdefault("percent", 50)
    return services.report_submit(user=user, task=task, **values)


@pytest.mark.django_db
class TestApprovalFlow:
    def test_report_accepted(self, task, contributor, approver):
        report = submit(contributor, task)
        assert report.status == "submitted" and report.unit == task.lead_unit and report.submitted_by == contributor
        task.refresh_from_db()
        assert task.status == "in_progress"  # the first report starts the task
        report = services.report_accept(report, user=approver, version=report.version, comment="Tốt")
        assert report.status == "accepted" and report.reviewed_by == approver and report.review_comment == "Tốt"
        with pytest.raises(ValidationError):
            services.report_accept(report, user=approver)  # once only

    def test_report_returned_needs_a_comment(self, task, contributor, approver):
        report = submit(contributor, task)
        with pytest.raises(ValidationError):
            services.report_return(report, user=approver, comment="  ")
        report = services.report_return(report, user=approver, comment="Bổ sung số liệu.")
        assert report.status == "returned" and report.review_comment == "Bổ sung số liệu."

    def test_only_approvers_review(self, task, contributor, editor):
        report = submit(contributor, task)
        for user in (contributor, editor):
            with pytest.raises(PermissionDenied):
                services.report_accept(report, user=user)

    def test_stale_review_is_refused(self, task, contributor, approver):
        report = submit(contributor, task)
        ProgressReport.objects.filter(pk=report.pk).update(version=5)
        with pytest.raises(ConflictError):
            services.report_accept(report, user=approver, version=1)

    def test_accepting_a_done_report_closes_the_task_on_time(self, task, contributor, approver):
        report = submit(contributor, task, percent=100, completes_task=True, reported_on=D(2026, 3, 30))
        task.refresh_from_db()
        assert task.status == "in_progress"  # not closed until accepted
        services.report_accept(report, user=approver)
        task.refresh_from_db()
        assert (task.status, task.completed_on) == ("completed", D(2026, 3, 30))

    def test_accepting_a_done_report_after_the_deadline_closes_it_late(self, task, contributor, approver):
        report = submit(contributor, task, percent=100, completes_task=True, reported_on=D(2026, 4, 2))
        services.report_accept(report, user=approver)
        task.refresh_from_db()
        assert (task.status, task.completed_on) == ("completed_late", D(2026, 4, 2))
        with pytest.raises(ValidationError):
            submit(contributor, task)  # a closed task takes no more reports

    def test_a_returned_done_report_leaves_the_task_open(self, task, contributor, approver):
        report = submit(contributor, task, percent=100, completes_task=True)
        services.report_return(report, user=approver, comment="Chưa có sản phẩm.")
        task.refresh_from_db()
        assert task.status == "in_progress"


@pytest.mark.django_db
class TestPermissions:
    def test_a_unit_reports_only_on_its_own_tasks(self, make_task, contributor, other_ministry):
        foreign = make_task(lead_unit=other_ministry)
        with pytest.raises(PermissionDenied):
            submit(contributor, foreign)
        with pytest.raises(PermissionDenied):
            submit(contributor, foreign, kind="contribution")
        assert not services.can_report(contributor, foreign)

    def test_coordinating_unit_contributes_but_cannot_report_or_close(self, task, contributor_b, approver):
        assert services.can_contribute(contributor_b, task) and not services.can_report(contributor_b, task)
        contribution = submit(contributor_b, task, kind="contribution")
        assert contribution.kind == "contribution" and contribution.unit == contributor_b.unit
        with pytest.raises(PermissionDenied):
            submit(contributor_b, task)  # the lead unit's report
        with pytest.raises(PermissionDenied):
            submit(contributor_b, task, kind="contribution", completes_task=True)
        with pytest.raises(PermissionDenied):
            services.task_close(task, user=contributor_b, completed_on=D(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            services.task_update(task, user=contributor_b, version=task.version, status="suspended")
        # Accepting a contribution never closes the task.
        services.report_accept(contribution, user=approver)
        task.refresh_from_db()
        assert task.status == "not_started"

    def test_lead_unit_contributor_changes_status_and_closes(self, task, contributor):
        task = services.task_update(task, user=contributor, version=task.version, status="in_progress")
        assert task.status == "in_progress"
        with pytest.raises(PermissionDenied):
            services.task_update(task, user=contributor, version=task.version, title="Khác")
        with pytest.raises(PermissionDenied):
            services.task_update(task, user=contributor, version=task.version, status="completed")
        task = services.task_close(task, user=contributor, completed_on=D(2026, 4, 5))
        assert task.status == "completed_late"

    def test_viewer_and_outsiders_cannot_report(self, task, viewer, make_task, contributor_b):
        with pytest.raises(PermissionDenied):
            submit(viewer, task)
        alone = make_task()  # led by unit_a, not coordinated by unit_b
        with pytest.raises(PermissionDenied):
            submit(contributor_b, alone, kind="contribution")

    def test_editors_report_for_any_unit_and_edit_tasks(self, task, editor, contributor):
        assert submit(editor, task).unit == task.lead_unit
        task.refresh_from_db()  # the first report set it in progress
        services.task_update(task, user=editor, version=task.version, title="Tiêu đề mới")
        with pytest.raises(PermissionDenied):
            services.task_create(user=contributor, programme=task.programme, title="x", lead_unit=task.lead_unit)

    def test_closing_through_the_service_picks_late_or_not(self, task, editor):
        task = services.task_update(
            task, user=editor, version=task.version, status="completed", completed_on=D(2026, 4, 1)
        )
        assert task.status == "completed_late"
        task = services.task_update(task, user=editor, version=task.version, status="in_progress")
        assert task.completed_on is None

    def test_upper_task_must_be_in_another_programme(self, task, editor, make_task):
        sibling = make_task()
        with pytest.raises(ValidationError):
            services.task_update(task, user=editor, version=task.version, upper_task=sibling)


@pytest.mark.django_db
def test_contributors_see_only_tasks_of_their_units(make_task, contributor, contributor_b, other_ministry, unit_b):
    from hoptac.org.permissions import visible

    mine = make_task()
    coordinated = make_task(lead_unit=other_ministry, coordinating_units=[unit_b])
    make_task(lead_unit=other_ministry)
    assert set(visible(contributor, Task.objects.all())) == {mine}
    assert set(visible(contributor_b, Task.objects.all())) == {coordinated}
