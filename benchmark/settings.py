"""Settings for `make bench` only: the project's settings, served as production would be, plus
the benchmark's floor views (benchmark.urls), a query-count header, whitenoise serving the
reference static files the benchmark writes into .bench/static, and the `benchmark` app for
its `bench` and `bench_seed` commands."""

from commissioning.settings import *  # noqa: F403
from commissioning.settings import BASE_DIR, INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "benchmark"]

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmark.urls"

BENCH_DIR = BASE_DIR / ".bench"
STATIC_ROOT = BENCH_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

_WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
_SECURITY = "django.middleware.security.SecurityMiddleware"
MIDDLEWARE = [name for name in MIDDLEWARE if name != _WHITENOISE]
MIDDLEWARE.insert(MIDDLEWARE.index(_SECURITY) + 1, _WHITENOISE)
MIDDLEWARE.insert(0, "benchmark.middleware.QueryCountMiddleware")
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Several gunicorn workers share rendered PDFs through one cache folder, as several app
# servers would in production.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BENCH_DIR / "cache"),
    }
}
# A cache every worker shares, as CACHE_DIR is in production: sessions are read through it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
