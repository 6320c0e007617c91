"""Settings for every environment, read from the process environment.

The same file serves development, tests and production: what differs is the environment
(``DATABASE_URL``, ``REDIS_URL``, ``ZHILIANG_PUBLIC_URL``, ``SECRET_KEY`` …), so that what runs in
CI is what runs at a bureau. README.md lists every variable.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHILIANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/.

    A generated key survives restarts (sessions stay valid) but never leaves the machine.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


DEBUG = _flag("ZHILIANG_DEBUG", default=False)
SECRET_KEY = _secret_key()

PUBLIC_URL = os.environ.get("ZHILIANG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_URL)
HTTPS = _public.scheme == "https"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", f"{_public.hostname},127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "axes",
    "csp",
    "ninja",
    "zhiliang.common",
    "zhiliang.registry",
    "zhiliang.accounts",
    "zhiliang.ledger",
    "zhiliang.grading",
    "zhiliang.tracing",
    "zhiliang.portal",
    "zhiliang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhiliang.common.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhiliang.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhiliang.common.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "zhiliang.urls"
WSGI_APPLICATION = "zhiliang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhiliang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhiliang.portal.context.site",
            ],
        },
    },
]

# SQLite under var/ by default so that `make run` needs nothing installed; PostgreSQL in
# production and CI through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhiliang.sqlite3'}",
        conn_max_age=int(os.environ.get("ZHILIANG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # The statements every scan runs are prepared once per connection (psycopg's
    # prepare_threshold); behind a pooler that cannot keep prepared statements (PgBouncer in
    # transaction mode before 1.21) set ZHILIANG_DB_PREPARE_THRESHOLD to an empty value.
    _threshold = os.environ.get("ZHILIANG_DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_threshold) if _threshold else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "zhiliang.common.cache.RedisCache",  # one client per process
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zhiliang",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:console"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("ZHILIANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhiliang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "zhiliang" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Bodies over this size are refused with 413 before any view parses them.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("ZHILIANG_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# These views stream their bodies and enforce their own limits (64 MiB or 50,000 events for a
# capture, 5 million codes for a registration batch).
BODY_SIZE_LIMIT_OWN_PATHS = (
    "/epcis/capture",
    "/epcis/events",
    "/api/tracing/code-batches/registrations",
)

# Security headers a bureau's auditor expects. Cookies are Secure whenever the public URL is
# https; `make run` serves plain http on 127.0.0.1 and so keeps them usable there.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and _flag("ZHILIANG_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHILIANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Outbox delivery (common/outbox.py): retries back off exponentially from this base up to the
# cap; after OUTBOX_MAX_ATTEMPTS a message is dead-lettered for an admin to look at.
OUTBOX_BASE_DELAY_SECONDS = float(os.environ.get("ZHILIANG_OUTBOX_BASE_DELAY", "5"))
OUTBOX_MAX_DELAY_SECONDS = float(os.environ.get("ZHILIANG_OUTBOX_MAX_DELAY", "3600"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("ZHILIANG_OUTBOX_MAX_ATTEMPTS", "12"))
OUTBOX_TIMEOUT_SECONDS = float(os.environ.get("ZHILIANG_OUTBOX_TIMEOUT", "10"))
OUTBOX_LEASE_SECONDS = float(os.environ.get("ZHILIANG_OUTBOX_LEASE", "60"))

# The ledger's signing key: ZHILIANG_SIGNING_KEY (base64 seed) or ZHILIANG_SIGNING_KEY_FILE,
# else a key generated once under var/.
SIGNING_KEY = os.environ.get("ZHILIANG_SIGNING_KEY", "")
SIGNING_KEY_FILE = Path(os.environ.get("ZHILIANG_SIGNING_KEY_FILE", VAR_DIR / "signing_key"))

API_TOKEN_DEFAULT_DAYS = int(os.environ.get("ZHILIANG_API_TOKEN_DAYS", "365"))
SHARED_DIR = Path(os.environ.get("ZHILIANG_SHARED", BASE_DIR.parent / "shared"))

SITE_NAME = _("Zhiliang · product quality regulation platform")

# Scans are written in batches every this many seconds per app process (0: each at once);
# see zhiliang/tracing/services/scan_journal.py.
TRACING_SCAN_FLUSH_SECONDS = float(os.environ.get("ZHILIANG_SCAN_FLUSH_SECONDS", "0.25"))
# On PostgreSQL each app process keeps what scans read of codes until the database says they
# changed (LISTEN, so off behind a pooler in transaction mode); see
# zhiliang/tracing/selectors/code_states.py.
TRACING_CODE_CACHE = os.environ.get("ZHILIANG_CODE_CACHE", "1") != "0"
