"""Settings for the commissioning decisions register.

One module, read from the environment. Every variable has a safe local default so that a
newcomer can run the project with nothing installed; a malformed value stops the start with a
message naming the variable rather than running half-configured.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(name: str, url: str | None) -> dict[str, Any]:
    """Turn DATABASE_URL into Django's DATABASES entry.

    Unset means the embedded SQLite file; postgres:// (or postgresql://) means PostgreSQL
    through psycopg 3 with its connection pool. Anything else is refused by name.
    """
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):  # sqlite:////absolute/path
            path = path[1:]
        elif path.startswith("/"):  # sqlite:///relative/path
            path = str(BASE_DIR / path[1:])
        if not path:
            raise ImproperlyConfigured(f"{name} names no SQLite file: {url!r}")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite://, not {parts.scheme or url!r}"
        )
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(f"{name} names no database: add /<name> to the URL")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number") from None
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    use_pool = options.pop("pool", "true").lower() not in {"0", "false", "no", "off"}
    # Fail fast: with the database gone, a request is answered 503 within a few seconds
    # rather than waiting for it (a load balancer must see answers, not timeouts).
    connect_timeout = envint("DATABASE_CONNECT_TIMEOUT", 2)
    # A connection attempt gives up after this many seconds (libpq's minimum is 2), even
    # when the server is gone without refusing it; the URL's own connect_timeout wins.
    options.setdefault("connect_timeout", connect_timeout)
    # So does a connection whose server stopped answering: sent data unacknowledged for as
    # long (milliseconds), or an idle connection whose keepalive probes go unanswered.
    options.setdefault("tcp_user_timeout", connect_timeout * 1000)
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 5)
    options.setdefault("keepalives_interval", 1)
    options.setdefault("keepalives_count", 3)
    # The only statements PostgreSQL plans ahead are the project's own prepared ones
    # (commissioning.speed.precompiled: Django binds parameters on the client). Left to
    # itself, PostgreSQL plans each of their first five runs on a connection afresh, and a
    # public record's version query has over twenty subqueries: planning it took four times
    # as long as running it, on every first request for a page or PDF. Their one generic
    # plan is as good (each looks a row up by its key), and is made once per connection.
    options.setdefault("options", "-c plan_cache_mode=force_generic_plan")
    config = {
        "ENGINE": "commissioning.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": options,
        # The pool keeps connections; Django must not keep its own on top of it.
        "CONN_MAX_AGE": 0,
    }
    if use_pool:
        options["pool"] = {
            "min_size": 1,
            "max_size": envint("DATABASE_POOL_MAX", 10),
            # A request waits at most this long for a connection, then gets a 503.
            "timeout": envint("DATABASE_POOL_TIMEOUT", 2),
            # The pool replaces a lost connection in the background, retrying with a delay
            # that doubles each time (1 s, 2 s, 4 s...), so the service came back up to 10 s
            # after the database. Giving up after a second instead, the next request that
            # finds no connection starts a new attempt at once: while requests come, one is
            # made about every second, and the service is back within that of the database.
            "reconnect_timeout": 1,
        }
        # Every connection is checked as it leaves the pool: one kept idle through the
        # database's restart is dead, and is replaced instead of failing a request after the
        # database is back (commissioning.postgresql.base.check_unless_quiet).
        config["CONN_HEALTH_CHECKS"] = True
    return config


DEBUG = envbool("DEBUG", False)

# Production sets DJANGO_ENV=production: that makes SECRET_KEY compulsory and turns on the
# HTTPS-only settings below. Anything else is a laptop, CI or the test suite, served over
# plain HTTP.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV is production")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION or (not DEBUG and envbool("REQUIRE_SECRET_KEY", False)):
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV is production")
    # Good enough for a laptop and for tests; production sets its own.
    # A fixed placeholder for development only (ruff S105): production sets its own.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "commissioning",
    "contracts",
    "decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "commissioning.middleware.AllowedMethodsMiddleware",
    "commissioning.middleware.ControlCharactersMiddleware",
    # Outside sessions and CSRF, so that it sees the cookies they set; it reads who is signed
    # in from the request, which authentication has marked by then.
    "commissioning.middleware.CachingHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After CSRF, authentication and messages: a create form already saved is answered with
    # what it created, before the view runs.
    "commissioning.once.SubmitOnceMiddleware",
    "commissioning.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commissioning.urls"
WSGI_APPLICATION = "commissioning.wsgi.application"

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
                "commissioning.context_processors.site",
            ],
            "builtins": ["commissioning.templatetags.dates"],
        },
    },
]

# Plain inputs and text areas drawn in Python, the same markup as Django's templates draw.
FORM_RENDERER = "commissioning.speed.renderers.OnePassRenderer"

DATABASES = {"default": database_from_url("DATABASE_URL", os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's roles and permissions with the user.
    "commissioning.roles.RegisterBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workspace/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# How often the decision editor keeps a copy of unsaved changes on the server, in seconds.
EDITOR_AUTOSAVE_SECONDS = envint("EDITOR_AUTOSAVE_SECONDS", 30)

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# In production WhiteNoise serves STATIC_ROOT (filled by `manage.py collectstatic`) from the
# app servers themselves; elsewhere runserver and the test server serve the files in place.
if PRODUCTION:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# Uploaded appendices go through the storage API: a local folder outside the static root by
# default; production swaps the backend (object storage) with STORAGE_BACKEND.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: the console (what `make run` shows) unless an SMTP server is named. EMAIL_USE_TLS is
# STARTTLS (usually port 587), EMAIL_USE_SSL a TLS connection from the start (usually 465).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# A slow mail server is given this long before the send fails.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "decisions@opcc.example")
# The worker sends at most this many e-mails a second (0: as fast as it can): the alerts of one
# publication to a thousand readers take 25 s at 40, and never flood the mail server.
EMAIL_MAX_PER_SECOND = envint("EMAIL_MAX_PER_SECOND", 40)

# Background work (e-mail, rendering, rebuilding exports) goes on a queue kept in the database
# and is run by `manage.py run_worker` (see the README, "Background work"). TASKS_BACKEND may
# name django_tasks.backends.immediate.ImmediateBackend to run each job as it is queued.
# The exports have a queue of their own, and a worker of their own (commissioning.background).
TASK_QUEUES = ["default", "exports"]
# The workers run at this much lower CPU priority than the web server (nice(1), 0 to 19), so
# that sending a thousand alerts or rebuilding the exports never slows a reader's page: on a
# busy machine the pages come first, and the background work takes the time left over. The
# exports' worker comes last, after the alerts (a download asked for before its rebuild is
# done is built in the request).
WORKER_NICENESS = envint("WORKER_NICENESS", 10)
EXPORTS_WORKER_NICENESS = envint("EXPORTS_WORKER_NICENESS", 19)
# And in Linux's idle scheduling class (chrt --idle): it runs only on a CPU nothing else wants,
# and gives it up the moment a page's request does. At nice 19 alone, a rebuild beside a busy
# web server still lengthened its slowest pages.
EXPORTS_WORKER_IDLE = envbool("EXPORTS_WORKER_IDLE", True)
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}

# What the site calls itself. Each office sets its own name.
OFFICE_NAME = os.environ.get(
    "OFFICE_NAME", "Office of the Police and Crime Commissioner for Warwickshire"
)
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Commissioning decisions")
SERVICE_PHASE = os.environ.get("SERVICE_PHASE", "Beta")
# Open Contracting Data Standard: the ocid prefix the Open Contracting Partnership registered
# for the office ("ocds-" and six letters or digits). Away from production an unset prefix is
# the test prefix below, which says plainly that the data is not an office's own; production
# never publishes OCDS without a registered prefix (the deploy check and the OCDS address
# refuse it: contracts/ocds.py).
OCDS_TEST_PREFIX = "ocds-test00"
OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "").strip() or ("" if PRODUCTION else OCDS_TEST_PREFIX)
if OCDS_PREFIX and not re.fullmatch(r"ocds-[a-z0-9]{6}", OCDS_PREFIX):
    raise ImproperlyConfigured(
        f"OCDS_PREFIX must be ocds- and six lower-case letters or digits, like ocds-b5fd17, "
        f"not {OCDS_PREFIX!r}"
    )

# Rendered public PDFs and public pages are cached under keys naming their content. One process
# keeps them in memory. Several processes on one machine can share a folder (CACHE_DIR).
# Several app servers share a Redis (REDIS_URL, e.g. redis://10.0.0.5:6379/1; REDIS_URL wins
# if both are set); CACHE_KEY_PREFIX keeps one site's keys apart from another's in it. A Redis
# that stops answering is given a second, so that requests fail rather than hang.
CACHE_DIR = os.environ.get("CACHE_DIR", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# PDF renders are bounded (decisions/pdf.py): a request waits at most PDF_QUEUE_SECONDS for its
# turn to render, a large record's render is stopped after PDF_RENDER_SECONDS, and a render
# that failed is answered 503 for PDF_FAILURE_SECONDS without being tried again.
PDF_QUEUE_SECONDS = envint("PDF_QUEUE_SECONDS", 5)
PDF_RENDER_SECONDS = envint("PDF_RENDER_SECONDS", 20)
PDF_FAILURE_SECONDS = envint("PDF_FAILURE_SECONDS", 600)
# How old, in seconds, the version of a public page may be when a reader who is not signed in
# is answered (commissioning.speed.kept.RecentAnswers): a change to a published decision, its
# withdrawal included, reaches every public reader within this time. 0 reads it afresh for
# every request. Signed-in staff always get it afresh.
PUBLIC_FRESHNESS_SECONDS = envint("PUBLIC_FRESHNESS_SECONDS", 1)

# With a shared cache, sessions are read from it in front of the database (every signed-in
# page reads its session; a cache read is cheaper than a query). A cache of one process
# cannot do this: signing out in one worker would not reach the copy in another.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL or CACHE_DIR
    else "django.contrib.sessions.backends.db"
)

# The audit log's head (count and hash) is written outside the database as each entry commits:
# always as a log line, and appended to this file where it is set (commissioning/audit.py).
AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE", "")

# Where the site is reached, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Security -------------------------------------------------------------------------------
# Headers sent everywhere, whatever the environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: the page frame has no inline script or style, and nothing
# is loaded from elsewhere. (Public appendix downloads send their own "sandbox" policy.)
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sessions last a working day at most and end when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Sign-in lockout (django-axes): five failures for one username from one address lock that
# pair out for 30 minutes. A successful sign-in clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy the client's address is in X-Forwarded-For. TRUSTED_PROXY_COUNT says
# how many proxies (each appending to that header) sit in front of the app; 0, the default,
# means clients connect directly and REMOTE_ADDR is theirs.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "commissioning.middleware.client_ip_address"
AXES_USERNAME_CALLABLE = "commissioning.middleware.sign_in_username"

if PRODUCTION:
    # Served only over HTTPS, behind a reverse proxy that terminates TLS.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment for the whole domain that is hard to undo; each office decides
    # for itself with its domain's owner, so it is off and its deploy-check warning silenced.
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # The header the proxy sets to say the original request was HTTPS, e.g.
    # "HTTP_X_FORWARDED_PROTO=https". Only set it if the proxy always overwrites that header.
    _proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
    if _proxy_ssl_header:
        _header, _, _value = _proxy_ssl_header.partition("=")
        if not _header or not _value:
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO=https"
            )
        SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
    CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
