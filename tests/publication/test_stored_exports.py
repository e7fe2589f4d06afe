"""The full public downloads are rebuilt by the worker when the data change, kept in the
storage and served from there; a filtered download, or one whose stored copy is not of the
data's current version, is built in the request, so a reader never gets an older file."""

import dataclasses
import json

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks_db.models import DBTaskResult

from commissioning import stored_exports
from commissioning.speed import kept
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

FULL = ["/decisions.json", "/contracts.csv", "/contracts.json", "/contracts/ocds.json"]
DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}
}


def stored_files() -> dict[str, bytes]:
    files = {}
    for stored in stored_exports.registered():
        try:
            names = default_storage.listdir(stored.folder())[1]
        except FileNotFoundError:
            continue
        for name in names:
            if not name.endswith(stored_exports.READY_SUFFIX):
                with default_storage.open(f"{stored.folder()}/{name}") as file:
                    files[f"{stored.key}/{name}"] = file.read()
    return files


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def forget_set_up_callbacks() -> None:
    """The test's transaction never commits, so what its set-up queued for the commit (the
    category's rebuild) never runs, and would stand for the rebuild a later change asks for
    (stored_exports.rebuild_soon asks once per transaction)."""
    connection.run_on_commit.clear()


@pytest.fixture
def published(make_decision, category, officer, django_capture_on_commit_callbacks):
    forget_set_up_callbacks()
    with django_capture_on_commit_callbacks(execute=True):
        ContractFactory(reference="OPCC-C-STORED")
        make_decision(reference="WPCC3-0058", title="Stored export decision", publish_by=officer)
    kept.recent.clear()


def test_publishing_stores_every_full_download_and_readers_get_the_stored_copy(
    published, member_of_public
):
    assert len(stored_files()) == len(stored_exports.registered())

    for path in FULL:
        response = member_of_public.get(path)
        assert response.status_code == 200, path
        assert response.streaming, f"{path} was built in the request"
        assert response["ETag"] and response["Last-Modified"], path
        again = member_of_public.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path

    csv_response = member_of_public.get("/contracts.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == 'attachment; filename="contracts.csv"'
    assert b"OPCC-C-STORED" in body(csv_response)
    decisions = json.loads(body(member_of_public.get("/decisions.json")))
    assert member_of_public.get("/decisions.json")["Content-Type"] == "application/json"
    assert [item["reference"] for item in decisions["decisions"]] == ["WPCC3-0058"]
    assert decisions["source"].endswith("/decisions.json")


def test_a_change_not_yet_rebuilt_is_served_built_in_the_request_and_queues_a_rebuild(
    published,
    member_of_public,
    make_decision,
    officer,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DATABASE_QUEUE  # the worker has not run yet
    forget_set_up_callbacks()
    with django_capture_on_commit_callbacks(execute=True):
        make_decision(reference="WPCC3-0059", publish_by=officer)
        ContractFactory(reference="OPCC-C-NEWER")
    assert DBTaskResult.objects.filter(task_path__endswith="rebuild_exports").count() == 1

    forget_set_up_callbacks()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_of_public.get("/decisions.json")
        csv_response = member_of_public.get("/contracts.csv")

    assert not response.streaming and not csv_response.streaming
    references = [item["reference"] for item in response.json()["decisions"]]
    assert sorted(references) == ["WPCC3-0058", "WPCC3-0059"]
    assert b"OPCC-C-NEWER" in csv_response.content
    # One rebuild waits on the queue, however many changes and readers asked for one.
    queued = DBTaskResult.objects.filter(task_path__endswith="rebuild_exports")
    assert queued.count() == 1

    stored_exports.rebuild_exports.call()
    kept.recent.clear()
    assert member_of_public.get("/decisions.json").streaming
    assert b"OPCC-C-NEWER" in body(member_of_public.get("/contracts.csv"))
    # The older copies are gone from the storage.
    assert len(stored_files()) == len(stored_exports.registered())


def test_a_filtered_download_is_built_in_the_request(published, member_of_public):
    response = member_of_public.get("/contracts.csv", {"q": "nothing matches this"})

    assert not response.streaming
    assert b"OPCC-C-STORED" not in response.content
    assert not member_of_public.get("/decisions.json", {"category": "none"}).streaming


def test_ocds_with_nothing_published_is_not_found_from_the_stored_copy(
    member_of_public, django_capture_on_commit_callbacks
):
    stored_exports.rebuild_exports.call()

    response = member_of_public.get("/contracts/ocds.json")

    assert response.status_code == 404
    assert "No contract or procurement has been published yet" in response.content.decode()


def test_a_copy_made_by_code_of_another_layout_is_not_served_as_the_current_one():
    # An install upgraded to new columns rebuilds its files rather than serve the old ones.
    stored = stored_exports.export("contracts-csv")
    newer = dataclasses.replace(stored, layout=stored.layout + 1)

    assert newer.name("same data") != stored.name("same data")
