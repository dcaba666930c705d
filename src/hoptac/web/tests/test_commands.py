import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoptac.org.models import User
from hoptac.partners.models import Partner, PartnershipLevel

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(monkeypatch, capsys):
    monkeypatch.setenv("HOPTAC_DEMO_PASSWORD", "demo-pass-123")
    call_command("demo")
    first = (Partner.objects.count(), PartnershipLevel.objects.count(), User.objects.count(), Partner.history.count())
    call_command("demo")
    second = (Partner.objects.count(), PartnershipLevel.objects.count(), User.objects.count(), Partner.history.count())
    assert first == second
    out = capsys.readouterr().out
    assert "demo login: user demo, password demo-pass-123" in out
    assert User.objects.get(username="demo").check_password("demo-pass-123")


def test_run_refuses_a_bad_port():
    with pytest.raises(CommandError, match="port"):
        call_command("run", "--port", "70000")


def test_cli_maps_hyphenated_commands_and_reports_errors_in_one_line(tmp_path):
    env = {**os.environ, "HOPTAC_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "hoptac.cli", "no-such-command"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode != 0
    assert "Unknown command: 'no_such_command'" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOPTAC_", "DJANGO_ALLOW_ASYNC"))}
    env.update(
        {
            "HOPTAC_DATA_DIR": str(tmp_path),
            "HOPTAC_DEBUG": "0",
            "HOPTAC_SECRET_KEY": secrets.token_urlsafe(50),
            "HOPTAC_ALLOWED_HOSTS": "hoptac.example.gov.vn",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "hoptac.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOPTAC_")}
    env.update({"HOPTAC_DATA_DIR": str(tmp_path), "HOPTAC_DEBUG": "0"})
    result = subprocess.run(
        [sys.executable, "-m", "hoptac.cli", "check"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode != 0 and "HOPTAC_SECRET_KEY" in result.stderr


def test_production_collectstatic_accepts_every_bundled_file(tmp_path):
    """`hoptac run` in production collects static files with hashed names; one unresolvable
    reference inside a CSS or JS file (a missing source map, say) stops the server from starting."""
    env = {
        **os.environ,
        "HOPTAC_DEBUG": "0",
        "HOPTAC_SECRET_KEY": "a-test-key-that-is-long-enough-for-production-checks-0123456789",
        "HOPTAC_DATA_DIR": str(tmp_path),
        "HOPTAC_STATIC_MANIFEST": "1",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0", "--settings=hoptac.config.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
