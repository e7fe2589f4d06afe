"""Content-addressed pages and PDFs are kept in the process as well as the shared cache."""

from django.core.cache import cache

from commissioning.speed import kept
from commissioning.speed.kept import ProcessMemo


def test_a_kept_value_is_read_without_the_shared_cache():
    kept.put("public-pdf:abc", b"%PDF-1.7 the document", None)
    cache.delete("public-pdf:abc")

    assert kept.get("public-pdf:abc") == b"%PDF-1.7 the document"


def test_a_value_only_in_the_shared_cache_is_found_and_then_kept():
    cache.set("public-decision:xyz", b"<html>page</html>")

    assert kept.get("public-decision:xyz") == b"<html>page</html>"
    cache.delete("public-decision:xyz")
    assert kept.get("public-decision:xyz") == b"<html>page</html>"


def test_the_least_recently_used_go_first_when_over_budget():
    memo = ProcessMemo(budget=10)
    memo.put("a", b"aaaa")
    memo.put("b", b"bbbb")
    assert memo.get("a") == b"aaaa"  # now the most recently used
    memo.put("c", b"cccc")

    assert memo.get("b") is None
    assert memo.get("a") == b"aaaa"
    assert memo.get("c") == b"cccc"
    memo.put("huge", b"x" * 11)
    assert memo.get("huge") is None


def test_nothing_is_kept_with_caching_switched_off(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    kept.put("public-pdf:def", b"%PDF", None)

    assert kept.get("public-pdf:def") is None


def test_recent_answers_are_read_again_after_their_time_and_bounded(monkeypatch):
    now = [50.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    answers = kept.RecentAnswers(limit=2)
    reads = []

    def read(value):
        def reader():
            reads.append(value)
            return value

        return reader

    assert answers.get("a", 1, read("a1")) == "a1"
    assert answers.get("a", 1, read("a2")) == "a1"
    now[0] += 1.5
    assert answers.get("a", 1, read("a3")) == "a3"
    answers.get("b", 1, read("b1"))
    answers.get("c", 1, read("c1"))  # the limit is reached: everything kept goes
    assert answers.get("a", 1, read("a4")) == "a4"
    assert reads == ["a1", "a3", "b1", "c1", "a4"]
    assert answers.get("z", 0, read("z1")) == "z1"
    assert answers.get("z", 0, read("z2")) == "z2"  # no time at all: read every time
