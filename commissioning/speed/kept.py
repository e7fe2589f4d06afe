"""Values whose cache key names their content, kept in this process too.

A public page or PDF is cached under a key made from its version or from a hash of what it
shows, so the value under a key never changes: a new version has a new key. Reading one from
the shared cache still costs a file read, unpickling and decompressing on every request
(for a PDF, a large part of the request). Such values are also kept here, in memory, up to a
budget, the least recently used going first. This is only for immutable, content-addressed
keys; anything else goes to `django.core.cache` alone.
"""

import functools
import hashlib
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import setting_changed
from django.dispatch import receiver

BUDGET_BYTES = 64 * 1024 * 1024


class ProcessMemo:
    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.values: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def weight(value: object) -> int:
        return len(value) if isinstance(value, bytes | str) else sys.getsizeof(value)

    def get(self, key: str) -> object:
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: str, value: object) -> None:
        weight = self.weight(value)
        if weight > self.budget:
            return
        with self.lock:
            if key in self.values:
                return
            self.values[key] = value
            self.size += weight
            while self.size > self.budget:
                _old, dropped = self.values.popitem(last=False)
                self.size -= self.weight(dropped)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.size = 0


memo = ProcessMemo(BUDGET_BYTES)


class RecentAnswers:
    """Answers that may be up to a few seconds old, kept in this process.

    A public page asks the database for its record's version on every request (one query),
    a large part of the time of a page served from the cache. Readers who are not signed
    in may be given an answer read in the last `seconds` instead: on a busy day the database
    is asked once a second per process for a popular decision, not once per reader, and a
    change reaches every reader within that second. At most `limit` answers are kept; when
    that is reached they are all dropped and read afresh.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.answers: dict[str, tuple[float, object]] = {}
        self.lock = threading.Lock()

    def get(self, key: str, seconds: float, read: Callable[[], Any]) -> Any:
        if seconds <= 0 or _switched_off():
            return read()
        now = time.monotonic()
        with self.lock:
            kept_answer = self.answers.get(key)
        if kept_answer is not None and kept_answer[0] > now:
            return kept_answer[1]
        answer = read()
        if answer is not None:
            with self.lock:
                if len(self.answers) >= self.limit:
                    self.answers.clear()
                self.answers[key] = (now + seconds, answer)
        return answer

    def clear(self) -> None:
        with self.lock:
            self.answers.clear()


recent = RecentAnswers(limit=50_000)


@functools.cache
def templates_fingerprint() -> str:
    """A hash of every template, taken once per process: a deploy that changes how pages look
    starts new processes, and what they keep is under new keys."""
    digest = hashlib.sha256()
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _switched_off() -> bool:
    # With caching switched off (a DummyCache), nothing is kept here either.
    return isinstance(caches["default"], DummyCache)


def get(key: str) -> Any:
    """The value under a content-addressed key: from this process, else the shared cache."""
    if _switched_off():
        return None
    value = memo.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            memo.put(key, value)
    return value


def put(key: str, value: object, timeout: int | None) -> None:
    cache.set(key, value, timeout)
    if not _switched_off():
        memo.put(key, value)


@receiver(setting_changed)
def forget_on_new_caches(*, setting: str, **kwargs: object) -> None:
    """Another cache configured (as tests do) starts this process's copies afresh."""
    if setting == "CACHES":
        memo.clear()
        recent.clear()


def get_here(key: str) -> Any:
    """The value under a content-addressed key if this process keeps it (not the shared
    cache: for a value with a cheaper home of its own, such as a stored file)."""
    return None if _switched_off() else memo.get(key)


def put_here(key: str, value: object) -> None:
    """Keep a content-addressed value in this process only."""
    if not _switched_off():
        memo.put(key, value)
