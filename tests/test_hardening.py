"""Issue 7, hardening: login throttling (django-axes), the Content-Security-Policy
(django-csp, and templates that need no inline script or style), production
security settings, password rules and no default accounts outside demo mode.

The browser's side of the CSP (no violation while htmx works) is in
tests/e2e/test_csp.py."""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from tests.base import PASSWORD, login, make_item, make_meeting

ROOT = Path(__file__).resolve().parents[1]
LOGIN = "/accounts/login/"
# Pages that need a login: none may open for a client that was locked out.
PROTECTED = [
    "/actions/",
    "/committees/OPSG/",
    "/committees/OPSG/meetings/25/",
    "/decisions/",
    "/incidents/",
    "/search/?q=incident",
]
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def attempt(client, username: str, password: str, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def fail(client, username: str, times: int, **headers):
    for _ in range(times):
        response = attempt(client, username, "not-the-password", **headers)
    return response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- login throttling ------------------------------------------------------------


@pytest.mark.django_db
def test_after_the_limit_even_the_right_password_is_refused(client, world, settings):
    make_meeting(world)
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # LOGIN_FAILURE_LIMIT's default

    before = fail(client, "member", limit - 1)
    assert before.status_code == 200  # the form again, with its error
    assert "did not match" in before.content.decode()

    locked = fail(client, "member", 1)
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]

    refused = attempt(client, "member", PASSWORD)
    assert refused.status_code == 429
    text = " ".join(refused.content.decode().split())
    assert "Too many attempts to log in" in text
    assert "After 5 wrong passwords for member from this address" in text
    assert "Please try again in 15 minutes." in text
    assert not signed_in(client)
    for path in PROTECTED:
        response = client.get(path)
        if response.status_code != 404:  # a draft is hidden from anonymous readers
            assert response.status_code == 302 and response.url.startswith(LOGIN), path
    # The same pages, for someone signed in: they are there to be reached.
    secretary = login(Client(), "secretary")
    assert [secretary.get(path).status_code for path in PROTECTED] == [200] * len(PROTECTED)


@pytest.mark.django_db
def test_the_lockout_is_for_that_username_from_that_address(client, world, settings):
    fail(client, "member", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "member", PASSWORD).status_code == 429

    # Another user from the same address, and the same user from another.
    assert attempt(client, "chair", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "member", PASSWORD, REMOTE_ADDR="192.0.2.44").status_code == 302


# The compose network (docker-compose.yml): the proxy container is on it, and
# a TLS terminator on the host reaches the proxy through its gateway.
COMPOSE_NETWORK = "172.30.80.0/24"
PROXY = {"REMOTE_ADDR": "172.30.80.5"}  # every request reaches gunicorn from the proxy


@pytest.fixture
def behind_the_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [COMPOSE_NETWORK]


