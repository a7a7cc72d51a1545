"""The deployment files, checked without Docker: docker-compose.yml parsed and
held against .env.example and opsg/settings.py, the Dockerfile's system
packages, the nginx proxy, and the helper scripts behind `make run` / CI."""

import ipaddress
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS = ROOT / "opsg" / "settings.py"
DOCKERFILE = ROOT / "Dockerfile"
CHECK_SCRIPT = ROOT / "bin" / "check_system_libs.py"

COMPOSE_ONLY_HEADING = "# --- docker-compose only"
APP_SERVICES = ("migrate", "web", "worker", "beat")
SCALABLE = ("web", "worker")
WEASYPRINT_PACKAGES = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-dejavu-core",
}

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $NAME;
# "$$" is compose's escape for a literal dollar and is not a substitution.
_SUBSTITUTION = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict:
    return compose()["services"]


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def compose_variables() -> set[str]:
    """Every variable compose substitutes (in values, not in comments)."""
    names = set()
    for text in _strings(compose()):
        for match in _SUBSTITUTION.finditer(text):
            name = match.group("braced") or match.group("bare")
            if name:
                names.add(name)
    return names


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution, enough for this file."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        value = env.get(name)
        missing = value is None or (value == "" and op and op.startswith(":"))
        if op in (":-", "-") and missing:
            return arg
        if op in (":?", "?") and missing:
            raise AssertionError(f"compose would stop: {name}: {arg}")
        return value or ""

    return _SUBSTITUTION.sub(substitute, text)


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(app variables, compose-only variables) from .env.example, in order."""
    app, compose_only = {}, {}
    section = app
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith(COMPOSE_ONLY_HEADING):
            section = compose_only
            continue
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
        if match:
            assert match.group(1) not in app | compose_only, f"{match.group(1)} listed twice"
            section[match.group(1)] = match.group(2)
        else:
            assert line == "" or line.startswith("#"), f".env.example: unreadable line {line!r}"
    return app, compose_only


def settings_variables() -> set[str]:
    source = SETTINGS.read_text()
    pattern = (
        r'(?:env_str|env_bool|env_int|env_list|os\.environ\.get|os\.getenv)\(\s*"([A-Z0-9_]+)"'
        r'|os\.environ\[\s*"([A-Z0-9_]+)"\s*\]'
    )
    return {a or b for a, b in re.findall(pattern, source)}


def compose_environment(service: str) -> dict[str, str]:
    """The environment a container would get with .env copied from .env.example."""
    app, compose_only = env_example()
    dotenv = app | compose_only
    parsed = yaml.safe_load(interpolate(COMPOSE_FILE.read_text(), dotenv))
    env = dict(dotenv)  # env_file: .env
    env.update({k: str(v) for k, v in parsed["services"][service]["environment"].items()})
    return env


# --- docker-compose.yml ----------------------------------------------------------


def test_compose_has_every_service():
    assert {"db", "redis", "migrate", "web", "worker", "beat", "proxy"} <= set(services())


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker", "beat"])
def test_long_running_services_have_healthchecks(name):
    healthcheck = services()[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable")
    assert healthcheck["test"] and healthcheck["test"][0] in ("CMD", "CMD-SHELL")


def test_healthchecks_use_the_expected_probes():
    svc = services()
    assert "pg_isready" in " ".join(svc["db"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(svc["redis"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(svc["worker"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(svc["web"]["healthcheck"]["test"])


def test_web_healthcheck_path_is_a_url_of_the_app():
    probe = " ".join(services()["web"]["healthcheck"]["test"])
    path = re.search(r"http://[^/'\"\s]+(/[^'\"\s]*)", probe).group(1)
    assert resolve(path).url_name == "healthz"


def test_web_healthcheck_is_valid_python_that_sends_an_allowed_host(monkeypatch):
    test = services()["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    sent = {}

    class Answered(Exception):
        pass

    def fake_urlopen(request, timeout):
        sent.update(url=request.full_url, host=request.get_header("Host"), timeout=timeout)
        raise Answered

    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setenv("ALLOWED_HOSTS", "*, .minutes.example.org,localhost")
    with pytest.raises(Answered):
        exec(compile(test[3], "healthcheck", "exec"), {})
    assert sent == {
        "url": "http://127.0.0.1:8000/healthz",
        "host": "minutes.example.org",
        "timeout": 5,
    }


@pytest.mark.parametrize("name", SCALABLE)
def test_scalable_services_have_no_fixed_name_or_host_port(name):
    service = services()[name]
    assert "container_name" not in service
    assert "hostname" not in service
    assert "ports" not in service, f"{name} publishes a host port: it could not be scaled"


def test_only_the_proxy_publishes_a_port_and_it_reaches_web():
    svc = services()
    published = {name for name, service in svc.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = svc["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert any(v.startswith("./deploy/nginx.conf:/etc/nginx/conf.d/") for v in proxy["volumes"])
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in conf, "nginx must re-resolve `web` through Docker's DNS"
    assert re.search(r"set \$\w+ http://web:8000;", conf)
    assert "$http_host" in conf


def test_the_proxy_trusts_only_the_configured_proxies(tmp_path):
    """No address range is trusted by name in deploy/nginx.conf: nginx reads
    TRUSTED_PROXIES, the list the app reads, when its container starts."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    lines = [line.split("#")[0].strip() for line in conf.splitlines()]
    assert not [line for line in lines if line.startswith("set_real_ip_from")]
    assert "include /etc/nginx/trusted-proxies.conf;" in lines
    assert "real_ip_header X-Forwarded-For;" in lines
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in lines

    proxy = services()["proxy"]
    script = ROOT / "deploy" / "trusted-proxies.sh"
    assert os.access(script, os.X_OK), "the nginx image runs only executable entrypoint scripts"
    assert (
        "./deploy/trusted-proxies.sh:/docker-entrypoint.d/40-trusted-proxies.sh:ro"
        in (proxy["volumes"])
    )
    assert proxy["environment"]["TRUSTED_PROXIES"].startswith("${TRUSTED_PROXIES:?")
    assert (
        compose_environment("proxy")["TRUSTED_PROXIES"]
        == (compose_environment("web")["TRUSTED_PROXIES"])
    )

    out = tmp_path / "trusted-proxies.conf"
    env = dict(
        os.environ, TRUSTED_PROXIES="172.30.80.0/24, 10.0.0.7", TRUSTED_PROXIES_CONF=str(out)
    )
    subprocess.run(["sh", str(script)], env=env, check=True, timeout=30)
    written = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert written == ["set_real_ip_from 172.30.80.0/24;", "set_real_ip_from 10.0.0.7;"]
    env["TRUSTED_PROXIES"] = "172.30.80.0/24; deny all"
    refused = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "not an address or network" in refused.stderr


