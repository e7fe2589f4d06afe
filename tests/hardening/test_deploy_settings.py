"""Production settings come from the environment and pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Variables each run sets for itself; DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in
# this process and would (rightly) fail the deployment checklist.
SET_HERE = {
    "SECRET_KEY",
    "DJANGO_ENV",
    "DEBUG",
    "ALLOWED_HOSTS",
    "OCDS_PREFIX",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in SET_HERE}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (a fixed command line, no shell)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "register.example",
        "DEBUG": "false",
        "OCDS_PREFIX": "ocds-check0",
    }
    env.update(overrides)
    return env


def test_the_deployment_checklist_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("prefix", ["", "ocds-test00"], ids=["unset", "test-prefix"])
def test_the_deployment_check_fails_in_production_without_a_registered_ocid_prefix(prefix):
    """The OCDS data names every release by the office's registered prefix: production with
    none (or with the demo's test prefix) would publish made-up identifiers."""
    result = manage("check", "--deploy", **production_env(OCDS_PREFIX=prefix))

    assert result.returncode != 0
    assert "contracts.E001" in result.stderr
    assert "OCDS_PREFIX is not set to the office's registered ocid prefix" in result.stderr


def test_a_malformed_ocid_prefix_stops_the_start_by_name():
    result = manage("check", OCDS_PREFIX="ocds-xxxxxx-extra")

    assert result.returncode != 0
    assert "OCDS_PREFIX must be ocds- and six" in result.stderr


def session_engine(cache_dir: str) -> str:
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = manage("shell", "-c", code, CACHE_DIR=cache_dir)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_sessions_go_through_the_cache_only_when_it_is_shared(tmp_path):
    assert session_engine("") == "django.contrib.sessions.backends.db"
    assert session_engine(str(tmp_path)) == "django.contrib.sessions.backends.cached_db"


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = manage("check", **production_env(DEBUG="true"))

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_an_unknown_environment_name_is_refused_by_name():
    result = manage("check", DJANGO_ENV="staging")

    assert result.returncode != 0
    assert "DJANGO_ENV must be development or production" in result.stderr


def test_production_settings_are_https_only():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " list(s.SECURE_PROXY_SSL_HEADER), s.CSRF_TRUSTED_ORIGINS,"
        " s.MIDDLEWARE[1]]))"
    )
    env = {key: value for key, value in os.environ.items() if key not in SET_HERE}
    env.update(
        production_env(
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https",
            CSRF_TRUSTED_ORIGINS="https://register.example",
            DJANGO_SETTINGS_MODULE="commissioning.settings",
        )
    )

    result = subprocess.run(  # noqa: S603 (a fixed command line, no shell)
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        '[true, true, true, 31536000, true, false, ["HTTP_X_FORWARDED_PROTO", "https"],'
        ' ["https://register.example"], "whitenoise.middleware.WhiteNoiseMiddleware"]'
    )


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client):
    response = client.get("/decisions/")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT"])
def test_unused_methods_are_refused(client, method):
    response = client.generic(method, "/decisions/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_reading_methods_are_allowed(client, method):
    assert getattr(client, method)("/decisions/").status_code == 200


def test_sessions_end_after_a_working_day_or_when_the_browser_closes(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
