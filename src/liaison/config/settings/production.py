"""Production: everything from the environment, secure by default. `liaison check --deploy` is clean."""

from pathlib import Path

from liaison.config.env import ConfigError, env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ConfigError("SECRET_KEY must be at least 50 characters in production")
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY")
if len(AUDIT_HMAC_KEY) < 32 or AUDIT_HMAC_KEY in {SECRET_KEY, AUDIT_DEV_HMAC_KEY}:  # noqa: F405
    raise ConfigError("AUDIT_HMAC_KEY must be at least 32 characters, differ from SECRET_KEY and not be the dev key")
AUDIT_ANCHOR_PATH = Path(env_str("AUDIT_ANCHOR_PATH"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LIAISON_PRINT_DEMO_CREDENTIALS = False

# Password-reset mail goes out through the operator's SMTP relay.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