def test_the_compose_network_is_one_the_app_trusts():
    """The app's peer is the proxy container, on the compose network; the
    range is fixed so that .env can name it."""
    app, compose_only = env_example()
    [config] = compose()["networks"]["default"]["ipam"]["config"]
    subnet = ipaddress.ip_network(interpolate(config["subnet"], compose_only))
    assert subnet == ipaddress.ip_network(compose_only["COMPOSE_SUBNET"])
    trusted = [ipaddress.ip_network(p.strip()) for p in app["TRUSTED_PROXIES"].split(",")]
    assert any(subnet.subnet_of(network) for network in trusted)
    # None of the private ranges as a whole: anyone on it could name any address.
    for wide in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"):
        assert ipaddress.ip_network(wide) not in trusted


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_start_after_migrations_and_healthy_backends(name):
    depends = services()[name]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["db"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_migrate_is_a_one_shot_after_the_database():
    migrate = services()["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_commands():
    svc = services()
    web = " ".join(svc["web"]["command"])
    assert web.startswith("gunicorn opsg.wsgi:application --bind 0.0.0.0:8000")
    assert "--workers ${WEB_CONCURRENCY:-3}" in web
    assert " ".join(svc["worker"]["command"]).startswith("celery -A opsg worker")
    beat = " ".join(svc["beat"]["command"])
    assert beat.startswith("celery -A opsg beat") and "--schedule /app/var/" in beat


def beat_schedule() -> Path:
    command = services()["beat"]["command"]
    return Path(command[command.index("--schedule") + 1])


def test_beat_keeps_its_schedule_in_the_data_directory_on_a_volume():
    """Not /tmp: when each entry last ran must outlive the container."""
    schedule = beat_schedule()
    var_dir = Path(compose_environment("beat")["VAR_DIR"])
    assert schedule.parent == var_dir
    volumes = [v.split(":") for v in services()["beat"]["volumes"]]
    assert [name for name, target in volumes if Path(target) == var_dir] == ["beat-data"]
    assert "beat-data" in compose()["volumes"]
    # The image makes VAR_DIR and gives it to the app user, so a new volume
    # starts out writable by beat.
    dockerfile = DOCKERFILE.read_text()
    assert f"VAR_DIR={var_dir}" in dockerfile
    assert f"chown opsg:opsg /app/media {var_dir}" in dockerfile


def run_beat_probe(var_dir: Path) -> int:
    test = services()["beat"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    env = dict(os.environ, VAR_DIR=str(var_dir))
    return subprocess.run([sys.executable, "-c", test[3]], env=env, timeout=30).returncode


def test_beat_has_a_healthcheck(tmp_path):
    """Healthy while beat keeps writing its schedule file (it does at least
    every few minutes); unhealthy before the first write or once it stops."""
    healthcheck = services()["beat"]["healthcheck"]
    assert healthcheck["test"][0] == "CMD" and healthcheck["start_period"]
    assert run_beat_probe(tmp_path) == 1
    schedule = tmp_path / beat_schedule().name
    schedule.write_bytes(b"")
    assert run_beat_probe(tmp_path) == 0
    eleven_minutes_ago = time.time() - 11 * 60
    os.utime(schedule, (eleven_minutes_ago, eleven_minutes_ago))
    assert run_beat_probe(tmp_path) == 1
    # Some dbm modules add a suffix to the name given.
    schedule.rename(tmp_path / f"{schedule.name}.db")
    (tmp_path / f"{schedule.name}.db").touch()
    assert run_beat_probe(tmp_path) == 0


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_read_dotenv_and_use_the_compose_backends(name):
    service = services()[name]
    env_file = service["env_file"]
    assert env_file == ".env" or ".env" in env_file
    env = service["environment"]
    assert env["DEMO_MODE"] == "false"
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["MEDIA_ROOT"] == "/app/media"


def test_web_and_worker_share_the_media_volume():
    svc = services()
    for name in ("web", "worker"):
        assert "media:/app/media" in svc[name]["volumes"], name
    assert "media" in compose()["volumes"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in svc["db"]["volumes"])


def test_compose_settings_import_cleanly():
    """With .env copied from .env.example, the app's settings load in production
    mode and point at the compose services."""
    env = {k: v for k, v in os.environ.items() if k not in settings_variables()}
    env |= compose_environment("web")
    env["VAR_DIR"] = "/nonexistent/not-needed"  # nothing may be written there
    probe = textwrap.dedent(
        """
        import django
        django.setup()
        from django.conf import settings as s
        db = s.DATABASES["default"]
        print(s.DEMO_MODE, s.DEBUG, db["ENGINE"], db["HOST"], s.CELERY_TASK_ALWAYS_EAGER,
              s.EMAIL_BACKEND, s.SESSION_COOKIE_SECURE, s.MEDIA_ROOT, s.TIME_ZONE, sep="|")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "False",
        "False",
        "django.db.backends.postgresql",
        "db",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "True",
        "/app/media",
        "Europe/London",
    ]


# --- .env.example against compose and settings -----------------------------------


def test_env_example_lists_every_variable_settings_reads():
    app, _ = env_example()
    missing = settings_variables() - set(app)
    assert not missing, f"read by opsg/settings.py but not in .env.example: {sorted(missing)}"


def test_every_app_variable_in_env_example_is_read_by_settings():
    app, _ = env_example()
    source = SETTINGS.read_text()
    unread = [name for name in app if f'"{name}"' not in source]
    assert not unread, f"in .env.example but not read by opsg/settings.py: {unread}"


def test_compose_only_variables_are_used_by_compose_and_not_by_the_app():
    _, compose_only = env_example()
    assert compose_only, f"no variables under {COMPOSE_ONLY_HEADING!r} in .env.example"
    unused = set(compose_only) - compose_variables()
    assert not unused, f"compose-only in .env.example but unused in compose: {sorted(unused)}"
    app_reads = set(compose_only) & settings_variables()
    assert not app_reads, f"read by settings, so not compose-only: {sorted(app_reads)}"


def test_every_compose_variable_is_documented_in_env_example():
    app, compose_only = env_example()
    undocumented = compose_variables() - set(app) - set(compose_only)
    assert not undocumented, f"used in compose, missing from .env.example: {sorted(undocumented)}"


def test_env_example_has_no_empty_value_where_settings_has_a_default():
    """env_str("X", default) returns "" for X= (not the default): such lines
    must carry a value."""
    app, _ = env_example()
    with_default = set(re.findall(r'env_str\(\s*"([A-Z0-9_]+)"\s*,', SETTINGS.read_text()))
    empty = sorted(name for name in with_default if name in app and not app[name].strip())
    assert not empty, f"empty in .env.example, which would override the default: {empty}"


def test_env_example_holds_placeholders_not_secrets():
    app, compose_only = env_example()
    assert app["SECRET_KEY"].startswith("change-me")
    assert compose_only["POSTGRES_PASSWORD"].startswith("change-me")
    assert app["DEMO_MODE"] == "false" and app["DEBUG"] == "false"
    for name in ("EMAIL_HOST_PASSWORD", "DEMO_PASSWORD"):
        assert app[name] == "", name


# --- Dockerfile and .dockerignore -----------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_installs_pango_and_harfbuzz():
    runs = [rest for keyword, rest in _dockerfile_instructions() if keyword == "RUN"]
    apt = [run for run in runs if "apt-get install" in run]
    assert apt, "the Dockerfile installs no Debian packages"
    installed = set(" ".join(apt).split())
    assert WEASYPRINT_PACKAGES <= installed
    # The same list that bin/check_system_libs.py tells people to install.
    namespace = {}
    exec(compile(CHECK_SCRIPT.read_text(), str(CHECK_SCRIPT), "exec"), namespace)
    assert set(namespace["PACKAGES"].split()) == WEASYPRINT_PACKAGES


def test_dockerfile_basics():
    instructions = _dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    assert ("EXPOSE", "8000") in instructions
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and not users[-1].startswith(("root", "0")), "the image must not run as root"
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install --require-hashes --no-deps -r requirements.txt && pip check" in runs
    assert "collectstatic --noinput" in runs
    assert "HEALTHCHECK" not in keywords, "worker/beat/migrate would inherit a web probe"
    env_lines = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "SECRET_KEY" not in env_lines, "the build's dummy secret must not persist"


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "var", "node_modules", "staticfiles"} <= ignored


# --- make and CI scripts ---------------------------------------------------------


def _fake_weasyprint(tmp_path: Path, ffi_source: str) -> dict[str, str]:
    package = tmp_path / "weasyprint"
    (package / "text").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "text" / "__init__.py").write_text("")
    (package / "text" / "ffi.py").write_text(ffi_source)
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("CI", None)
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK_SCRIPT)], env=env, capture_output=True, text=True
    )


def test_check_system_libs_passes_here():
    result = _check(dict(os.environ))
    assert result.returncode == 0, result.stderr


def test_check_system_libs_names_the_packages_when_pango_is_missing(tmp_path):
    env = _fake_weasyprint(
        tmp_path,
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: "
        'cannot open shared object file: No such file or directory")\n',
    )
    result = _check(env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot load library 'libpango-1.0-0'" in result.stderr
    for package in WEASYPRINT_PACKAGES:
        assert package in result.stderr
    assert "sudo apt-get install -y" in result.stderr


def test_check_system_libs_warns_without_harfbuzz_subset_and_fails_in_ci(tmp_path):
    env = _fake_weasyprint(tmp_path, "harfbuzz_subset = None\n")
    local = _check(env)
    assert local.returncode == 0
    assert "libharfbuzz-subset0" in local.stderr and "Warning" in local.stderr
    ci = _check(dict(env, CI="true"))
    assert ci.returncode == 1
    assert "libharfbuzz-subset0" in ci.stderr and "Traceback" not in ci.stderr


def test_ci_script_is_executable_bash():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run must be executable"
    assert "set -euo pipefail" in script.read_text()
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_makefile_parses_and_run_serves_on_loopback():
    make = shutil.which("make")
    assert make, "GNU make is needed for `make run` and `make test`"
    result = subprocess.run(
        [make, "-n", "run", "test", "bench", "lint", "clean"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **{
                k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
            },
            "DEMO_PASSWORD": "x",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "manage.py runserver 127.0.0.1:8000" in result.stdout
    assert "manage.py load_demo" in result.stdout
    assert "makemigrations --check --dry-run" in result.stdout
