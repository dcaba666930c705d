import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from hoptac.notifications import due
from hoptac.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_due_item(monkeypatch, editor):
    editor.email = "editor@example.org"
    editor.save()

    def provider(today):
        return [
            due.DueItem(
                editor.pk,
                "agreement:1:expires-in-30",
                "Agreement X expires on 01/01/2026",
                "/agreements/1/",
                datetime.date(2026, 1, 1),
                "agreement",
            )
        ]

    monkeypatch.setattr(due, "providers", lambda: [provider])
    return editor


def test_remind_sends_each_item_once_a_day(one_due_item, capsys):
    call_command("remind", "--date", "2025-12-02")
    call_command("remind", "--date", "2025-12-02")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["sent 1", "sent 0"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["editor@example.org"]
    call_command("remind", "--date", "2025-12-03")
    assert Notification.objects.filter(user=one_due_item).count() == 2


def test_remind_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--date", "02/12/2025")


def test_unread_count_and_my_items_page(one_due_item, logged_in):
    call_command("remind", "--date", "2025-12-02")
    client = logged_in(one_due_item)
    page = client.get("/my/")
    assert page.context["nav_unread"] == 1
    assert [i.key for i in page.context["items"]] == ["agreement:1:expires-in-30"]
    client.post("/my/read/")
    assert client.get("/my/").context["nav_unread"] == 0


def test_api_lists_my_due_items(one_due_item, api):
    body = api(one_due_item).get("/api/v1/my/due").json()
    assert body[0]["kind"] == "agreement" and body[0]["due_date"] == "2026-01-01"


def test_every_apps_reminders_are_asked():
    from hoptac.notifications.due import providers

    modules = {p.__module__ for p in providers()}
    assert modules == {
        "hoptac.agreements.reminders",
        "hoptac.activities.reminders",
        "hoptac.programmes.reminders",
        "hoptac.aid.reminders",
    }
