"""The one settings module. Everything that differs between machines comes
from the environment, parsed strictly: a malformed value stops start-up with a
message naming the variable, rather than being read as something else.

With no environment at all the app runs its demo: SQLite under var/, tasks
run in-process, email printed to the console. `.env.example` lists every
variable; the README explains them.
"""

import datetime
import ipaddress
import os
import re
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


# Demo mode is the embedded default: SQLite, in-process tasks, console email
# and the three demo logins. A deployment sets DEMO_MODE=false and must then
# provide its own secret and hosts.
DEMO_MODE = env_bool("DEMO_MODE", True)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Outside demo mode (DEMO_MODE=false) a secret key "
            "is required: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    # Demo: a random key kept under var/ so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEMO_MODE else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: list the host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Public base URL, used for links in emails written outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    # Login throttling (its tables record attempts and lockouts) and the
    # Content-Security-Policy header (its checks catch old-style settings).
    "axes",
    "csp",
    "meetings",
    "actions",
    "incidents",
    "declarations",
    "minutes",
    "imports",
    "search",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep its caching), before everything
    # else: Cache-Control: private, no-store unless the page is public, and a
    # 400 for a NUL character before the session or a view reads one.
    "opsg.middleware.private_by_default",
    "opsg.middleware.refuse_nul",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-out visitor refused a members-only page (404 or 403) is sent
    # to log in with next=, so links in emails work (opsg/signin.py).
    "opsg.signin.LoginToSeeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the signed-in user on every history row written in a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsg.urls"
WSGI_APPLICATION = "opsg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The app's queries are short and many; PostgreSQL's JIT compiler,
        # which its planner turns on past a cost estimate, spent about two
        # thirds of a common search's count query compiling (bench/search.py).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        # A pooler in transaction mode (PgBouncer) hands each transaction to
        # any server connection: a cursor held across transactions would be lost.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
            "DATABASE_TRANSACTION_POOLER", False
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "opsg.sqlite3",
            # Writers take the lock when their transaction begins and wait up to
            # 20 s for another writer, instead of failing with "database is
            # locked" when two deferred transactions both read first.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes, consulted before the password is): after
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is refused with registration/locked_out.html (429 Too Many Requests)
# until LOGIN_COOLOFF_MINUTES have passed since its last attempt; a try during
# the lockout starts the wait again. Keyed on the pair, so someone guessing
# from elsewhere cannot lock a member out. A successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or not 1 <= LOGIN_COOLOFF_MINUTES <= 1440:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT must be 1 or more and LOGIN_COOLOFF_MINUTES between 1 and 1440."
    )
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# REMOTE_ADDR, or behind the proxy the address it saw (opsg/proxy.py).
AXES_CLIENT_IP_CALLABLE = "opsg.proxy.client_ip"

# Demo logins (secretary, chair, member) use this password; `make run`
# generates one and prints it when it is unset.
DEMO_PASSWORD = env_str("DEMO_PASSWORD")
# The logins `load_demo` makes, by name. Outside demo mode `check --deploy`
# fails while a user of one of these names can sign in (meetings/checks.py):
# their password may be the demo's, whatever their email address says now.
DEMO_USERNAMES = ("secretary", "chair", "member")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# en-GB, as the committee writes dates: "1 October 2019".
FORMAT_MODULE_PATH = ["opsg.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "staticfiles")
# WhiteNoise warns on every start when the folder is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In demo mode static files are served straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = DEMO_MODE or DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"

# Celery: with REDIS_URL unset (demo mode only) every task runs in-process at
# the moment it is queued, so the demo needs no other service. Celery reads
# these when the app is imported, so they must be fixed here, not in tests.
REDIS_URL = env_str("REDIS_URL")
if not REDIS_URL and not DEMO_MODE:
    # In-process tasks would lay out PDFs and send every reminder inside a
    # web request, and nothing would retry them: a deployment needs a broker.
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Outside demo mode (DEMO_MODE=false) background jobs "
        "need Celery's broker: set REDIS_URL, e.g. redis://redis:6379/0, and run a "
        "worker and beat."
    )
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Results are kept only briefly: jobs record their outcome in the database.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# An uploaded minutes document is read by the worker, the review page showing
# its progress; off, the upload request reads it (the default without Redis).
IMPORT_READ_IN_WORKER = env_bool("IMPORT_READ_IN_WORKER", not CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, and put back on the queue when
# its process dies mid-task (killed, out of memory), so a lost worker loses no
# job. Every task is safe to run again: each claims its work first.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after this long: the
# recovery when a whole worker vanishes. It must outlast the longest task
# (its time limit) plus the longest retry countdown, or a task still running
# or waiting to retry would run twice; tests/test_celery.py holds each task's
# limits to it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The longest any task may run unless it sets its own (the PDF render does).
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE


def env_clock(name: str, default: str) -> tuple[int, int]:
    """A local time of day written HH:MM (24-hour), as (hour, minute)."""
    raw = env_str(name, default)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
    if not match:
        raise ImproperlyConfigured(f"{name} must be a time of day as HH:MM, not {raw!r}")
    return int(match[1]), int(match[2])


# Reminders to action owners: one digest per address per working day, sent
# by beat at REMINDER_TIME local time (CELERY_TIMEZONE, so it stays 07:30 in
# London across the clock changes).
REMINDER_TIME = env_clock("REMINDER_TIME", "07:30")
# "Due soon": the target falls within this many working days.
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 3)
# Owners are asked for their update this many working days before a meeting.
REMINDER_BEFORE_MEETING_DAYS = env_int("REMINDER_BEFORE_MEETING_DAYS", 5)
if REMINDER_DUE_SOON_DAYS < 0 or REMINDER_BEFORE_MEETING_DAYS < 1:
    raise ImproperlyConfigured(
        "REMINDER_DUE_SOON_DAYS must be 0 or more and REMINDER_BEFORE_MEETING_DAYS 1 or more."
    )
