"""The benchmark run: serve the bench database with gunicorn, measure pages and references at
the small size, top the seed up, measure again at the large size, then a bounded load run.

Run it through `manage.py bench` with DJANGO_SETTINGS_MODULE=commissioning.bench_settings and
DATABASE_URL naming the bench database (the Makefile's `bench` target does both).
"""

# bandit B404 (subprocess, below): the benchmark starts our own venv's gunicorn.
import contextlib
import math
import os
import random
import shutil
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.parse
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient

from commissioning.benchmark import report
from commissioning.benchmark import seed as seeding
from commissioning.benchmark.client import (
    Client,
    Measure,
    Sample,
    form_fields,
    load_run,
    measure,
    measure_pair,
)
from decisions.models import Decision
from decisions.pdf import PDF_VARIANT, public_pdf_html
from decisions.publication import public_decisions, public_record

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
# gunicorn's own advice for its worker count: two per core, plus one. Each worker has a few
# threads, so that one waiting on the database does not leave its core idle.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
WARM_UP_SECONDS = 10.0
# A page whose requests per second are compared with a static file's is timed over as many
# requests as that file (REQUESTS * 5 for the page-sized file): over 20 requests of a
# millisecond or two, one pause of the machine moved the ratio by a tenth.
SAME_COUNT_AS_STATIC = {"public_decision": 5}
# An officer list and its floor are timed in turns (measure_pair), over more requests: their
# ratio is a target, and each takes only a few milliseconds.
PAIRED_COUNT = 3
PDF_FIRST = 9  # distinct decisions whose PDF is asked for the first time


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username: str) -> dict:
    """A signed-in session made directly in the database (no sign-in form, no lockout)."""
    user = get_user_model().objects.get(username=username)
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("RegisterBackend"))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = backend
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


