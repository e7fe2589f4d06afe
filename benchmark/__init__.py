"""`make bench`: seed a large office, serve it with gunicorn, measure pages against references.

Only the benchmark uses this package (and `benchmark.settings`/`benchmark.urls`); the
application never imports it.
"""
