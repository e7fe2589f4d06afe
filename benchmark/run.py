"""The benchmark run: seed the small size and keep a copy of it, top the seed up to the large
size, serve both with gunicorn and measure every page on both in turns (and the references
at the large size), then a bounded load run.

Run it through `manage.py bench` with DJANGO_SETTINGS_MODULE=benchmark.settings and
DATABASE_URL naming the bench database (the Makefile's `bench` target does both).
"""

import contextlib
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client as DjangoClient

from benchmark import background, report
from benchmark import seed as seeding
from benchmark.client import (
    Client,
    Measure,
    Sample,
    form_fields,
    load_run,
    measure,
    measure_turns,
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
# A page whose cost at both sizes is compared (report.MEASURED_PAGES), with its floor for an
# officer list, is timed in turns over more requests: the ratios are targets, and each page
# takes only a few milliseconds. Over 20 requests a public page's median at one size moved by
# a fifth or more between two runs of the same code, more than its ratio's margin.
PAIRED_COUNT = 3
SMALL_DATABASE = "bench_small"
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

    def __init__(self, workers: int, threads: int, database_url: str | None = None):
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmark.settings"}
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        # ruff S603: our own venv's gunicorn, with fixed arguments and no shell.
        self.process = subprocess.Popen(  # noqa: S603
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
        background.stop_process(self.process)


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


@dataclass
class Plan:
    """What is asked of one size's server: worked out from its database before it is served."""

    decision: str  # a published decision's reference, quoted for a path
    deep: int  # the deepest page asked for (2,000, or the last page of a smaller register)
    pdf_records: list  # PublicRecords whose PDFs are asked for the first time
    officer: dict  # session cookies
    admin: dict

    def officer_pages(self, q: str) -> dict:
        return {
            "officer_decisions": "/workspace/decisions/",
            "officer_decisions_q": f"/workspace/decisions/?q={q}",
            "officer_decisions_deep": f"/workspace/decisions/?page={self.deep}",
            "officer_decision": f"/workspace/decisions/{self.decision}/",
            "officer_contracts": "/workspace/contracts/",
            "officer_timeline": "/workspace/timeline/",
        }

    def public_pages(self, q: str) -> dict:
        return {
            "public_register": "/decisions/",
            # The same page built for each request: a parameter the register does not know
            # keeps it out of the page cache (see decisions.public_views).
            "public_register_built": "/decisions/?bench=built",
            "public_decision": f"/decisions/{self.decision}/",
            "public_search": f"/decisions/?q={q}",
            "public_search_rare": f"/decisions/?q={seeding.RARE_WORD}",
            "public_contracts": "/contracts/",
            "public_contracts_q": f"/contracts/?q={q}",
            "public_contracts_csv": "/contracts.csv",
            "public_ocds": "/contracts/ocds.json",
        }

    def floors(self, q: str) -> dict:
        return {
            "floor_decisions": "/bench-floor/decisions/",
            "floor_decisions_q": f"/bench-floor/decisions/?q={q}",
            "floor_contracts": "/bench-floor/contracts/",
            "floor_timeline": "/bench-floor/timeline/",
            "floor_decision": f"/bench-floor/decision/{self.decision}/",
            "floor_public_contracts": "/bench-floor/public-contracts/",
            "floor_public_contracts_q": f"/bench-floor/public-contracts/?q={q}",
        }


def plan(offset: int) -> Plan:
    decisions_total = Decision.objects.count()
    pdf_refs = published(PDF_FIRST, offset=offset)
    return Plan(
        decision=urllib.parse.quote(published(1)[0]),
        deep=min(2000, math.ceil(decisions_total / 25)),
        pdf_records=[public_record(d) for d in public_decisions().filter(reference__in=pdf_refs)],
        officer=session_cookie(seeding.OFFICER),
        admin=session_cookie(seeding.ADMIN),
    )


def copy_database(name: str) -> str:
    """A copy of the bench database as it is now, named `name`; its DATABASE_URL. Every
    connection to the bench database is closed first, as PostgreSQL asks of a template."""
    import psycopg
    from psycopg import sql

    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    params = settings.DATABASES["default"]
    server: dict[str, Any] = {
        "host": params.get("HOST") or "127.0.0.1",
        "port": params.get("PORT") or 5432,
        "user": params.get("USER") or "postgres",
        "password": params.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        quoted = sql.Identifier
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(quoted(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(quoted(name), quoted(params["NAME"]))
        )
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}"))


def measure_sizes(small: Plan, large: Plan, small_url: str, out) -> tuple[dict, dict, dict]:
    """Every page at both sizes, and every reference at the large size. Each page is timed in
    turns on a server of each size (an officer list, the public decision page and the PDF
    with their references too), so that no ratio is moved by a change in the machine's
    speed between its two measurements."""
    # BENCH_DIR is set by benchmark.settings only (mypy reads the project's settings).
    shutil.rmtree(Path(settings.BENCH_DIR) / "cache", ignore_errors=True)  # type: ignore[misc]
    pdf_size = len(weasyprint_plain(public_pdf_html(large.pdf_records[0])))
    write_static_references(f"/decisions/{large.decision}/", pdf_size)
    q = seeding.COMMON_WORD
    pages: dict[str, dict] = {"small": {}, "large": {}}
    refs: dict = {}
    with (
        Server(WORKERS, THREADS, database_url=small_url) as small_server,
        Server(WORKERS, THREADS) as large_server,
    ):
        staff = {
            "small": Client(small_server.port, small.officer),
            "large": Client(large_server.port, large.officer),
        }
        public = {"small": Client(small_server.port), "large": Client(large_server.port)}
        floors = large.floors(q)
        small_pages, large_pages = small.officer_pages(q), large.officer_pages(q)
        for name in large_pages:
            out(f"  {name}: {small_pages[name]} and {large_pages[name]}")
            turns = [(staff["small"], small_pages[name]), (staff["large"], large_pages[name])]
            floor = report.OFFICER_LISTS.get(name)
            if floor:
                turns.append((staff["large"], floors[floor]))
            count = REQUESTS * (PAIRED_COUNT if name in report.MEASURED_PAGES else 1)
            timed = [each.as_dict() for each in measure_turns(turns, count)]
            pages["small"][name], pages["large"][name] = timed[:2]
            if floor:
                refs[floor] = timed[2]
        small_pages, large_pages = small.public_pages(q), large.public_pages(q)
        for name in large_pages:
            out(f"  {name}: {small_pages[name]} and {large_pages[name]}")
            turns = [(public["small"], small_pages[name]), (public["large"], large_pages[name])]
            paired = PAIRED_COUNT if name in report.MEASURED_PAGES else 1
            count = REQUESTS * max(SAME_COUNT_AS_STATIC.get(name, 1), paired)
            if name == "public_decision":  # compared with a static file of its size
                turns.append((public["large"], "/static/bench/page.html"))
            floor = report.PUBLIC_LISTS.get(name)
            if floor:  # a public list, timed in turns with its floor
                turns.append((public["large"], floors[floor]))
            # Each public page's timed requests include one that reads its version afresh, so
            # its query count is the same whatever was asked for just before.
            settle = settings.PUBLIC_FRESHNESS_SECONDS + 0.1
            timed = [each.as_dict() for each in measure_turns(turns, count, settle=settle)]
            pages["small"][name], pages["large"][name] = timed[:2]
            if name == "public_decision":
                refs["static_page"] = timed[2]
            if floor:
                refs[floor] = timed[2]
        for size, plan_of in (("small", small), ("large", large)):
            client = public[size]
            path = f"/decisions/{plan_of.decision}/"
            etag = client.get(path).headers.get("etag", "")
            pages[size]["public_decision_304"] = measure(
                client, path, REQUESTS, headers={"If-None-Match": etag}
            ).as_dict()
            out(f"  {size}: PDFs")
            pages[size]["public_pdf_first"], weasy = first_pdfs(
                client, plan_of.pdf_records, weasy=size == "large"
            )
            repeat = f"/decisions/{urllib.parse.quote(plan_of.pdf_records[0].reference)}.pdf"
            if size == "large":  # compared with a static file of its size
                turns = [(client, repeat), (client, "/static/bench/decision.pdf")]
                timed = measure_turns(turns, REQUESTS)
                pages[size]["public_pdf"], refs["static_pdf"] = (t.as_dict() for t in timed)
            else:
                pages[size]["public_pdf"] = measure(client, repeat, REQUESTS).as_dict()
        refs["weasyprint"] = weasy
        out("  references")
        admin_client = Client(large_server.port, large.admin)
        for name, path in floors.items():
            if name not in refs:  # the lists' floors were timed with them
                refs[name] = measure(staff["large"], path, REQUESTS).as_dict()
        public_floors = {
            "floor_public": "/bench-floor/public/",
            "floor_public_decision": f"/bench-floor/public/{large.decision}/",
            # Not compared with anything: what the lists' floors cost without signing in.
            "floor_decisions_anonymous": "/bench-floor/anonymous/decisions/",
            "floor_contracts_anonymous": "/bench-floor/anonymous/contracts/",
        }
        for name, path in public_floors.items():
            refs[name] = measure(public["large"], path, REQUESTS).as_dict()
        refs["admin_decisions"] = measure(
            admin_client, "/admin/decisions/decision/", REQUESTS
        ).as_dict()
        refs["admin_contracts"] = measure(
            admin_client, "/admin/contracts/contract/", REQUESTS
        ).as_dict()
        for client in (*staff.values(), *public.values(), admin_client):
            client.close()
    return pages["small"], pages["large"], refs


def draft_references(count: int) -> list[str]:
    return list(
        Decision.objects.filter(status=Decision.Status.DRAFT, reference__startswith=seeding.PREFIX)
        .order_by("pk")
        .values_list("reference", flat=True)[:count]
    )


def load(users: int, seconds: float, out, think: float = 0.0, beside=None) -> dict:
    """Mixed traffic: public readers, officers reading lists, officers saving drafts. `beside`
    (background.AlertsBeside) is started with the measured run, on the same server."""
    officer = session_cookie(seeding.OFFICER)
    refs = [urllib.parse.quote(r) for r in published(200)]
    drafts = [urllib.parse.quote(r) for r in draft_references(users)]
    with Server(workers=WORKERS, threads=THREADS) as server:
        publics = [Client(server.port) for _ in range(users)]
        staff = [Client(server.port, officer) for _ in range(users)]
        # ruff S311: which page to read next, not a secret.
        rng = random.Random(8)  # noqa: S311

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
        if beside is not None:
            beside.start(server.port)
        result = load_run(tasks, users, seconds, think=think)
        if beside is not None:
            result["alerts"] = beside.result()
        result["total"]["warm_up_seconds"] = warm
        for client in publics + staff:
            client.close()
    return result


def run(
    size: seeding.Size, small: int, users: int, seconds: float, out, think: float = 0.0
) -> dict:
    results: dict[str, Any] = {
        "sizes": {"small": small, "large": size.decisions},
        "server": {"workers": WORKERS, "threads": THREADS},
        "pages": {},
        "references": {},
    }
    out(f"Seeding {small:,} decisions")
    results["counts_small"] = seeding.seed(seeding.Size.for_decisions(small))
    small_plan = plan(offset=7)
    out(f"Keeping a copy of it as the database {SMALL_DATABASE}")
    small_url = copy_database(SMALL_DATABASE)
    out(f"Topping up to {size.decisions:,} decisions")
    started = time.perf_counter()
    results["counts_large"] = seeding.seed(size)
    results["seed_seconds"] = round(time.perf_counter() - started, 1)
    large_plan = plan(offset=1007)
    out("Measuring both sizes in turns, with the references")
    pages_small, pages_large, results["references"] = measure_sizes(
        small_plan, large_plan, small_url, out
    )
    results["pages"] = {"small": pages_small, "large": pages_large}
    officer = session_cookie(seeding.OFFICER)
    with background.MailSink() as sink, background.Worker(sink.port):
        out("Measuring the background work, with the worker running")
        with Server(WORKERS, THREADS) as server:
            publishing = background.measure_publishing(server.port, officer, out)
        published = publishing.pop("published")
        with Server(WORKERS, THREADS) as server:  # it serves the static files just written
            reads = background.measure_reads(server.port, published, REQUESTS)
        results["background"] = {**publishing, **reads}
        if seconds > 0:
            background.add_subscribers()
            beside = background.AlertsBeside(sink, officer)
            results["load"] = load(users, seconds, out, think=think, beside=beside)
            results["alerts"] = results["load"].pop("alerts")
    return results
