"""The one settings module for Alliance, read from the environment.

Variables (all optional in development; see docs/operations.md for the full list):

ALLIANCE_PRODUCTION    1 in production: requires ALLIANCE_SECRET_KEY and ALLIANCE_ALLOWED_HOSTS,
                       turns on HTTPS-only cookies, HSTS and the SSL redirect.
ALLIANCE_SECRET_KEY    at least 50 characters. In development a random key is kept in DATA_DIR.
ALLIANCE_ALLOWED_HOSTS comma-separated host names.
ALLIANCE_DATA_DIR      where the SQLite file and the development key live (default ./var).
DATABASE_URL           postgres://user:pass@host:port/name — PostgreSQL instead of SQLite.
ALLIANCE_DEBUG         1 shows Django's debug pages (never in production).
ALLIANCE_TRUSTED_PROXIES  how many reverse proxies append to X-Forwarded-For (default 0: the
                       client address is the socket peer and the header is ignored).
ALLIANCE_EMAIL_URL     not yet supported; mail goes to the console.
ALLIANCE_FIELD_KEYS    comma-separated Fernet keys that encrypt private text (notes, notebook,
                       messages) at rest; the first encrypts, all decrypt (rotation). Required in
                       production and kept apart from ALLIANCE_SECRET_KEY. In development a random
                       key is kept in DATA_DIR.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import dj_database_url

from alliance.lib.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent  # the installed ``alliance`` package
# From a source checkout the data lives beside pyproject.toml; an installed product uses ./var.
_CHECKOUT = BASE_DIR.parent if (BASE_DIR.parent / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = Path(env_str("ALLIANCE_DATA_DIR") or _CHECKOUT / "var").resolve()

PRODUCTION = env_bool("ALLIANCE_PRODUCTION")
DEBUG = env_bool("ALLIANCE_DEBUG")
if PRODUCTION and DEBUG:
    raise ConfigurationError("ALLIANCE_DEBUG=1 is not allowed with ALLIANCE_PRODUCTION=1.")


def _secret_key() -> str:
    key = env_str("ALLIANCE_SECRET_KEY")
    if key:
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            raise ConfigurationError(
                "ALLIANCE_SECRET_KEY must be at least 50 random characters "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
        return key
    if PRODUCTION:
        raise ConfigurationError("ALLIANCE_SECRET_KEY is required when ALLIANCE_PRODUCTION=1.")
    # Development: a random key kept beside the SQLite file, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_keys() -> list[str]:
    keys = env_list("ALLIANCE_FIELD_KEYS")
    if keys:
        return keys
    if PRODUCTION:
        raise ConfigurationError(
            "ALLIANCE_FIELD_KEYS is required when ALLIANCE_PRODUCTION=1 (python3 -c "
            "'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')."
        )
    path = DATA_DIR / "field_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


ALLIANCE_FIELD_KEYS = _field_keys()

ALLOWED_HOSTS = env_list("ALLIANCE_ALLOWED_HOSTS")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLIANCE_ALLOWED_HOSTS is required when ALLIANCE_PRODUCTION=1.")
if not PRODUCTION and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "alliance.web",
    "alliance.audit",
    "alliance.accounts",
    "alliance.directory",
    "alliance.care",
    "alliance.measures",
    "alliance.alerts",
    "alliance.matching",
    "alliance.goals",
    "alliance.contact",
    "alliance.notes",
    "alliance.reviews",
    "alliance.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alliance.audit.middleware.AuditContextMiddleware",
    "alliance.accounts.middleware.SessionTimeoutMiddleware",
    "alliance.accounts.middleware.TimeZoneMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alliance.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]


# Database -------------------------------------------------------------------------------------


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except ValueError as exc:
            raise ConfigurationError(f"DATABASE_URL is not usable: {exc}") from None
        if config.get("ENGINE") != "django.db.backends.postgresql":
            raise ConfigurationError(
                "DATABASE_URL must be a postgres:// URL (or unset for SQLite)."
            )
        if not config.get("NAME"):
            raise ConfigurationError("DATABASE_URL names no database (postgres://…/NAME).")
        return dict(config)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "alliance.sqlite3",
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
            # timeout instead of failing with "database is locked" mid-transaction; the
            # audit hash chain relies on it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Instruments ----------------------------------------------------------------------------------

ALLIANCE_INSTRUMENTS_DIR = Path(env_str("ALLIANCE_INSTRUMENTS_DIR") or BASE_DIR / "instruments")


# Accounts and passwords -----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "alliance.accounts.hashers.TunedArgon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2id on the next log-in.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "alliance.accounts.validators.MaximumLengthValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Log-in throttling (OWASP ASVS 5.0 6.1.1, 6.3.1). Failures are counted per user name *and*
# address together, so one noisy address behind a clinic's shared proxy cannot lock every
# colleague out, and an attacker elsewhere cannot lock a therapist out of their own office.
AXES_FAILURE_LIMIT = env_int("ALLIANCE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count "Asha@X.org" and "asha@x.org" as the same name, or case would dodge the limit.
AXES_USERNAME_CALLABLE = "alliance.accounts.throttle.get_username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("ALLIANCE_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions (OWASP ASVS 5.0 7.3): server-side, idle and absolute timeouts enforced by
# accounts.middleware.SessionTimeoutMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_SECONDS = {"client": 30 * 60, "therapist": 15 * 60, "staff": 15 * 60}
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where people reach this installation: links in e-mails sent outside a request start here.
ALLIANCE_BASE_URL = env_str("ALLIANCE_BASE_URL") or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
)
if PRODUCTION and not ALLIANCE_BASE_URL.startswith("https://"):
    raise ConfigurationError("ALLIANCE_BASE_URL must be an https:// address in production.")
DEFAULT_FROM_EMAIL = env_str("ALLIANCE_FROM_EMAIL", "Alliance <no-reply@localhost>")


# Security headers -----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]


# Cache ------------------------------------------------------------------------------------------
# Derived data only (imported wording, the clinic's outcome history, the dropout model): every
# entry can be rebuilt from the database and expires within minutes. One cache per process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "alliance",
        "TIMEOUT": 600,
    }
}

# Static files, time, language -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("ALLIANCE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ALLIANCE_LOG_LEVEL", "WARNING")},
}
