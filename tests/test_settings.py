"""opsg/settings.py, read in a fresh interpreter each time: a malformed or
missing variable stops start-up naming the variable; no environment at all
gives the demo (SQLite under VAR_DIR, tasks in-process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import need_services

ROOT = Path(__file__).resolve().parents[1]

# Every variable the settings read (they are all listed in .env.example), plus
# those that would point the child at another settings module or database.
PROJECT_VARIABLES = {
    line.split("=", 1)[0].strip()
    for line in (ROOT / ".env.example").read_text().splitlines()
    if "=" in line and not line.lstrip().startswith("#")
} | {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CI"}

SHOW_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "results": settings.CELERY_RESULT_BACKEND,
    "debug": settings.DEBUG,
    "email_port": settings.EMAIL_PORT,
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "server_side_cursors": not db.get("DISABLE_SERVER_SIDE_CURSORS", False),
}))
"""


@pytest.fixture
def environ(tmp_path):
    """The environment of a machine with none of the project's variables set."""
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "opsg.settings"
    env["VAR_DIR"] = str(tmp_path / "var")
    return env


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_in(env):
    result = run(env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_project_variables_were_found():
    assert {"SECRET_KEY", "DEMO_MODE", "DEBUG", "EMAIL_PORT", "VAR_DIR"} <= PROJECT_VARIABLES


def test_no_environment_gives_the_demo(environ, tmp_path):
    shown = settings_in(environ)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "var" / "opsg.sqlite3")
    assert shown["eager"] is True
    assert shown["broker"] == "memory://"
    assert shown["debug"] is False
    assert shown["email_port"] == 25
    # The demo's secret key is kept under VAR_DIR, readable by its owner only.
    key = tmp_path / "var" / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert key.stat().st_mode & 0o777 == 0o600


def test_the_demo_key_survives_a_restart(environ, tmp_path):
    settings_in(environ)
    first = (tmp_path / "var" / "secret_key").read_text()
    settings_in(environ)
    assert (tmp_path / "var" / "secret_key").read_text() == first


def test_redis_sends_tasks_to_a_worker(environ):
    environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    shown = settings_in(environ)
    assert shown["eager"] is False
    assert shown["broker"] == shown["results"] == "redis://127.0.0.1:6379/15"


def test_database_url_is_read(environ):
    environ["DATABASE_URL"] = "postgres://opsg:secret@db.example.org:5433/opsg"
    shown = settings_in(environ)
    assert (shown["engine"], shown["name"]) == ("django.db.backends.postgresql", "opsg")


def test_outside_demo_mode_a_secret_key_is_required(environ):
    environ["DEMO_MODE"] = "false"
    environ["ALLOWED_HOSTS"] = "minutes.example.org"
    result = run(environ, "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_outside_demo_mode_with_a_key_hosts_and_a_broker(environ):
    environ.update(
        DEMO_MODE="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="minutes.example.org",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    result = run(environ, "manage.py", "check")
    assert result.returncode == 0, result.stderr


def test_production_without_broker_refuses_to_start(environ):
    """Without a broker every task would run inside the web request that
    queued it (a PDF laid out while the browser waits, no retries)."""
    environ.update(DEMO_MODE="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="minutes.example.org")
    for args in (["manage.py", "check"], ["-c", SHOW_SETTINGS]):
        result = run(environ, *args)
        assert result.returncode != 0
        assert "ImproperlyConfigured: REDIS_URL is not set." in result.stderr
        assert "Outside demo mode (DEMO_MODE=false)" in result.stderr


def test_outside_demo_mode_hosts_are_required(environ):
    environ.update(DEMO_MODE="false", SECRET_KEY="x" * 50)
    result = run(environ, "manage.py", "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'"),
        ("DEMO_MODE", "perhaps", "DEMO_MODE must be true or false, not 'perhaps'"),
        ("EMAIL_PORT", "abc", "EMAIL_PORT must be a whole number, not 'abc'"),
        ("EMAIL_TIMEOUT", "10s", "EMAIL_TIMEOUT must be a whole number, not '10s'"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL cannot be read"),
        ("REMINDER_TIME", "7.30am", "REMINDER_TIME must be a time of day as HH:MM, not '7.30am'"),
        ("REMINDER_TIME", "24:00", "REMINDER_TIME must be a time of day as HH:MM, not '24:00'"),
        ("REMINDER_DUE_SOON_DAYS", "three", "REMINDER_DUE_SOON_DAYS must be a whole number"),
        ("REMINDER_BEFORE_MEETING_DAYS", "0", "REMINDER_BEFORE_MEETING_DAYS 1 or more"),
    ],
)
def test_a_malformed_value_names_the_variable(environ, name, value, message):
    environ[name] = value
    result = run(environ, "-c", SHOW_SETTINGS)
    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_tls_and_ssl_together_are_refused(environ):
    environ.update(EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    result = run(environ, "-c", SHOW_SETTINGS)
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL" in result.stderr


@pytest.mark.parametrize("value, expected", [("TRUE", True), (" yes ", True), ("0", False)])
def test_booleans_read_the_usual_spellings(environ, value, expected):
    environ["DEBUG"] = value
    assert settings_in(environ)["debug"] is expected


def test_postgresql_connections_are_kept_and_a_transaction_pooler_is_said(environ):
    environ["DATABASE_URL"] = "postgres://app@db.example:5432/opsg"
    shown = settings_in(environ)
    assert (shown["conn_max_age"], shown["server_side_cursors"]) == (60, True)
    environ.update(DATABASE_CONN_MAX_AGE="0", DATABASE_TRANSACTION_POOLER="true")
    shown = settings_in(environ)
    assert (shown["conn_max_age"], shown["server_side_cursors"]) == (0, False)
    environ["DATABASE_CONN_MAX_AGE"] = "a minute"
    result = run(environ, "-c", SHOW_SETTINGS)
    assert result.returncode != 0 and "DATABASE_CONN_MAX_AGE" in result.stderr


@pytest.mark.django_db
def test_postgresql_runs_without_its_jit():
    """The JIT compiler cost more than it saved on the app's short queries
    (bench/search.py): every connection turns it off."""
    need_services(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_the_served_application_keeps_the_loaded_project_out_of_the_collectors_sight(environ):
    """opsg.wsgi, as gunicorn loads it: Django, the apps and every view
    module are loaded and frozen, so a full collection has little to scan."""
    shown = run(
        environ,
        "-c",
        "import gc, sys, opsg.wsgi\n"
        "views = 'actions.views' in sys.modules and 'search.views' in sys.modules\n"
        "print(gc.get_freeze_count(), views)",
    )
    assert shown.returncode == 0, shown.stderr
    frozen, views = shown.stdout.split()
    assert int(frozen) > 50_000 and views == "True"
