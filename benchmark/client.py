"""A small HTTP client for the benchmark: timed requests to 127.0.0.1 with http.client, and a
bounded load run with threads. No dependency beyond the standard library."""

import http.client
import math
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Sample:
    status: int
    seconds: float
    queries: int | None
    size: int
    headers: dict
    body: bytes = b""


@dataclass
class Measure:
    """Timings of one page: median, p95, queries per request, requests per second."""

    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000 if self.samples else 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(self.times, 95) * 1000

    @property
    def queries(self) -> int | None:
        counts = {s.queries for s in self.samples}
        return max(c for c in counts if c is not None) if counts - {None} else None

    @property
    def rps(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0

    @property
    def statuses(self) -> list[int]:
        return sorted({s.status for s in self.samples})

    def as_dict(self) -> dict:
        return {
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "queries": self.queries,
            "rps": round(self.rps, 1),
            "statuses": self.statuses,
            "bytes": self.samples[-1].size if self.samples else 0,
            "n": len(self.samples),
        }


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


class Client:
    """One keep-alive connection to the bench server, with an optional session cookie."""

    def __init__(self, port: int, cookies: dict | None = None, timeout: float = 60):
        self.port = port
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.connection = None

    def _connect(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        return self.connection

    def request(self, method: str, path: str, body: str | None = None, headers=None) -> Sample:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                connection = self._connect()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise
        seconds = time.perf_counter() - started
        received = {k.lower(): v for k, v in response.getheaders()}
        if self.cookies:  # a signed-in client keeps the cookies it is given, as a browser
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";")[0].partition("=")
                if value and "max-age=0" not in cookie.lower():
                    self.cookies[name.strip()] = value.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        count = received.get("x-query-count")
        return Sample(
            response.status, seconds, int(count) if count else None, len(data), received, data
        )

    def get(self, path: str, headers=None) -> Sample:
        return self.request("GET", path, headers=headers)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def measure(
    client: Client,
    path: str,
    count: int,
    headers=None,
    warm: int = 2,
    budget: float = 20.0,
    settle: float = 0.0,
) -> Measure:
    """`count` timed requests after `warm` untimed ones; a slow page stops after `budget`
    seconds (with at least three samples), so that one slow page cannot hold up the run.
    `settle`: seconds to wait after the warm requests, so that what the server keeps for a
    moment (a public page's version) has run out and the first timed request reads it."""
    for _ in range(warm):
        client.get(path, headers=headers)
    time.sleep(settle)
    result = Measure()
    started = time.perf_counter()
    for _ in range(count):
        result.samples.append(client.get(path, headers=headers))
        if len(result.samples) >= 3 and time.perf_counter() - started > budget:
            break
    result.elapsed = time.perf_counter() - started
    return result


def measure_turns(pages: list, count: int, warm: int = 2, settle: float = 0.0) -> list:
    """Pages, each (client, path), timed in turns request by request: a page at both sizes
    and the reference it is compared with. Timed one after the other, a change in the
    machine's speed between them (another process waking, the processor's clock) moved a
    ratio by a tenth or more, and once every ratio of the large size to the small by half;
    in turns, it falls on all of them alike. `settle` as for `measure`. A request per second
    here is over the time of the requests themselves, for every page alike."""
    for _ in range(warm):
        for client, path in pages:
            client.get(path)
    time.sleep(settle)
    results = [Measure() for _ in pages]
    for _ in range(count):
        for (client, path), result in zip(pages, results, strict=True):
            sample = client.get(path)
            result.samples.append(sample)
            result.elapsed += sample.seconds
    return results


class FormReader(HTMLParser):
    """The fields of the largest form posting with method=post (the page's own form, not the
    header's sign-out button): what a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea = None
        self.select = None
        self.select_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.in_form = True
            self.fields = []
            self.forms.append(self.fields)
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
            self.select_values = []
        elif tag == "option" and self.select and "selected" in a:
            self.select_values.append(a.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields.extend((self.select, value) for value in self.select_values)
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def form_fields(html: bytes) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html.decode("utf-8", "replace"))
    return max(reader.forms, key=len, default=[])


def load_run(tasks, users: int, seconds: float, think: float = 0.0) -> dict:
    """`users` threads, each calling a task (chosen round-robin from `tasks`) until time is up.

    `think` is the mean pause between a user's requests (uniform between half and one and a
    half times it), as a person reading a page pauses; 0 sends the next request at once,
    which measures the server saturated rather than users' waits.

    A task is (kind, callable(client_index) -> Sample); kinds are "public", "officer" and
    "write". Returns per kind: requests, errors, median and p99 in milliseconds.
    """
    results: dict[str, list] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(index: int):
        step = index
        # ruff S311: how long to pause, not a secret.
        pauses = random.Random(index)  # noqa: S311
        # Users arrive over the first pause, not all in the same instant (as locust's spawn
        # rate has them arrive).
        if think:
            time.sleep(min(pauses.uniform(0, think), max(0.0, deadline - time.perf_counter())))
        while time.perf_counter() < deadline:
            if think and step != index:
                time.sleep(
                    min(think * pauses.uniform(0.5, 1.5), max(0.0, deadline - time.perf_counter()))
                )
                if time.perf_counter() >= deadline:
                    break
            kind, task = tasks[step % len(tasks)]
            step += 1
            try:
                sample = task(index)
                ok = sample.status < 400
                elapsed = sample.seconds
            except Exception:  # noqa: BLE001 - any failure is an error of the run
                ok, elapsed = False, None  # no answer: no time to count
            with lock:
                results.setdefault(kind, []).append(elapsed)
                if not ok:
                    errors[kind] = errors.get(kind, 0) + 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    summary = {}
    for kind, times in results.items():
        answered = [each for each in times if each is not None]
        summary[kind] = {
            "requests": len(times),
            "errors": errors.get(kind, 0),
            # Requests that failed without an answer (a timeout) have no time; if none was
            # answered there is no median or p99, and a target on them is not met.
            "median_ms": round(statistics.median(answered) * 1000, 1) if answered else None,
            "p99_ms": round(percentile(answered, 99) * 1000, 1) if answered else None,
        }
    summary["total"] = {
        "requests": sum(len(t) for t in results.values()),
        "errors": sum(errors.values()),
        "seconds": round(elapsed, 1),
        "users": users,
        "think_seconds": think,
    }
    return summary