class Server:
    """gunicorn serving the bench settings on a free port of 127.0.0.1."""

    def __init__(self, workers: int, threads: int):
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.process = None

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "commissioning.bench_settings"}
        # bandit B603: our own venv's gunicorn, with fixed arguments and no shell.
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                str(gunicorn),
                "commissioning.wsgi:application",
                "--config",
                "python:commissioning.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        client = Client(self.port)
        for _ in range(120):
            with contextlib.suppress(OSError):
                if client.get("/healthz").status == 200:
                    client.close()
                    return self
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within a minute")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def write_static_references(detail_path: str, pdf_bytes: int) -> None:
    """Static files of the public page's size and the PDF's size, for whitenoise to serve."""
    size = len(DjangoClient().get(detail_path).content)
    folder = Path(settings.STATIC_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_bytes(b"x" * size)
    (folder / "decision.pdf").write_bytes(b"x" * pdf_bytes)


def weasyprint_plain(html: str) -> bytes:
    """WeasyPrint as its documentation calls it (its own font configuration for each
    document), with the site's options: the reference the site's PDF is measured against."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def first_pdfs(client: Client, records, weasy: bool) -> tuple[dict, dict]:
    """Each record's PDF asked of the site for the first time and, with `weasy`, WeasyPrint's
    own render of the same HTML in this process just before it: in turns, so that a change in
    the machine's speed during the run falls on both (timed a minute apart, the ratio moved
    from 1.0 to 1.35 between two runs of the same code)."""
    site, alone = Measure(), Measure()
    if weasy:
        # Imported and its fonts loaded once, as a warm server has.
        weasyprint_plain(public_pdf_html(records[0]))
    for record in records:
        if weasy:
            html = public_pdf_html(record)
            begin = time.perf_counter()
            size = len(weasyprint_plain(html))
            seconds = time.perf_counter() - begin
            alone.samples.append(Sample(200, seconds, None, size, {}))
            alone.elapsed += seconds
        sample = client.get(f"/decisions/{urllib.parse.quote(record.reference)}.pdf")
        site.samples.append(sample)
        site.elapsed += sample.seconds
    return site.as_dict(), alone.as_dict() if weasy else {}


def published(count: int, offset: int = 0) -> list[str]:
    queryset = Decision.objects.published().order_by("pk").values_list("reference", flat=True)
    total = queryset.count()
    start = min(max(0, total // 2 + offset), max(0, total - count))
    return list(queryset[start : start + count])


def measure_phase(label: str, references: bool, out) -> tuple[dict, dict]:
    """Every page (and, for the large size, every reference) against a fresh server."""
    decisions_total = Decision.objects.count()
    deep = min(2000, math.ceil(decisions_total / 25))
    reference = published(1)[0]
    quoted = urllib.parse.quote(reference)
    pdf_refs = published(PDF_FIRST, offset=7 + (1000 if references else 0))
    records = [public_record(d) for d in public_decisions().filter(reference__in=pdf_refs)]
    pdf_size = len(weasyprint_plain(public_pdf_html(records[0]))) if references else 0

    shutil.rmtree(Path(settings.BENCH_DIR) / "cache", ignore_errors=True)
    write_static_references(f"/decisions/{quoted}/", pdf_size or 50_000)
    officer = session_cookie(seeding.OFFICER)
    admin = session_cookie(seeding.ADMIN)
    q = seeding.COMMON_WORD
    pages, refs = {}, {}
    with Server(workers=WORKERS, threads=THREADS) as server:
        staff = Client(server.port, officer)
        public = Client(server.port)
        officer_pages = {
            "officer_decisions": "/workspace/decisions/",
            "officer_decisions_q": f"/workspace/decisions/?q={q}",
            "officer_decisions_deep": f"/workspace/decisions/?page={deep}",
            "officer_decision": f"/workspace/decisions/{quoted}/",
            "officer_contracts": "/workspace/contracts/",
            "officer_timeline": "/workspace/timeline/",
        }
        public_pages = {
            "public_register": "/decisions/",
            # The same page built for each request: a parameter the register does not know
            # keeps it out of the page cache (see decisions.views).
            "public_register_built": "/decisions/?bench=built",
            "public_decision": f"/decisions/{quoted}/",
            "public_search": f"/decisions/?q={q}",
            "public_search_rare": f"/decisions/?q={seeding.RARE_WORD}",
            "public_contracts_csv": "/contracts.csv",
            "public_ocds": "/contracts/ocds.json",
        }
        floors = {
            "floor_decisions": "/bench-floor/decisions/",
            "floor_decisions_q": f"/bench-floor/decisions/?q={q}",
            "floor_contracts": "/bench-floor/contracts/",
            "floor_timeline": "/bench-floor/timeline/",
            "floor_decision": f"/bench-floor/decision/{quoted}/",
        }
        # With the references, each officer list is timed in turns with its floor.
        paired = report.OFFICER_LISTS if references else {}
        for name, path in officer_pages.items():
            out(f"  {label}: {name} {path}")
            if name in paired:
                floor = paired[name]
                pair = measure_pair((staff, path), (staff, floors[floor]), REQUESTS * PAIRED_COUNT)
                pages[name], refs[floor] = (each.as_dict() for each in pair)
            else:
                pages[name] = measure(staff, path, REQUESTS).as_dict()
        for name, path in public_pages.items():
            out(f"  {label}: {name} {path}")
            count = REQUESTS * SAME_COUNT_AS_STATIC.get(name, 1)
            # Each public page's timed requests include one that reads its version afresh, so
            # its query count is the same whatever was asked for just before.
            settle = settings.PUBLIC_FRESHNESS_SECONDS + 0.1
            pages[name] = measure(public, path, count, settle=settle).as_dict()
        etag = public.get(f"/decisions/{quoted}/").headers.get("etag", "")
        pages["public_decision_304"] = measure(
            public, f"/decisions/{quoted}/", REQUESTS, headers={"If-None-Match": etag}
        ).as_dict()
        out(f"  {label}: PDFs")
        pages["public_pdf_first"], weasy = first_pdfs(public, records, weasy=references)
        pages["public_pdf"] = measure(
            public, f"/decisions/{urllib.parse.quote(pdf_refs[0])}.pdf", REQUESTS
        ).as_dict()
        if references:
            out(f"  {label}: references")
            admin_client = Client(server.port, admin)
            for name, path in floors.items():
                if name not in refs:  # the lists' floors were timed with them
                    refs[name] = measure(staff, path, REQUESTS).as_dict()
            public_floors = {
                "floor_public": "/bench-floor/public/",
                "floor_public_decision": f"/bench-floor/public/{quoted}/",
                # Not compared with anything: what the lists' floors cost without signing in.
                "floor_decisions_anonymous": "/bench-floor/anonymous/decisions/",
                "floor_contracts_anonymous": "/bench-floor/anonymous/contracts/",
            }
            for name, path in public_floors.items():
                refs[name] = measure(public, path, REQUESTS).as_dict()
            refs["admin_decisions"] = measure(
                admin_client, "/admin/decisions/decision/", REQUESTS
            ).as_dict()
            refs["admin_contracts"] = measure(
                admin_client, "/admin/contracts/contract/", REQUESTS
            ).as_dict()
            refs["static_page"] = measure(public, "/static/bench/page.html", REQUESTS * 5).as_dict()
            refs["static_pdf"] = measure(public, "/static/bench/decision.pdf", REQUESTS).as_dict()
            refs["weasyprint"] = weasy
            admin_client.close()
        staff.close()
        public.close()
    return pages, refs


def draft_references(count: int) -> list[str]:
    return list(
        Decision.objects.filter(status=Decision.Status.DRAFT, reference__startswith=seeding.PREFIX)
        .order_by("pk")
        .values_list("reference", flat=True)[:count]
    )


def load(users: int, seconds: float, out, think: float = 0.0) -> dict:
    """Mixed traffic: public readers, officers reading lists, officers saving drafts."""
    officer = session_cookie(seeding.OFFICER)
    refs = [urllib.parse.quote(r) for r in published(200)]
    drafts = [urllib.parse.quote(r) for r in draft_references(users)]
    with Server(workers=WORKERS, threads=THREADS) as server:
        publics = [Client(server.port) for _ in range(users)]
        staff = [Client(server.port, officer) for _ in range(users)]
        # bandit B311: which page to read next, not a secret.
        rng = random.Random(8)  # noqa: S311  # nosec B311

        def public_register(i):
            return publics[i].get("/decisions/")

        def public_decision(i):
            return publics[i].get(f"/decisions/{rng.choice(refs)}/")

        def public_search(i):
            return publics[i].get(f"/decisions/?q={rng.choice(seeding.WORDS)}")

        def officer_list(i):
            return staff[i].get("/workspace/decisions/")

        def officer_contracts(i):
            return staff[i].get("/workspace/contracts/")

        def save_draft(i):
            """The officer opens their own draft's editor and saves a new summary."""
            path = f"/workspace/decisions/{drafts[i % len(drafts)]}/edit/"
            page = staff[i].get(path)
            fields = [(k, v) for k, v in form_fields(page.body) if k != "summary"]
            fields.append(("summary", f"Summary saved by the load run at {time.time()}"))
            sample = staff[i].request("POST", path, body=urllib.parse.urlencode(fields))
            if sample.status != 302:
                sample.status = 500 if sample.status < 400 else sample.status
            return sample

        tasks = [
            ("public", public_register),
            ("public", public_decision),
            ("public", public_search),
            ("public", public_decision),
            ("officer", officer_list),
            ("public", public_decision),
            ("officer", officer_contracts),
            ("write", save_draft),
        ]
        # A fresh server's first requests compile templates, open connections and fill
        # caches: a short run that is not counted warms every worker first, as traffic
        # would have before anyone measured it.
        warm = min(WARM_UP_SECONDS, seconds)
        out(f"  load: warming up for {warm:.0f} s (not counted)")
        load_run(tasks, users, warm, think=think)
        out(f"  load: {users} users for {seconds:.0f} s, thinking {think:g} s between pages")
        result = load_run(tasks, users, seconds, think=think)
        result["total"]["warm_up_seconds"] = warm
        for client in publics + staff:
            client.close()
    return result


def run(
    size: seeding.Size, small: int, users: int, seconds: float, out, think: float = 0.0
) -> dict:
    results = {
        "sizes": {"small": small, "large": size.decisions},
        "server": {"workers": WORKERS, "threads": THREADS},
        "pages": {},
        "references": {},
    }
    out(f"Seeding {small:,} decisions")
    results["counts_small"] = seeding.seed(seeding.Size.for_decisions(small))
    out("Measuring at the small size")
    results["pages"]["small"], _ = measure_phase("small", references=False, out=out)
    out(f"Topping up to {size.decisions:,} decisions")
    started = time.perf_counter()
    results["counts_large"] = seeding.seed(size)
    results["seed_seconds"] = round(time.perf_counter() - started, 1)
    out("Measuring at the large size, with the references")
    results["pages"]["large"], results["references"] = measure_phase("large", True, out)
    if seconds > 0:
        results["load"] = load(users, seconds, out, think=think)
    return results