# Comments on circulated draft minutes are asked for within this many working days.
COMMENTS_DUE_WORKING_DAYS = env_int("COMMENTS_DUE_WORKING_DAYS", 10)
# Each reader of a committee is emailed the brief since the last meeting
# (minutes.brief_email) this many working days before its next meeting.
BRIEF_BEFORE_MEETING_DAYS = env_int("BRIEF_BEFORE_MEETING_DAYS", 3)
if BRIEF_BEFORE_MEETING_DAYS < 1:
    raise ImproperlyConfigured("BRIEF_BEFORE_MEETING_DAYS must be 1 or more.")
if COMMENTS_DUE_WORKING_DAYS < 1:
    raise ImproperlyConfigured("COMMENTS_DUE_WORKING_DAYS must be 1 or more.")
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "actions.tasks.send_reminders_task",
        "schedule": crontab(hour=REMINDER_TIME[0], minute=REMINDER_TIME[1]),
    },
    # The brief since the last meeting, before each meeting: minutes.brief_email.send_briefs.
    "send-briefs": {
        "task": "minutes.tasks.send_briefs_task",
        "schedule": crontab(hour=REMINDER_TIME[0], minute=REMINDER_TIME[1]),
    },
    # Circulation emails owed and never tried (the broker was down when the
    # minutes were circulated): meetings.circulation.send_pending_circulations.
    "send-pending-circulations": {
        "task": "meetings.tasks.send_pending_circulations_task",
        "schedule": crontab(minute="*/5"),
    },
    # Notices to the owners of new actions owed and never tried:
    # actions.assignments.send_pending_assignment_notices.
    "send-pending-assignment-notices": {
        "task": "actions.tasks.send_pending_assignment_notices_task",
        "schedule": crontab(minute="*/5"),
    },
    # Agenda emails owed and never tried: meetings.agenda_notice.send_pending_agenda_notices.
    "send-pending-agenda-notices": {
        "task": "meetings.tasks.send_pending_agenda_notices_task",
        "schedule": crontab(minute="*/5"),
    },
    # Commenters not yet told what became of their suggestion:
    # minutes.comments.send_pending_comment_outcomes.
    "send-pending-comment-outcomes": {
        "task": "minutes.tasks.send_pending_comment_outcomes_task",
        "schedule": crontab(minute="*/5"),
    },
    # Uploads whose reading was never handed over are read; a day-old one is
    # forgotten: imports.reading.sweep_pending_imports.
    "sweep-pending-imports": {
        "task": "imports.tasks.sweep_pending_imports_task",
        "schedule": crontab(minute="*/5"),
    },
}

# Email. Demo mode prints messages to the console unless an SMTP host is given.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
# Every SMTP connection gives up after this many seconds instead of hanging a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OPSG Secretariat <secretariat@localhost>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEMO_MODE
    else "django.core.mail.backends.console.EmailBackend",
)
if not EMAIL_HOST:
    EMAIL_HOST = "localhost"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms, and htmx requests from inside them,
# send the token from the page's {% csrf_token %} field.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A reverse proxy terminates TLS in front of gunicorn: it says which scheme
# the browser used (X-Forwarded-Proto) and who connected (X-Forwarded-For).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose word on the client is believed, as addresses or networks.
# X-Forwarded-For is read only from a request that arrives from one of them,
# and only as far back as the entries they added (opsg/proxy.py): anything a
# client writes there itself cannot choose the address login throttling locks
# out. The compose proxy (deploy/nginx.conf) trusts the same list.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
try:
    for _proxy in TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must list IP addresses or networks (172.30.80.0/24), not {_proxy!r}"
    ) from None
# Outside demo mode plain HTTP is redirected to HTTPS, and browsers are told to
# use nothing else for a year. The demo (`make run`) serves http://127.0.0.1:
# neither applies there.
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", not DEMO_MODE)
# docker-compose's health probe speaks plain HTTP straight to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEMO_MODE else 31_536_000)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("HSTS_SECONDS must be 0 (no HSTS header) or more.")
# The app has a host name of its own (minutes.example.org), with nothing under
# it that speaks plain HTTP; the preload list takes registrable domains only,
# so "preload" on this host commits no other host.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Content-Security-Policy on every response (django-csp): scripts, styles,
# fonts and images only from this site (no inline <script>, style="" or
# on…= handler: tests/test_hardening.py scans the templates), htmx without
# eval (allowEval in base.html's htmx-config), never framed, forms post here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each layout step at INFO and every CSS rule it skips
        # (app.css's screen-only rules) at WARNING; a refused or missing file is an ERROR.
        "weasyprint": {"level": "ERROR"},
        # django-axes announces its configuration on every start, in every command.
        "axes.apps": {"level": "WARNING"},
    },
}
