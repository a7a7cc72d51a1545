"""Suite-wide rules.

A test that needs something absent (Chromium, PostgreSQL, Redis) is skipped
with a one-line reason on a developer's machine; with CI=true such a skip is
a failure, so CI cannot pass by testing less. Two exceptions: the 2021
sample minutes, which the project may read but must not ship
(`unshipped_seed`), are skipped wherever they are absent, CI included; and
tests of real workers skip in the half of CI that runs with neither
DATABASE_URL nor REDIS_URL (`need_services`), as the other half runs them."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from opsg.celery import app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _broker_of_its_own() -> None:
    """Under pytest-xdist (`make test` runs `-n auto`), each test process
    gets a Redis database of its own (1, 2, …), for its tasks, its results
    and the workers it starts (tests/workers.py): a purge or a real worker in
    one process never touches another's queue. Django (and REDIS_URL) are
    set up before this file is read, so the settings are changed here."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    parts = urlsplit(settings.REDIS_URL)
    url = urlunsplit(parts._replace(path=f"/{int(worker[2:]) + 1}"))
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    app.conf.broker_url = app.conf.result_backend = url


_broker_of_its_own()


def need(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a real part the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires it: {reason}")
    pytest.skip(reason)


UNSHIPPED = "not shipped with the project:"
# Beside the project's folder, as the team's shared folder lays it out;
# SEEDS_DIR points elsewhere.
SEEDS_DIR = Path(
    os.environ.get("SEEDS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "seeds"
)


def unshipped_seed(name: str) -> Path:
    """A sample document the project may not ship (domain.md: the 2021
    minutes are White, not for publication). Skipped, saying why, where absent."""
    path = SEEDS_DIR / name
    if not path.is_file():
        pytest.skip(f"{UNSHIPPED} {name} is not in {SEEDS_DIR.name}/ here (set SEEDS_DIR)")
    return path


# A test of real workers needs PostgreSQL and Redis. CI runs the suite twice
# (.ci/run): with DATABASE_URL and REDIS_URL set, where such a test must run
# (a missing service fails it, through `need`), and with neither, for the
# in-process default, where it is skipped saying so: the other half ran it.
SERVICES_HALF = "runs in the PostgreSQL + Redis half of the suite:"


def need_services(available: bool, reason: str) -> None:
    if not (os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL")):
        pytest.skip(f"{SERVICES_HALF} {reason}")
    need(available, reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and (
        UNSHIPPED in str(report.longrepr) or SERVICES_HALF in str(report.longrepr)
    ):
        return
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true: {report.longrepr}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Files the app keeps (imported sources, rendered PDFs) go to a scratch
    folder, never to the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _imports_read_in_the_request(settings):
    """An upload is read in the request, so a page test sees its review at
    once; tests/imports/test_reading.py reads through the worker."""
    settings.IMPORT_READ_IN_WORKER = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created in most tests; the real hasher would cost a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """The small committee most tests stand on (tests/base.py: make_world)."""
    from tests.base import make_world

    return make_world()


@pytest.fixture
def observer(world):
    """Oscar Observer, who reads OPSG's published minutes only: his user."""
    from meetings.models import CommitteeRole
    from tests.base import make_person

    person = make_person("Oscar Observer", "observer")
    CommitteeRole.objects.create(committee=world.opsg, person=person, role="observer")
    return person.user


@pytest.fixture
def staff(db):
    """Stella Staff, who administers reference data: her user."""
    from tests.base import make_person

    person = make_person("Stella Staff", "staff")
    person.user.is_staff = True
    person.user.save()
    return person.user
