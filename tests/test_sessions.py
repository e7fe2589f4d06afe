"""Sessions read through a shared cache (tests/hardening/test_deploy_settings.py checks when
the settings choose that) still end for every worker when one signs out."""

import pytest
from django.test import Client, override_settings

from commissioning.roles import Role
from tests.factories import UserFactory


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
