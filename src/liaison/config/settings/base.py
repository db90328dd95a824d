"""Settings shared by every environment. Environment-specific values come from liaison.config.env."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from liaison.config.env import cache_config, database_config, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("LIAISON_VAR_DIR", str(Path.cwd() / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "liaison.core",
    "liaison.accounts",
    "liaison.registry",
    "liaison.integrity",
    "liaison.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "liaison.core.middleware.CorrelationIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "liaison.accounts.middleware.SessionSecurityMiddleware",
    "liaison.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "liaison.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "liaison.config.urls"
WSGI_APPLICATION = "liaison.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(VAR_DIR / "liaison.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Behind a reverse proxy every request comes from the proxy: X-Forwarded-For names the client, but only when
# the direct peer is one of these addresses or networks (comma-separated, e.g. "127.0.0.1,10.0.0.0/8").
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "liaison.accounts.client_ip.client_ip"

# Sessions and credentials (docs/deploy.md, "Sessions and credentials").
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)  # absolute limit, seconds
LIAISON_STAFF_IDLE_MINUTES = env_int("LIAISON_STAFF_IDLE_MINUTES", 30)
LIAISON_IDLE_MINUTES = env_int("LIAISON_IDLE_MINUTES", 240)
LIAISON_REAUTH_SECONDS = env_int("LIAISON_REAUTH_SECONDS", 300)  # how recent a proof creating a token needs
LIAISON_STAFF_TOKEN_DAYS = env_int("LIAISON_STAFF_TOKEN_DAYS", 30)
LIAISON_ENROLMENT_LINK_HOURS = env_int("LIAISON_ENROLMENT_LINK_HOURS", 72)
LIAISON_BASE_URL = env_str("LIAISON_BASE_URL", "http://127.0.0.1:8000")  # for links printed by the CLI
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "liaison <noreply@localhost>")

LANGUAGE_CODE = "en"
LANGUAGES = [("de", _("German")), ("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [
    PACKAGE_DIR / "locale",
    *sorted(path for path in (PACKAGE_DIR / "locale_parts").glob("*") if path.is_dir()),
]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # the project-wide css/js/vendor files (not inside an app)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from a meta tag, not the cookie; kept default-compatible.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Strict Content-Security-Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Uploads: imports are limited; anything bigger is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LIAISON_IMPORT_MAX_BYTES = env_int("LIAISON_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Watchlist files above this size are imported by a background job, not inside the upload request (issue 7).
LIAISON_WATCHLIST_SYNC_MAX_BYTES = env_int("LIAISON_WATCHLIST_SYNC_MAX_BYTES", 256 * 1024)
# Reading one import file has a time budget (seconds); an import waits this long for another one to finish.
LIAISON_IMPORT_PARSE_SECONDS = env_int("LIAISON_IMPORT_PARSE_SECONDS", 120)
LIAISON_IMPORT_LOCK_SECONDS = env_int("LIAISON_IMPORT_LOCK_SECONDS", 60)
# Imports up to both sizes run inside the request; larger ones run as background jobs (the wizard shows progress).
LIAISON_IMPORT_SYNC_MAX_BYTES = env_int("LIAISON_IMPORT_SYNC_MAX_BYTES", 256 * 1024)
LIAISON_IMPORT_SYNC_MAX_ROWS = env_int("LIAISON_IMPORT_SYNC_MAX_ROWS", 100)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "liaison.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["liaison.core.api.IsAuthenticatedWithSecondFactor"],
    "DEFAULT_PAGINATION_CLASS": "liaison.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
    "EXCEPTION_HANDLER": "liaison.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "liaison API",
    "DESCRIPTION": "German-Ukrainian defence-industrial cooperation platform",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"SharedGroupEnum": "liaison.registry.choices.SharedGroup"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
LIAISON_AUDIT_DB_GUARD = True

# The audit chain's HMAC key never reaches the database (docs/audit-tamper.md). Outside production an insecure,
# clearly named development key is used; production settings refuse to start without a real one. Old keys (after
# a rotation) stay listed so that entries written under them still verify; each entry records its key id.
AUDIT_DEV_HMAC_KEY = "insecure-development-audit-key-never-use-in-production"  # noqa: S105
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", AUDIT_DEV_HMAC_KEY)
AUDIT_HMAC_OLD_KEYS = env_list("AUDIT_HMAC_OLD_KEYS", [])
# Checkpoints of the chain head (`liaison audit anchor`), appended to a file outside the database — in production on
# another disk or host; verification compares the trail with every checkpoint there.
AUDIT_ANCHOR_PATH = Path(env_str("AUDIT_ANCHOR_PATH", str(VAR_DIR / "audit-anchors.jsonl")))

# Background jobs (liaison.jobs, README "Background jobs"): django-tasks with its database backend; the worker is
# `liaison worker`. A running job beats every HEARTBEAT seconds; one silent for STALE seconds is resumed or failed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LIAISON_JOB_HEARTBEAT_SECONDS = env_int("LIAISON_JOB_HEARTBEAT_SECONDS", 10)
LIAISON_JOB_STALE_SECONDS = env_int("LIAISON_JOB_STALE_SECONDS", 120)
LIAISON_JOB_RETRY_SECONDS = env_int("LIAISON_JOB_RETRY_SECONDS", 30)
# The screening index, built once per list version by a job and loaded by every process (integrity.watchlist_index).
LIAISON_INDEX_DIR = Path(env_str("LIAISON_INDEX_DIR", str(VAR_DIR / "screening-index")))
LIAISON_JOB_KEEP_DAYS = env_int("LIAISON_JOB_KEEP_DAYS", 90)
LIAISON_SCHEDULES: dict[str, dict[str, object]] = {"prune-jobs": {"kind": "jobs.prune", "daily_at": "03:45"}}
RESCREEN_AT = env_str("LIAISON_RESCREEN_AT", "02:30")  # the nightly re-screen of every party; empty disables it
if RESCREEN_AT:
    LIAISON_SCHEDULES["nightly-rescreen"] = {"kind": "integrity.rescreen", "daily_at": RESCREEN_AT}
# The audit chain's head is anchored by the worker (docs/audit-tamper.md); 0 leaves it to a timer (docs/deploy.md).
AUDIT_ANCHOR_EVERY_MINUTES = env_int("AUDIT_ANCHOR_EVERY_MINUTES", 10)  # the worker's schedule; 0: a timer does it
if AUDIT_ANCHOR_EVERY_MINUTES:
    LIAISON_SCHEDULES["audit-anchor"] = {"kind": "audit.anchor", "every_minutes": AUDIT_ANCHOR_EVERY_MINUTES}

# Cache and locks: Redis when REDIS_URL is set (every web process and worker share it), else per-process memory.
CACHES = {"default": cache_config()}
