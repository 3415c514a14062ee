"""``manage.py check --deploy`` with the production settings, run as an operator would:
in a fresh process whose environment holds only PATH, the secret key and the allowed
hosts.

Django's deployment checks are all tagged ``security``; with ``--tag security`` they
must pass even at ``--fail-level WARNING``. The full check runs every other check too,
including ``disclosure.W001``, which from 1 November warns that next year's official
holiday schedule is not loaded yet. That warning is deliberate (it tells the office to
load the State Council notice), so it must stay a warning and be the only one: the
full check is run against a freshly migrated SQLite database and its exact findings
are compared with what the date and that database's calendar imply.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)


def production_env(**extra: str | None) -> dict[str, str]:
    environment: dict[str, str | None] = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "gongkai.example.gov.cn",
    }
    environment.update(extra)
    return {name: value for name, value in environment.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- fixed arguments, our own interpreter
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_deployment_checks_pass_at_warning_level():
    result = manage(
        "check",
        "--deploy",
        "--tag",
        "security",
        "--fail-level",
        "WARNING",
        env=production_env(),
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def expected_warnings(env: dict[str, str]) -> set[str]:
    """disclosure.W001 from 1 November while next year is not official (by the
    database's own calendar, as the check sees it); nothing else."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    years = manage("calendar", "status", env=env).stdout
    official = re.search(rf"^{today.year + 1} official\b", years, re.MULTILINE)
    return {"disclosure.W001"} if today.month >= 11 and not official else set()


def test_full_deploy_check_reports_only_the_calendar_warning(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    migrated = manage("migrate", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    expected = expected_warnings(env)

    result = manage("check", "--deploy", env=env)
    strict = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert set(re.findall(r"\(([\w.]+\.[EW]\d{3})\)", output)) == expected
    # The strict level fails exactly when that warning is due, and for nothing else.
    assert strict.returncode == (1 if expected else 0), strict.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (
            {"DJANGO_SECRET_KEY": None},
            "ImproperlyConfigured: Set the DJANGO_SECRET_KEY environment variable",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": None},
            "ImproperlyConfigured: Set the DJANGO_ALLOWED_HOSTS environment variable",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": ""},
            "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS must name at least one host.",
        ),
    ],
    ids=["no_secret_key_case", "no_allowed_hosts_case", "empty_allowed_hosts_case"],
)
def test_production_refuses_to_start_without(missing, message):
    result = manage("check", env=production_env(**missing))

    assert result.returncode != 0
    assert f"django.core.exceptions.{message}" in result.stderr
