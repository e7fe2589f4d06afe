"""The public exports at their full size, built by the background worker and kept in the storage.

An app names each of its exports once (`register`, from its AppConfig.ready): a key, its
content type and file name, a function giving the version of the data it is made from, and
one building its whole content (every published record, no filter). The worker's job
`rebuild_exports` builds each export whose stored copy is not of the current version and keeps
it in the storage (the same storage as appendices), under a name made from that version; the
views serve that copy (`stored_response`), so that the full files cost a reader no more than
reading a file.

Nothing is ever served out of date: the view works out the data's version (it does so for its
ETag anyway) and asks for the copy of that version. If there is none yet (the worker has not
caught up, or is away), the view builds the file in the request as before and queues a rebuild
(`rebuild_soon`). A filtered download (one with a query string) is always built in the request.

Rebuilds are coalesced: a change to the data queues one rebuild once its transaction commits,
unless one is already waiting on the queue; a run that finds an export already current leaves
it alone. Each copy is written first and then marked ready by a small second file, so that a
reader never sees a copy half written; older copies of an export are deleted once a newer one
is ready.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.http import FileResponse
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import TaskResultStatus

from commissioning.background import EXPORTS_QUEUE, READERS_FIRST, retried

logger = logging.getLogger(__name__)

STORED_FOLDER = "public-exports"
READY_SUFFIX = ".ready"


@dataclass(frozen=True)
class StoredExport:
    """One export kept in the storage. `version` and `build` are dotted paths to functions of
    no arguments, imported when first used (so that registering one imports nothing)."""

    key: str  # a name for the storage's folder: letters, digits and hyphens
    extension: str  # "csv", "json"
    content_type: str
    version: str  # -> str: changes whenever the content can have changed
    build: str  # -> bytes: the whole content
    # Raised whenever the code changes what the file holds (a column, a key): an install
    # upgraded to the new code then never serves a copy the old code made of the same data.
    layout: int = 1

    def current_version(self) -> str:
        version: str = import_string(self.version)()
        return version

    def content(self) -> bytes:
        content: bytes = import_string(self.build)()
        return content

    def folder(self) -> str:
        return f"{STORED_FOLDER}/{self.key}"

    def name(self, version: str) -> str:
        """Where the copy of `version` is kept. The settings printed in the files (the site's
        address, the office's name, the OCDS prefix) are part of it: a changed setting is a
        new version, and so is a new layout of the file."""
        printed = [settings.SITE_URL, settings.OFFICE_NAME, getattr(settings, "OCDS_PREFIX", "")]
        named = [self.key, f"layout {self.layout}", version, *printed]
        digest = hashlib.sha256("|".join(named).encode()).hexdigest()
        return f"{self.folder()}/{digest}.{self.extension}"

    def etag(self, version: str) -> str:
        return hashlib.sha256(self.name(version).encode("utf-8")).hexdigest()


_EXPORTS: dict[str, StoredExport] = {}


def register(export: StoredExport) -> None:
    _EXPORTS[export.key] = export


def export(key: str) -> StoredExport:
    return _EXPORTS[key]


def registered() -> list[StoredExport]:
    return list(_EXPORTS.values())


def stored_response(key: str, version: str) -> FileResponse | None:
    """The stored copy of export `key` at `version`, as a response with its content type; None
    if there is no ready copy of that version (the caller builds the file and calls
    `rebuild_soon`)."""
    stored = _EXPORTS[key]
    name = stored.name(version)
    try:
        if not default_storage.exists(name + READY_SUFFIX):
            return None
        file = default_storage.open(name, "rb")
    except OSError:  # deleted between the two, or the storage is away: built in the request
        return None
    return FileResponse(file, content_type=stored.content_type)


def store(stored: StoredExport) -> bool:
    """Build and keep export `stored` unless a ready copy of the current version is kept
    already; whether it was built. The version is read before the content is built, so that a
    change made while it is built makes the copy out of date, never one newer than its name."""
    version = stored.current_version()
    name = stored.name(version)
    if default_storage.exists(name + READY_SUFFIX):
        return False
    content = stored.content()
    if default_storage.exists(name):  # a copy left half written by a run that stopped
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another run saved it first: theirs is the same content
        default_storage.delete(saved)
    default_storage.save(name + READY_SUFFIX, ContentFile(b""))
    _delete_older(stored, keep=name)
    logger.info("Stored %s (%d bytes) as %s", stored.key, len(content), name)
    return True


def _delete_older(stored: StoredExport, keep: str) -> None:
    """Every other copy of this export: older versions (and their ready marks)."""
    try:
        _, files = default_storage.listdir(stored.folder())
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        path = f"{stored.folder()}/{file}"
        # The mark first, so that no reader takes a copy about to go for a ready one.
        if path.endswith(READY_SUFFIX) and path != keep + READY_SUFFIX:
            default_storage.delete(path)
    for file in files:
        path = f"{stored.folder()}/{file}"
        if not path.endswith(READY_SUFFIX) and path != keep:
            default_storage.delete(path)


@task(priority=READERS_FIRST, queue_name=EXPORTS_QUEUE)
def rebuild_exports(attempt: int = 1) -> None:
    """Build and store every export whose stored copy is not of the current version."""
    with retried(rebuild_exports, attempt):
        for stored in registered():
            store(stored)


def _rebuild_waiting() -> bool:
    """Whether a rebuild is already waiting on the database queue (not one already running:
    that one may have read the data before the change that asks for another)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(rebuild_exports.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=rebuild_exports.module_path, status=TaskResultStatus.READY
    ).exists()


def _queue_rebuild() -> None:
    if not _rebuild_waiting():
        rebuild_exports.enqueue()


def rebuild_soon() -> None:
    """Queue one rebuild of the exports once the current transaction commits (at once outside
    one), unless this transaction has asked already or one is waiting on the queue."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _queue_rebuild for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_queue_rebuild)


def connect(*models: type[Model], when: Callable[[object], bool] | None = None) -> None:
    """Queue a rebuild whenever one of `models` is saved, deleted or has its links changed
    (when `when(instance)` holds, if given)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def receiver(sender: type, instance: object = None, **signal_arguments: object) -> None:
        if when is None or when(instance):
            rebuild_soon()

    for model in models:
        uid = f"stored_exports:{model._meta.label}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(receiver, sender=through, weak=False, dispatch_uid=f"{uid}:{field}")
