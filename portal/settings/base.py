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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
    # WAL lets the site read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
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
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"},
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
PORTAL_CACHE_DIR = Path(env("PORTAL_CACHE_DIR", default=str(VAR_DIR / "cache")))
PORTAL_MURMURATIONS_LIBRARY_URL = env(
    "PORTAL_MURMURATIONS_LIBRARY_URL", default="https://library.murmurations.network/v2"
)
PORTAL_CRAWL_MAX_BYTES = env.int("PORTAL_CRAWL_MAX_BYTES", default=2 * 1024 * 1024)
# Conditional requests (ETag / Last-Modified) against copies kept here.
PORTAL_HTTP_CACHE_DIR = env("PORTAL_HTTP_CACHE_DIR", default=str(PORTAL_CACHE_DIR / "http"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
