from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Run background tasks (search index updates) at once, inside the test's transaction.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,
    }
}
# Tests read snapshots only when a test sets them; never the developer's environment.
PORTAL_SNAPSHOTS = None
# Tests serve files on 127.0.0.1 only: allow that, and nothing else private.
PORTAL_HTTP_ALLOW_PRIVATE = False
PORTAL_HTTP_PRIVATE_ALLOWLIST = ["127.0.0.1/32"]
PORTAL_HTTP_MIN_INTERVAL = 0
PORTAL_HTTP_BACKOFF = 0.01
PORTAL_HTTP_CACHE_DIR = ""  # no cache unless a test sets one
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/coop-portal-test-media")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
