"""Settings shared by every environment.

Everything that differs between machines comes from the environment (see the
README's "Configuration" table); the defaults suit development on one machine
with the embedded SQLite database.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "directory",
    "importers",
    "search",
    "mentorship",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Accounts for mentors and founders: sign-up with consent, verified e-mail, login by e-mail.
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The public site's language comes from the URL prefix (/fr/, /sv/, /es/; English has none).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL (postgres://...) selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the site read while an import writes; a writer waits up to 20 s for another's
    # lock (the connect timeout, and the same as a pragma on every connection). IMMEDIATE: a
    # transaction takes the write lock when it begins. Django's default, DEFERRED, reads first
    # and upgrades at its first write, and SQLite answers that upgrade "database is locked" at
    # once, without waiting, when another process wrote meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff sign in with a username (Wagtail admin); mentors and founders with their e-mail (allauth).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# The sign-up form adds the required consent checkbox and records a Consent row.
ACCOUNT_SIGNUP_FORM_CLASS = "mentorship.forms.ConsentSignupForm"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/mentorship/me/"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Co-op Portal <noreply@localhost>")
# The version of the terms people agree to at sign-up; raise it when the terms change.
PORTAL_CONSENT_VERSION = env("PORTAL_CONSENT_VERSION", default="2026-11")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public interface's languages (URL prefixes /fr/, /sv/, /es/). Pages are one tree,
# served under every prefix (WAGTAIL_I18N_ENABLED stays off). `bin/translations` updates locale/.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("sv", "Svenska"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "Add my co-op" / "Suggest a change": submissions accepted per address per hour (Django's cache).
PORTAL_SUBMISSIONS_PER_HOUR = env.int("PORTAL_SUBMISSIONS_PER_HOUR", default=5)
# Autocomplete: a query still running after this many seconds is stopped and suggests nothing.
PORTAL_AUTOCOMPLETE_TIME_LIMIT = env.float("PORTAL_AUTOCOMPLETE_TIME_LIMIT", default=1.0)
# An import run whose process has not been heard of for this many seconds is marked failed.
PORTAL_IMPORT_STALE_AFTER = env.int("PORTAL_IMPORT_STALE_AFTER", default=30 * 60)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Co-op Portal"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    # SQLite FTS5 on SQLite, PostgreSQL full-text search on PostgreSQL.
    # "simple": no stemming, so PostgreSQL matches words as SQLite FTS5 and the
    # search-server analyzers do (the same hits on every engine).
    # search.backend: the database backend with typed queries reduced to their words (no 500 on `"`).
    "default": {"BACKEND": "search.backend", "SEARCH_CONFIG": "simple"},
}
# The catalogue's search engine: "database" (the default), "elasticsearch" or "opensearch",
# or the dotted path of an engine class. See the README's Search section.
SEARCH_ENGINES = {
    "database": "search.engines.database.DatabaseEngine",
    "elasticsearch": "search.engines.elastic.ElasticsearchEngine",
    "opensearch": "search.engines.elastic.OpenSearchEngine",
}
SEARCH_ENGINE = env("SEARCH_ENGINE", default="database")
PORTAL_SEARCH_ENGINE = SEARCH_ENGINES.get(SEARCH_ENGINE, SEARCH_ENGINE)
PORTAL_SEARCH_URL = env("PORTAL_SEARCH_URL", default="http://127.0.0.1:9200")
PORTAL_SEARCH_INDEX_PREFIX = env("PORTAL_SEARCH_INDEX_PREFIX", default="coop-portal")
PORTAL_SEARCH_USERNAME = env("PORTAL_SEARCH_USERNAME", default="")
PORTAL_SEARCH_PASSWORD = env("PORTAL_SEARCH_PASSWORD", default="")
PORTAL_SEARCH_CA_CERTS = env("PORTAL_SEARCH_CA_CERTS", default="")
PORTAL_SEARCH_VERIFY_CERTS = env.bool("PORTAL_SEARCH_VERIFY_CERTS", default=True)
PORTAL_SEARCH_TIMEOUT = env.float("PORTAL_SEARCH_TIMEOUT", default=10.0)
PORTAL_SEARCH_REPLICAS = env.int("PORTAL_SEARCH_REPLICAS", default=0)
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "odt", "docx", "xlsx"]
TAGGIT_CASE_INSENSITIVE = True

# Background work (search index updates, imports started from the admin). The
# immediate backend runs a task where it is enqueued; with
# TASKS_BACKEND=django_tasks_db.DatabaseBackend tasks wait in the database for
# `manage.py db_worker` (bin/start runs one beside the server).
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}
}

# Importers: where to read snapshots of the public listings instead of the live
# web (a folder laid out like ../shared/data), and how to fetch politely.
PORTAL_SNAPSHOTS = env("PORTAL_SNAPSHOTS", default="") or None
PORTAL_USER_AGENT = env(
    "PORTAL_USER_AGENT",
    default="CoopPortalBot/0.1 (+https://github.com/coop-portal; directory of platform co-ops)",
)
PORTAL_HTTP_TIMEOUT = (
    env.float("PORTAL_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("PORTAL_HTTP_READ_TIMEOUT", default=30.0),
)
PORTAL_HTTP_MAX_BYTES = env.int("PORTAL_HTTP_MAX_BYTES", default=50 * 1024 * 1024)
# One fetch ends by this many seconds, however slowly the server drips its bytes; a
# Retry-After longer than PORTAL_HTTP_MAX_RETRY_AFTER (or than the time left) is not waited
# for: the fetch fails and says so.
PORTAL_HTTP_TOTAL_TIMEOUT = env.float("PORTAL_HTTP_TOTAL_TIMEOUT", default=60.0)
PORTAL_HTTP_MAX_RETRY_AFTER = env.float("PORTAL_HTTP_MAX_RETRY_AFTER", default=60.0)
# Imports started from the admin name their config; these folders hold configs beside
# importers/listings/ (a config's data is read from http(s) or PORTAL_SNAPSHOTS only).
PORTAL_IMPORT_CONFIG_DIRS = env.list("PORTAL_IMPORT_CONFIG_DIRS", default=[])
# Production never fetches private, loopback or link-local addresses; tests allow
# 127.0.0.1 (PORTAL_HTTP_PRIVATE_ALLOWLIST takes addresses or networks).
PORTAL_HTTP_ALLOW_PRIVATE = env.bool("PORTAL_HTTP_ALLOW_PRIVATE", default=False)
PORTAL_HTTP_PRIVATE_ALLOWLIST = env.list("PORTAL_HTTP_PRIVATE_ALLOWLIST", default=[])
PORTAL_HTTP_RETRIES = env.int("PORTAL_HTTP_RETRIES", default=3)
PORTAL_HTTP_BACKOFF = env.float("PORTAL_HTTP_BACKOFF", default=0.5)
# At least this many seconds between two requests to one host (robots.txt's
# Crawl-delay wins when longer).
PORTAL_HTTP_MIN_INTERVAL = env.float("PORTAL_HTTP_MIN_INTERVAL", default=1.0)
PORTAL_HTTP_OBEY_ROBOTS = env.bool("PORTAL_HTTP_OBEY_ROBOTS", default=True)
# Django's cache: per-process memory unless CACHE_URL names a shared one. Rate limits, API
# throttles and cached facet counts live here, so with several server processes set
# CACHE_URL=redis://127.0.0.1:6379/1 (or another shared cache) or each process counts alone.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
PORTAL_CACHE_DIR = Path(env("PORTAL_CACHE_DIR", default=str(VAR_DIR / "cache")))
PORTAL_MURMURATIONS_LIBRARY_URL = env(
    "PORTAL_MURMURATIONS_LIBRARY_URL", default="https://library.murmurations.network/v2"
)
PORTAL_CRAWL_MAX_BYTES = env.int("PORTAL_CRAWL_MAX_BYTES", default=2 * 1024 * 1024)
# The directory map's tiles ({s}, {z}, {x}, {y} as Leaflet takes them) and the credit they require.
# OpenStreetMap's own tiles suit light use only (its tile usage policy): set your provider here.
PORTAL_MAP_TILES_URL = env("PORTAL_MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
PORTAL_MAP_TILES_ATTRIBUTION = env(
    "PORTAL_MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Conditional requests (ETag / Last-Modified) against copies kept here.
PORTAL_HTTP_CACHE_DIR = env("PORTAL_HTTP_CACHE_DIR", default=str(PORTAL_CACHE_DIR / "http"))

# The open-data API (/api/v1/): read-only, anonymous, throttled per client address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("PORTAL_API_ANON_RATE", default="3000/hour"),
        "exports": env("PORTAL_API_EXPORT_RATE", default="60/hour"),  # whole-catalogue downloads
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Co-op Portal open data API",
    "DESCRIPTION": "Published entries of the platform co-op directory, its vocabularies and exports. "
    "Every entry lists the sources it comes from with their licence and attribution.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: nothing loads from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["directory.api.schema.only_open_data_api"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
