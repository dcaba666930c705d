"""hoptac settings: everything comes from environment variables (see docs/configuration.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HOPTAC_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("HOPTAC_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("HOPTAC_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("HOPTAC_SECRET_KEY must be set when HOPTAC_DEBUG=0")
    # Development: a random key kept in the data directory, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HOPTAC_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("HOPTAC_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "hoptac.org",
    "hoptac.reference",
    "hoptac.fields",
    "hoptac.partners",
    "hoptac.audit",
    "hoptac.notifications",
    "hoptac.agreements",
    "hoptac.activities",
    "hoptac.aid",
    "hoptac.programmes",
    "hoptac.documents",
    "hoptac.reports",
    "hoptac.portal",
    "hoptac.web",
]

MIDDLEWARE = [
    "hoptac.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoptac.org.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hoptac.org.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hoptac.web.middleware.OverflowMiddleware",
    "hoptac.web.middleware.ApiMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "hoptac.config.urls"
WSGI_APPLICATION = "hoptac.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoptac.web.context_processors.navigation",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hoptac.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE avoids
                # "database is locked" on read-then-write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so tests see WAL and the live server shares the database.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hoptac.formats"]
TIME_ZONE = os.environ.get("HOPTAC_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names for long caching in production; needs `collectstatic`.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("HOPTAC_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env_bool("HOPTAC_STATIC_MANIFEST", not DEBUG)

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
HOPTAC_UPLOAD_MAX_BYTES = int(os.environ.get("HOPTAC_UPLOAD_MAX_MB", "25")) * 1024 * 1024

# Search: "" = the database's own full text (SQLite FTS5 / PostgreSQL); "tantivy" = a tantivy index
# in HOPTAC_SEARCH_INDEX_DIR, for large collections (see docs/search.md).
HOPTAC_SEARCH_BACKEND = os.environ.get("HOPTAC_SEARCH_BACKEND", "").strip().lower()
HOPTAC_SEARCH_INDEX_DIR = Path(os.environ.get("HOPTAC_SEARCH_INDEX_DIR") or DATA_DIR / "search-index").resolve()

EMAIL_BACKEND = os.environ.get("HOPTAC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("HOPTAC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOPTAC_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOPTAC_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOPTAC_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HOPTAC_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("HOPTAC_EMAIL_FROM", "hoptac@localhost")

# Secure by default: production (HOPTAC_DEBUG=0) assumes HTTPS behind a proxy.
_https = env_bool("HOPTAC_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = int(os.environ.get("HOPTAC_HSTS_SECONDS", "31536000" if _https else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HOPTAC_BEHIND_PROXY", False) else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "hoptac.config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("HOPTAC_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HOPTAC_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver logs each request itself; the request log is for production servers.
        "django.server": {"level": "WARNING"},
        "hoptac.request": {"level": os.environ.get("HOPTAC_REQUEST_LOG_LEVEL", "INFO")},
    },
}

# One process: memory. Several application servers: a cache they share, or the portal's pages
# and the search index cache differ from server to server (docs/deploy.md).
_cache = os.environ.get("HOPTAC_CACHE", "memory")
if _cache.startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache}}
elif _cache == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hoptac_cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HOPTAC_BASE_URL = os.environ.get("HOPTAC_BASE_URL", "http://127.0.0.1:8000")
HOPTAC_API_TOKEN_DAYS = int(os.environ.get("HOPTAC_API_TOKEN_DAYS", "90"))
