"""`make bench`: seed a large office, serve it with gunicorn, measure pages against references.

Only the benchmark uses this package (and `commissioning.bench_settings`/`bench_urls`); the
application never imports it.
"""
