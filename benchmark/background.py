"""The background work's measurements (issue 25), on the large size's server with the worker
(`manage.py run_worker`) running beside it as production runs it:

- publishing a decision, against saving a draft, in turns (the PDF, the export rebuild and the
  alerts are queued, not done in the request);
- the first request for each newly published decision's PDF, once the worker has rendered it,
  against a static file of its size, in turns;
- each full public download, once the worker has stored it, against a static file of its size;
- the alerts of one publication to SUBSCRIBERS confirmed readers, sent by the worker through a
  local SMTP server (aiosmtpd) while the load run goes on beside it: how long until the last
  arrives, and the most that arrived in any one second.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.models import DBTaskResult

from benchmark import seed as seeding
from benchmark.client import Client, Measure, Sample, form_fields, measure_turns

SUBSCRIBERS = 1000
ALERT_SECONDS = 60.0  # the target: every alert sent within this
PUBLISHED_FOR_PDF = 9
DOWNLOADS = {
    "export_decisions_json": "/decisions.json",
    "export_contracts_csv": "/contracts.csv",
    "export_contracts_json": "/contracts.json",
    "export_ocds": "/contracts/ocds.json",
}
JOB_WAIT_SECONDS = 600.0


class MailSink:
    """A local SMTP server that keeps only when each message arrived."""

    def __init__(self) -> None:
        self.arrived: list[float] = []
        self.controller: Any = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.arrived.append(time.monotonic())
        return "250 Message accepted"

    def __enter__(self) -> "MailSink":
        from aiosmtpd.controller import Controller

        from benchmark.run import free_port

        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.controller is not None:
            self.controller.stop()


class Worker:
    """`manage.py run_worker` on the bench database, sending e-mail to `mail_port`."""

    def __init__(self, mail_port: int) -> None:
        self.mail_port = mail_port
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Worker":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmark.settings",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail_port),
        }
        # ruff S603: our own interpreter and manage.py, fixed arguments, no shell.
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "run_worker", "--", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            # Its own process group, so that its workers stop with it: a worker halfway
            # through a rebuild of the exports at the lowest priority outlived the bench.
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc) -> None:
        stop_process(self.process, group=True)


def stop_process(process: subprocess.Popen[bytes] | None, *, group: bool = False) -> None:
    """Ask a process the bench started to stop; after 20 s, stop it. With `group`, every
    process it started is stopped too (it was started in a session of its own)."""
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    if group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def read_afresh() -> None:
    """Drop a connection that is broken or past its age before reading what the server and
    the worker wrote. Not inside a transaction (a test's): Django would close it there, the
    autocommit being off, and could not open another."""
    if not connection.in_atomic_block:
        close_old_connections()


def jobs_waiting(task_name: str) -> int:
    """Jobs of this task not finished yet (waiting or running)."""
    read_afresh()
    return DBTaskResult.objects.filter(
        task_path__endswith=f".{task_name}", status__in=["READY", "RUNNING"]
    ).count()


def wait_for_jobs(task_names: list[str], timeout: float = JOB_WAIT_SECONDS) -> float:
    """Wait until the worker has finished every job of these tasks; the seconds it took."""
    started = time.monotonic()
    time.sleep(0.5)  # the request's jobs are queued as it commits
    while any(jobs_waiting(name) for name in task_names):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the worker did not finish {task_names} in {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


def references(status: str, count: int, order: str = "-pk") -> list[str]:
    """The newest bench decisions of this status ("approved": decided, ready to publish)."""
    from decisions.models import Decision

    read_afresh()
    queryset = Decision.objects.filter(status=status, reference__startswith=seeding.PREFIX)
    return list(queryset.order_by(order).values_list("reference", flat=True)[:count])


def post_form(client: Client, path: str, change=None) -> Sample:
    """The page's form posted as a browser would (with `change` applied to its fields); a
    request that does not end in a redirect is counted as an error."""
    page = client.get(path)
    fields = form_fields(page.body)
    if change:
        fields = change(fields)
    sample = client.request("POST", path, body=urllib.parse.urlencode(fields))
    if sample.status != 302:
        sample.status = 500 if sample.status < 400 else sample.status
    return sample


def save_draft(client: Client, reference: str) -> Sample:
    def new_summary(fields):
        kept = [(name, value) for name, value in fields if name != "summary"]
        return [*kept, ("summary", f"Summary saved by the bench at {time.time()}")]

    return post_form(
        client, f"/workspace/decisions/{urllib.parse.quote(reference)}/edit/", new_summary
    )


def publish(client: Client, reference: str) -> Sample:
    return post_form(client, f"/workspace/decisions/{urllib.parse.quote(reference)}/publish/")


def publish_against_save(client: Client, count: int) -> tuple[dict, dict, list[str]]:
    """`count` approved decisions published and as many drafts saved, in turns (only the POST
    is timed); the references published."""
    to_publish = references("approved", count)
    drafts = references("draft", count)
    saved, published = Measure(), Measure()
    for reference, draft in zip(to_publish, drafts, strict=False):
        for result, sample in (
            (saved, save_draft(client, draft)),
            (published, publish(client, reference)),
        ):
            result.samples.append(sample)
            result.elapsed += sample.seconds
    return saved.as_dict(), published.as_dict(), to_publish


def write_static_file(name: str, size: int) -> str:
    folder = Path(settings.STATIC_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"x" * size)
    return f"/static/bench/{name}"


def pdf_path(reference: str) -> str:
    return f"/decisions/{urllib.parse.quote(reference)}.pdf"


def write_references(client: Client, reference: str) -> None:
    """Static files the size of a newly published PDF and of each full download, written
    before the server that serves them starts (whitenoise reads the folder as it starts)."""
    write_static_file("published.pdf", client.get(pdf_path(reference)).size)
    for name, path in DOWNLOADS.items():
        write_static_file(f"{name}.bin", client.get(path).size)


def first_pdfs_from_storage(client: Client, published: list[str]) -> tuple[dict, dict]:
    """Each published decision's PDF asked for once (its first request on this server), in
    turns with the static file of a PDF's size."""
    # The connection's server process warmed by another PDF (rendered here, not timed): the
    # first PDF a fresh process served took a second and a half on its own.
    warm = pdf_path(references("published", 1, order="pk")[0])
    static = "/static/bench/published.pdf"
    for path in (warm, warm, static):
        client.get(path)
    site, plain = Measure(), Measure()
    for reference in published:
        for result, sample in (
            (site, client.get(pdf_path(reference))),
            (plain, client.get(static)),
        ):
            result.samples.append(sample)
            result.elapsed += sample.seconds
    return site.as_dict(), plain.as_dict()


def downloads_from_storage(client: Client, count: int) -> dict:
    """Each full download (stored by the worker) in turns with the static file of its size."""
    results = {}
    for name, path in DOWNLOADS.items():
        site, plain = measure_turns([(client, path), (client, f"/static/bench/{name}.bin")], count)
        results[name], results[f"{name}_static"] = site.as_dict(), plain.as_dict()
    return results


def measure_publishing(port: int, officer: dict, out) -> dict:
    """Publishing against saving a draft; then, once the worker has caught up, the static
    references written. Returns the measures and the references published."""
    staff = Client(port, officer)
    try:
        out("  background: publishing against saving a draft")
        saved, published, references_published = publish_against_save(staff, PUBLISHED_FOR_PDF)
        out("  background: waiting for the worker's renders and rebuilds")
        worker_seconds = wait_for_jobs(["render_public_pdf", "rebuild_exports"])
        write_references(staff, references_published[-1])
    finally:
        staff.close()
    return {
        "save_draft": saved,
        "publish": published,
        "worker_caught_up_seconds": round(worker_seconds, 1),
        "published": references_published[:-1],  # the last was asked for already
    }


def measure_reads(port: int, published: list[str], requests: int) -> dict:
    """On a fresh server: the first request for each newly published PDF, and each full
    download, with their static references."""
    public = Client(port)
    try:
        pdf_first, pdf_static = first_pdfs_from_storage(public, published)
        downloads = downloads_from_storage(public, requests)
    finally:
        public.close()
    return {
        "pdf_first_after_publishing": pdf_first,
        "pdf_first_static": pdf_static,
        **downloads,
    }


def add_subscribers(count: int = SUBSCRIBERS) -> None:
    """`count` confirmed readers following every new decision, at once."""
    from django.utils import timezone

    from decisions.models import Subscription

    Subscription.objects.filter(email__endswith="@bench.example").delete()
    now = timezone.now()
    Subscription.objects.bulk_create(
        [
            Subscription(
                email=f"reader{number}@bench.example",
                topic=Subscription.Topic.DECISIONS,
                frequency=Subscription.Frequency.IMMEDIATE,
                confirmed_at=now,
            )
            for number in range(count)
        ]
    )


def alert_rate(arrived: list[float], published_at: float) -> dict:
    """From when each alert arrived: how many, seconds from publication to the last, and the
    most that arrived in any one second (a window starting at each arrival)."""
    arrived = sorted(arrived)
    peak, start = 0, 0
    for end, moment in enumerate(arrived):
        while moment - arrived[start] >= 1.0:
            start += 1
        peak = max(peak, end - start + 1)
    return {
        "sent": len(arrived),
        "seconds": round(arrived[-1] - published_at, 2) if arrived else None,
        "peak_per_second": peak,
        "limit_per_second": settings.EMAIL_MAX_PER_SECOND,
    }


class AlertsBeside:
    """Publishes one decision when the measured load run starts, and records the alerts the
    worker sends for it while the run goes on (`load(..., beside=...)`)."""

    def __init__(self, sink: MailSink, officer: dict) -> None:
        self.sink, self.officer = sink, officer
        self.published_at = 0.0
        self.thread: threading.Thread | None = None
        self.status = 0

    def start(self, port: int) -> None:
        def run() -> None:
            client = Client(port, self.officer)
            reference = references("approved", 1)[0]
            self.sink.arrived.clear()
            self.published_at = time.monotonic()
            self.status = publish(client, reference).status
            client.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def result(self, wait: float = ALERT_SECONDS) -> dict:
        if self.thread is not None:
            self.thread.join()
        deadline = self.published_at + wait
        while len(self.sink.arrived) < SUBSCRIBERS and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(Exception):
            close_old_connections()
        return {"publish_status": self.status, **alert_rate(self.sink.arrived, self.published_at)}
