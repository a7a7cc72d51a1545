"""Suite-wide rules.

A test that needs something absent (Chromium, PostgreSQL, Redis) is skipped
with a one-line reason on a developer's machine; with CI=true such a skip is
a failure, so CI cannot pass by testing less."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a real part the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires it: {reason}")
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created in most tests; the real hasher would cost a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """The small committee most tests stand on (tests/base.py: make_world)."""
    from tests.base import make_world

    return make_world()
