"""Seed (or top up) the benchmark's large office: `manage.py bench_seed --decisions 5000`.

For the bench database only: it bulk-writes audited models (see benchmark.seed).
"""

from django.core.management.base import BaseCommand

from benchmark.seed import SIZES, Size, seed


class Command(BaseCommand):
    help = "Seed the benchmark's office: decisions with sections, contracts, providers, history."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="full")
        parser.add_argument("--decisions", type=int, help="A number of decisions instead.")

    def handle(self, *args, size, decisions, **options):
        target = Size.for_decisions(decisions) if decisions else SIZES[size]
        counts = seed(target)
        self.stdout.write(", ".join(f"{value:,} {name}" for name, value in counts.items()))
