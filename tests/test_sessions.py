"""Sessions: in the database, and read through the cache when every app server shares one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from commissioning.roles import Role
from tests.factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def session_engine(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "CACHE_DIR"} | env
    result = subprocess.run(  # noqa: S603 (a fixed command line, no shell)
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SESSION_ENGINE)",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_sessions_go_through_the_cache_only_when_it_is_shared(tmp_path):
    assert session_engine() == "django.contrib.sessions.backends.db"
    assert session_engine(CACHE_DIR=str(tmp_path)) == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_signing_out_ends_the_session_for_every_worker_sharing_the_cache(tmp_path):
    """Two clients with the same cookie stand for two workers: one signs out, and the
    other's next page asks for signing in again."""
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    engine = "django.contrib.sessions.backends.cached_db"
    with override_settings(CACHES=shared, SESSION_ENGINE=engine):
        officer = UserFactory(roles=[Role.OFFICER])
        first = Client()
        first.force_login(officer)
        second = Client()
        second.cookies = first.cookies
        assert second.get("/workspace/decisions/").status_code == 200

        first.post("/accounts/logout/")
        again = second.get("/workspace/decisions/")

    assert again.status_code == 302
    assert again.headers["Location"].startswith("/accounts/login/")