@pytest.mark.django_db
def test_behind_the_proxy_the_client_is_the_last_forwarded_address(
    client, world, settings, behind_the_proxy
):
    """The proxy appends the address it saw; anything before it came from the client."""
    fail(
        client, "member", settings.AXES_FAILURE_LIMIT, **PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    attempts = AccessAttempt.objects.filter(username="member")
    assert list(attempts.values_list("ip_address", flat=True)) == ["198.51.100.7"]

    # Forging an earlier entry changes nothing: the last one is still the proxy's word.
    forged = {**PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.99, 198.51.100.7"}
    assert attempt(client, "member", PASSWORD, **forged).status_code == 429
    # Another client of the same proxy is not locked out, whatever it claims first.
    other = {**PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.20"}
    assert attempt(client, "member", PASSWORD, **other).status_code == 302


@pytest.mark.django_db
def test_spoofed_forwarded_for_cannot_evade_lockout(client, world, settings, behind_the_proxy):
    """A guesser on the office network (10.1.2.3, a private address but no
    proxy of ours) writes a new X-Forwarded-For each time, addresses of the
    proxy's own network among them; the terminator and the proxy append
    what they saw. Every attempt still counts against 10.1.2.3."""
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        spoofed = f"203.0.113.{n}, 172.30.80.{n + 10}, 10.1.2.3, 172.30.80.1"
        response = attempt(
            client, "member", "not-the-password", **PROXY, HTTP_X_FORWARDED_FOR=spoofed
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.2.3"}
    honest = {**PROXY, "HTTP_X_FORWARDED_FOR": "10.1.2.3"}
    assert attempt(client, "member", PASSWORD, **honest).status_code == 429


@pytest.mark.django_db
def test_spoofed_forwarded_for_cannot_lock_someone_else_out(
    client, world, settings, behind_the_proxy
):
    """Claiming to be the member's own address (198.51.100.7) locks out only
    the one claiming it."""
    spoofed = {**PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 10.1.2.3"}
    fail(client, "member", settings.AXES_FAILURE_LIMIT, **spoofed)
    member = {**PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert attempt(Client(), "member", PASSWORD, **member).status_code == 302
    assert attempt(client, "member", PASSWORD, **spoofed).status_code == 429


@pytest.mark.django_db
def test_a_request_from_an_untrusted_peer_has_its_header_ignored(
    client, world, settings, behind_the_proxy
):
    """Straight to gunicorn, past the proxy: X-Forwarded-For says nothing."""
    direct = {"REMOTE_ADDR": "10.9.9.9"}
    fail(client, "member", settings.AXES_FAILURE_LIMIT, **direct, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert AccessAttempt.objects.get(username="member").ip_address == "10.9.9.9"
    other = {**direct, "HTTP_X_FORWARDED_FOR": "192.0.2.2"}
    assert attempt(client, "member", PASSWORD, **other).status_code == 429
    # The same header through the proxy is believed: that client is not locked out.
    assert (
        attempt(Client(), "member", PASSWORD, **PROXY, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code
        == 302
    )


@pytest.mark.django_db
def test_without_the_proxy_setting_forwarded_addresses_are_ignored(client, world, settings):
    settings.BEHIND_PROXY = False
    fail(client, "member", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessAttempt.objects.get(username="member").ip_address == "127.0.0.1"
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.20"}
    assert attempt(client, "member", PASSWORD, **other).status_code == 429


@pytest.mark.django_db
def test_the_cool_off_expires(client, world, settings):
    cool_off = datetime.timedelta(minutes=15)  # LOGIN_COOLOFF_MINUTES's default
    assert settings.AXES_COOLOFF_TIME == cool_off
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "member", settings.AXES_FAILURE_LIMIT)
        clock.move_to(START + cool_off - datetime.timedelta(seconds=1))
        assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT
        clock.move_to(START + cool_off + datetime.timedelta(seconds=1))
        response = attempt(client, "member", PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)


@pytest.mark.django_db
def test_a_try_during_the_lockout_starts_the_wait_again(client, world, settings):
    cool_off = settings.AXES_COOLOFF_TIME
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "member", settings.AXES_FAILURE_LIMIT)
        retried = START + cool_off - datetime.timedelta(minutes=1)
        clock.move_to(retried)
        assert attempt(client, "member", PASSWORD).status_code == 429
        # The wait now runs from the retry, not from the last wrong password.
        assert AccessAttempt.objects.get().attempt_time == retried
        clock.move_to(retried + cool_off - datetime.timedelta(seconds=1))
        assert AccessAttempt.objects.get().attempt_time == retried
        clock.move_to(retried + cool_off + datetime.timedelta(seconds=1))
        assert attempt(client, "member", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_works_and_clears_the_count(client, world, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert client.get(LOGIN).status_code == 200
    fail(client, "member", limit - 1)

    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert signed_in(client)
    assert client.get("/actions/").status_code == 200
    assert not AccessAttempt.objects.exists()

    client.logout()
    fail(client, "member", limit - 1)  # a fresh count: not locked out yet
    assert attempt(client, "member", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_limit_is_the_configured_one(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert attempt(client, "member", "wrong").status_code == 200
    locked = attempt(client, "member", "wrong")
    assert locked.status_code == 429
    assert "After 2 wrong passwords" in " ".join(locked.content.decode().split())


# --- Content-Security-Policy -------------------------------------------------------

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
def test_every_page_carries_the_policy_without_unsafe_sources(client, world, settings):
    meeting = make_meeting(world)
    make_item(meeting, narrative="The DCC **reported** an outage.")
    responses = {"login (anonymous)": client.get(LOGIN)}
    responses["lockout"] = fail(client, "outsider", settings.AXES_FAILURE_LIMIT)
    login(client, "secretary")
    for path in [
        "/",
        "/committees/OPSG/",
        "/committees/OPSG/meetings/25/",
        "/committees/OPSG/meetings/25/edit/",
        "/actions/",
        "/decisions/",
        "/incidents/",
        "/search/?q=outage",
        "/no/such/page/",
    ]:
        responses[path] = client.get(path)
    responses["htmx preview"] = client.post(
        "/committees/OPSG/meetings/25/preview/", {"narrative": "*hello*"}, HTTP_HX_REQUEST="true"
    )
    for label, response in responses.items():
        assert response.status_code in (200, 404, 429), (label, response.status_code)
        assert policy(response) == EXPECTED_POLICY, label
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, label


PAGE_TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if "emails" not in path.relative_to(ROOT / "templates").parts
)
# A start tag (Django tags inside it do not contain ">" here).
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
_HANDLER = re.compile(r"\s(?:on[a-z]+|(?:data-)?hx-on[:\-][\w:\-]*)\s*=", re.IGNORECASE)


def test_the_page_templates_were_found():
    names = {p.relative_to(ROOT / "templates").as_posix() for p in PAGE_TEMPLATES}
    assert {"base.html", "meetings/minutes.html", "registration/locked_out.html"} <= names
    assert not any(name.startswith("emails/") for name in names)


def csp_problems(text: str) -> list[str]:
    """What a strict CSP would block: style attributes, <style> and inline
    <script> elements, on…= handlers, htmx's hx-on (it evaluates its value) and
    javascript: URLs."""
    problems = []
    for tag in _TAG.findall(text):
        if re.search(r"\sstyle\s*=", tag, re.IGNORECASE):
            problems.append(f"style attribute: {tag}")
        if _HANDLER.search(tag):
            problems.append(f"event handler attribute: {tag}")
        if "javascript:" in tag.lower():
            problems.append(f"javascript: URL: {tag}")
    problems += [f"inline script: {tag}" for tag in _INLINE_SCRIPT.findall(text)]
    problems += [f"style element: {tag}" for tag in re.findall(r"<style\b[^>]*>", text, re.I)]
    return problems


@pytest.mark.parametrize(
    "template", PAGE_TEMPLATES, ids=lambda p: p.relative_to(ROOT / "templates").as_posix()
)
def test_templates_need_no_inline_script_style_or_handler(template):
    """Emails are not served pages: they are not scanned."""
    problems = csp_problems(template.read_text())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "html",
    [
        '<p style="color: red">',
        '<p class="x" style="--c: {{ c }}">',
        "<script>alert(1)</script>",
        '<script type="module">go()</script>',
        '<button onclick="go()">',
        '<form onsubmit="return check()">',
        '<button hx-on:click="go()">',
        '<button data-hx-on--before-request="go()">',
        '<a href="javascript:go()">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scan_catches_what_it_looks_for(html):
    assert csp_problems(html)


def test_the_scan_passes_what_is_allowed():
    html = (
        '<script src="/static/js/editor.js" defer></script>\n'
        '<p class="note">Meet on=Tuesday; styles="x"</p>\n'
        '<svg class="swatch" viewBox="0 0 1 1" aria-hidden="true">'
        '<rect width="1" height="1" fill="#ffffff"/></svg>'
    )
    assert csp_problems(html) == []


def test_htmx_is_configured_not_to_evaluate_code():
    base = (ROOT / "templates" / "base.html").read_text()
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', base)[1])
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False  # it would inject a <style> element


# htmx's own eval paths are switched off by allowEval: false (above).
OUR_SCRIPTS = sorted(p for p in (ROOT / "static" / "js").glob("*.js") if p.name != "htmx.min.js")


@pytest.mark.parametrize("script", OUR_SCRIPTS, ids=lambda p: p.name)
def test_our_scripts_do_not_evaluate_strings_or_write_style_attributes(script):
    text = script.read_text()
    for pattern in (r"\beval\(", r"\bFunction\(", r"setAttribute\(\s*['\"]style", r"\.cssText"):
        assert not re.search(pattern, text), f"{script.name}: {pattern}"


# --- production settings -------------------------------------------------------------


def environ(tmp_path, **values) -> dict[str, str]:
    """A machine with none of the project's variables set, plus `values`."""
    names = {
        line.split("=", 1)[0].strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    } | {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env["DJANGO_SETTINGS_MODULE"] = "opsg.settings"
    env["VAR_DIR"] = str(tmp_path / "var")
    return env | values


def production(tmp_path) -> dict[str, str]:
    return environ(
        tmp_path,
        DEMO_MODE="false",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="minutes.example.org",
        BEHIND_PROXY="true",
        # Nothing is queued: start-up only needs a broker named.
        REDIS_URL="redis://127.0.0.1:6379/15",
    )


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run(production(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in output.upper()


# Requests through Django's test client, in a child process whose settings come
# from its environment.
PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.test import Client

    def get(url, **headers):
        response = Client().get(url, **headers)
        cookie = response.cookies.get("csrftoken")
        return {
            "status": response.status_code,
            "location": response.get("Location"),
            "hsts": response.get("Strict-Transport-Security"),
            "csrf_cookie": cookie and {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"])},
        }

    print(json.dumps({
        "ssl_redirect": settings.SECURE_SSL_REDIRECT,
        "session_secure": settings.SESSION_COOKIE_SECURE,
        "hsts_seconds": settings.SECURE_HSTS_SECONDS,
        "login": get("/accounts/login/", HTTP_HOST=HOST),
        "login_via_proxy": get("/accounts/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https"),
        "healthz": get("/healthz", HTTP_HOST=HOST),
    }))
    """
)


def probe(env, host: str) -> dict:
    result = run(env, "-c", f"HOST = {host!r}\n" + PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_serves_plain_http_without_redirect_or_secure_cookies(tmp_path):
    """`make run` on a fresh machine: http://127.0.0.1:8000 works as it is."""
    shown = probe(environ(tmp_path), "127.0.0.1:8000")
    assert (shown["ssl_redirect"], shown["session_secure"], shown["hsts_seconds"]) == (
        False,
        False,
        0,
    )
    login_page = shown["login"]
    assert (login_page["status"], login_page["location"], login_page["hsts"]) == (200, None, None)
    assert login_page["csrf_cookie"] == {"secure": False, "httponly": True}


def test_production_redirects_to_https_except_the_health_probe(tmp_path):
    shown = probe(production(tmp_path), "minutes.example.org")
    assert shown["login"]["status"] == 301
    assert shown["login"]["location"] == "https://minutes.example.org/accounts/login/"
    through_proxy = shown["login_via_proxy"]
    assert through_proxy["status"] == 200
    assert through_proxy["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert through_proxy["csrf_cookie"] == {"secure": True, "httponly": True}
    # docker-compose's probe: plain HTTP straight to gunicorn, answered, not redirected.
    assert (shown["healthz"]["status"], shown["healthz"]["location"]) == (200, None)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("TRUSTED_PROXIES", "172.30.80.0/24, proxy", "TRUSTED_PROXIES must list IP addresses"),
        ("LOGIN_FAILURE_LIMIT", "five", "LOGIN_FAILURE_LIMIT must be a whole number"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be 1 or more"),
        ("LOGIN_COOLOFF_MINUTES", "0", "LOGIN_COOLOFF_MINUTES between 1 and 1440"),
        ("HSTS_SECONDS", "-1", "HSTS_SECONDS must be 0"),
        ("SSL_REDIRECT", "maybe", "SSL_REDIRECT must be true or false"),
    ],
)
def test_a_malformed_security_value_names_the_variable(tmp_path, name, value, message):
    result = run(environ(tmp_path, **{name: value}), "manage.py", "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_the_limits_come_from_the_environment(tmp_path):
    env = environ(tmp_path, LOGIN_FAILURE_LIMIT="3", LOGIN_COOLOFF_MINUTES="90", HSTS_SECONDS="60")
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.SECURE_HSTS_SECONDS)"
    )
    result = run(env, "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1:30:00", "60"]


# --- passwords and demo logins -----------------------------------------------------


@pytest.mark.parametrize("weak", ["password", "12345678901", "short1!"])
@pytest.mark.django_db
def test_the_configured_validators_refuse_weak_passwords(world, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=world.member.user)
    validate_password("plinth-orchard-Kettle-42", user=world.member.user)


@pytest.fixture
def admin_client_(client, db):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    client.force_login(admin)
    return client


def test_an_admin_cannot_create_a_user_with_a_weak_password(admin_client_):
    add = "/admin/auth/user/add/"
    form = {"username": "newbie", "usable_password": "true"}
    weak = admin_client_.post(add, {**form, "password1": "password", "password2": "password"})
    assert weak.status_code == 200
    assert "This password is too common." in weak.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()

    strong = "plinth-orchard-Kettle-42"
    created = admin_client_.post(add, {**form, "password1": strong, "password2": strong})
    assert created.status_code == 302
    assert get_user_model().objects.get(username="newbie").check_password(strong)


def test_an_admin_cannot_set_a_weak_password(admin_client_, world):
    user = world.member.user
    url = f"/admin/auth/user/{user.pk}/password/"
    refused = admin_client_.post(
        url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"}
    )
    assert refused.status_code == 200
    assert "This password is entirely numeric." in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def demo_login_errors() -> list:
    return [m for m in run_checks(include_deployment_checks=True) if m.id == "meetings.E001"]


@pytest.mark.django_db
def test_check_deploy_reports_demo_logins_outside_demo_mode(settings):
    User = get_user_model()
    chair = User.objects.create_user("chair", "chair@demo.invalid", "known-demo-Pw-1")

    settings.DEMO_MODE = True
    assert demo_login_errors() == []

    settings.DEMO_MODE = False
    [error] = demo_login_errors()
    assert error.msg == "Demo login(s) chair can sign in while DEMO_MODE is off."
    assert error.is_serious()

    chair.set_unusable_password()
    chair.save()
    assert demo_login_errors() == []


@pytest.mark.django_db
def test_the_demo_makes_exactly_the_logins_the_setting_names(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    made = set(get_user_model().objects.values_list("username", flat=True))
    assert made == set(settings.DEMO_USERNAMES)
    settings.DEMO_MODE = False
    [error] = demo_login_errors()
    assert error.msg == "Demo login(s) chair, member, secretary can sign in while DEMO_MODE is off."


@pytest.mark.django_db
def test_demo_login_check_uses_the_setting(settings):
    """A demo login is known by its name in DEMO_USERNAMES, not by its email
    address: an admin who gave it a real address to receive reminders has
    not changed the password the demo printed."""
    settings.DEMO_MODE = False
    User = get_user_model()
    User.objects.create_user("member", "tony@example.org", "maybe-the-demo-Pw-1")
    User.objects.create_user("demo-chair", "dave@example.org", "maybe-the-demo-Pw-2")
    [error] = demo_login_errors()
    assert "Demo login(s) member can sign in" in error.msg

    settings.DEMO_USERNAMES = ("demo-chair",)
    [error] = demo_login_errors()
    assert error.msg == "Demo login(s) demo-chair can sign in while DEMO_MODE is off."
    assert "renamed" in error.hint

    settings.DEMO_USERNAMES = ()
    assert demo_login_errors() == []


def test_load_demo_refuses_demo_logins_outside_demo_mode(tmp_path):
    env = production(tmp_path) | {"DEMO_PASSWORD": "x-demo-Pw-3"}
    result = run(env, "manage.py", "load_demo")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: DEMO_MODE is off: refusing to create the demo logins; unset "
        "DEMO_PASSWORD to load the demo minutes alone."
    )
    assert result.stdout == ""
