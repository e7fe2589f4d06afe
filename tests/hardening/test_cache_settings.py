"""The cache is chosen by the environment: Redis shared by several app servers (REDIS_URL), a
folder shared by the processes of one machine (CACHE_DIR), or each process's own memory."""

import json

from tests.hardening.test_deploy_settings import manage

REDIS = "django.core.cache.backends.redis.RedisCache"
FOLDER = "django.core.cache.backends.filebased.FileBasedCache"
MEMORY = "django.core.cache.backends.locmem.LocMemCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
DB = "django.contrib.sessions.backends.db"


def chosen(**env: str) -> tuple[dict, str]:
    """The default cache's settings and the session engine, as a process started with `env`
    sees them. Both variables are always given, so that the caller's environment does not
    decide."""
    env = {"REDIS_URL": "", "CACHE_DIR": "", "CACHE_KEY_PREFIX": "", **env}
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    cache, engine = json.loads(result.stdout.strip().splitlines()[-1])
    return cache, engine


def test_redis_url_selects_djangos_redis_cache_and_sessions_through_it():
    cache, engine = chosen(REDIS_URL="redis://10.0.0.5:6379/1", CACHE_KEY_PREFIX="opcc")

    assert cache["BACKEND"] == REDIS
    assert cache["LOCATION"] == "redis://10.0.0.5:6379/1"
    assert cache["KEY_PREFIX"] == "opcc"
    assert engine == CACHED_DB


def test_redis_url_wins_over_a_cache_folder(tmp_path):
    cache, _ = chosen(REDIS_URL="redis://10.0.0.5:6379/1", CACHE_DIR=str(tmp_path))

    assert cache["BACKEND"] == REDIS


def test_without_redis_url_the_cache_folder_still_works(tmp_path):
    cache, engine = chosen(CACHE_DIR=str(tmp_path))

    assert (cache["BACKEND"], cache["LOCATION"]) == (FOLDER, str(tmp_path))
    assert engine == CACHED_DB


def test_with_neither_each_process_keeps_its_own():
    cache, engine = chosen()

    assert cache["BACKEND"] == MEMORY
    assert engine == DB


def test_a_redis_that_cannot_be_reached_answers_503_not_a_server_error(client, settings, db):
    """While the shared cache is gone, a page that needs it says "try again shortly"."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": REDIS,
            # Nothing listens on port 1: every connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caches["default"].close()

    response = client.get("/decisions/")

    assert response.status_code == 503
    assert response["Retry-After"]
