"""Settings for every environment, read from the process environment.

One module on purpose: the differences between a laptop, CI and production are environment
variables (see docs/deployment.md), never a different settings file.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PEERASSIST_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
# pytest sets PYTEST_VERSION; servers started by tests inherit it and so run in test mode too.
TESTING = env_bool("PEERASSIST_TESTING", default="PYTEST_VERSION" in os.environ)

_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _INSECURE_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG off) needs a long random SECRET_KEY; "
            "for local use run `make run`, which sets DEBUG=1."
        )
elif not (DEBUG or TESTING) and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured("SECRET_KEY is too short or is the development key; use 50+ chars.")
# Earlier keys, comma-separated, while a new SECRET_KEY takes over: sessions, signed links and
# sealed secrets (core/sealed.py) made under them still open (docs/deployment.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
VERSION = "0.1.0"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # serves Swagger UI from our own static files, not a CDN the CSP blocks
    "axes",
    "django_tasks",
    "django_tasks_db",
    "peerassist.core",
    "peerassist.audit",
    "peerassist.accounts",
    "peerassist.projects",
    "peerassist.assists",
    "peerassist.analysis",
    "peerassist.lessons",
    "peerassist.followup",
    "peerassist.reports",
    "peerassist.semantic",
    "peerassist.finding",
    "peerassist.governance",
    "peerassist.home",
    "peerassist.demo",
    "peerassist.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "peerassist.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peerassist.accounts.middleware.ActorMiddleware",
    "peerassist.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerassist.config.urls"
ASGI_APPLICATION = "peerassist.config.asgi.application"
WSGI_APPLICATION = None

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
                "peerassist.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's connection pool (psycopg_pool): a request takes an open connection
        # instead of connecting (a new server process on PostgreSQL's side) every time.
        # With health checks on, the pool checks each connection as it is taken, so one
        # broken while idle is replaced. More connections than a process has threads that
        # use the database (8 for HTTP, 1 for WebSockets), so a wait means the database is
        # down: after 3 s the request gets a 503. PEERASSIST_DB_POOL_SIZE=0 turns it off.
        pool_size = int(os.environ.get("PEERASSIST_DB_POOL_SIZE", "16"))
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        if pool_size > 0:
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": pool_size,
                "timeout": 3,
            }
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend plus a pool of open connections (core/sqlite/base.py).
            "ENGINE": "peerassist.core.sqlite",
            "NAME": DATA_DIR / "peerassist.sqlite3",
            # Many writers at once (a live board): WAL lets readers go on while one writes,
            # IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy timeout
            # instead of failing with "database is locked" when a read lock cannot be upgraded.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("PEERASSIST_TEST_DB_NAME") or None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Parallel test workers share one Redis: each gets its own prefix so their groups never meet.
CHANNEL_PREFIX = os.environ.get("PEERASSIST_CHANNEL_PREFIX", "peerassist") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's pub/sub layer, decoding each message once per process.
            "BACKEND": "peerassist.core.layers.SharedRedisPubSubLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_PREFIX},
        }
    }
else:
    # One process: the in-memory layer, without its per-message copies (core/layers.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "peerassist.core.layers.LocalChannelLayer",
            # A board's one fan-out channel (assists/live/fanout.py) takes every event of that
            # board in this process, a batch of notes at once (note_writer.py): Channels'
            # default of 100 queued messages dropped events under load (gaps, catch-ups).
            "CONFIG": {"channel_capacity": {"board.*": 10_000}},
        }
    }

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_bool("PEERASSIST_TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.backend.DatabaseBackend"
        )
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (accounts/sso/): restores sessions it started; never checks passwords.
    "peerassist.accounts.sso.backend.OrganisationOidcBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out person waits 15 minutes
# Per account and address (the limit above), and per account from any addresses (this many):
# accounts/lockout.py.
AXES_LOCKOUT_PARAMETERS: list[Any] = [["username", "ip_address"], "username"]
AXES_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("AXES_ACCOUNT_FAILURE_LIMIT", "20"))
AXES_HANDLER = "peerassist.accounts.lockout.AccountLockoutHandler"
# The client's address is the connection's: the server (`peerassist serve`) rewrites it from
# X-Forwarded-For only when the connection comes from one of these proxies (comma-separated
# addresses or networks); empty trusts no forwarded header at all.
TRUSTED_PROXIES = env_list("PEERASSIST_TRUSTED_PROXIES", "")
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
GUEST_INVITATION_MAX_AGE_DAYS = int(os.environ.get("GUEST_INVITATION_MAX_AGE_DAYS", "30"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security (TLS settings come on with SECURE_SSL=1 behind a TLS-terminating proxy) -------
SECURE_SSL = env_bool("SECURE_SSL", default=not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Peer Assist <no-reply@peerassist.local>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "uploads")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "sentence_transformers": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

# whitenoise serves files through a sync iterator under ASGI; harmless, and noisy in logs.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
