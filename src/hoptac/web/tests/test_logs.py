import json
import logging

import pytest

from hoptac.config.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_status_duration_and_user(client, viewer, caplog):
    client.force_login(viewer)
    with caplog.at_level(logging.INFO, logger="hoptac.request"):
        client.get("/partners/")
        client.get("/no-such-page/")
    records = [r for r in caplog.records if r.name == "hoptac.request"]
    assert [(r.path, r.status, r.user) for r in records] == [
        ("/partners/", 200, "t-viewer"),
        ("/no-such-page/", 404, "t-viewer"),
    ]
    assert all(r.duration_ms >= 0 for r in records)


def test_json_lines_carry_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "hoptac.request", "levelname": "INFO", "msg": "GET / 200", "status": 200, "path": "/"}
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET / 200" and line["status"] == 200 and line["path"] == "/" and line["level"] == "INFO"
