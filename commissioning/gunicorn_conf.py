"""gunicorn settings for production and the benchmark:
`--config python:commissioning.gunicorn_conf`.

Each worker loads Django and WeasyPrint's fonts when it starts, not when its first visitor
asks for a PDF, so the first PDF after a deploy or a worker restart is no slower than the rest.
"""


def post_worker_init(worker: object) -> None:
    from decisions.pdf import warm_up

    warm_up()
