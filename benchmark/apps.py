from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """Installed only by benchmark.settings, for its `bench` and `bench_seed` commands."""

    name = "benchmark"
    verbose_name = "Benchmark"
