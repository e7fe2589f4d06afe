"""`manage.py bench`: the benchmark of issue 8 (see benchmark.run).

Run with DJANGO_SETTINGS_MODULE=benchmark.settings and DATABASE_URL naming the
bench database; `make bench` does that. Prints a Markdown table and writes .bench/latest.json.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmark import report
from benchmark.run import run
from benchmark.seed import SIZES


class Command(BaseCommand):
    help = "Seed, serve with gunicorn, measure pages against their references, write JSON."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default=os.environ.get("SIZE", "full"))
        parser.add_argument("--small", type=int, default=1000, help="Decisions at the small size.")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument(
            "--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "60"))
        )
        parser.add_argument(
            "--think",
            type=float,
            default=float(os.environ.get("LOAD_THINK", "1")),
            help="Mean seconds each load-run user pauses between pages (0: none).",
        )

    def handle(self, *args, size, small, users, seconds, think, **options):
        bench_dir = getattr(settings, "BENCH_DIR", None)  # set by benchmark.settings only
        if bench_dir is None:
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=benchmark.settings.")
        results = run(SIZES[size], small, users, seconds, self.stderr.write, think=think)
        document = report.write(results, bench_dir / "latest.json")
        self.stdout.write(report.markdown(results, document["targets"]))
        self.stderr.write(f"Wrote {bench_dir / 'latest.json'}")
