"""Work that runs in the background: Django's Tasks API (the django-tasks backport of Django 6's
`django.tasks`), with the queue kept in the project's database by django-tasks-db and run by
`manage.py run_worker`.

django-tasks runs a task once. A task here that may fail for a while (a mail server down, the
database restarting) wraps its body in `retried`: a failed attempt is recorded as failed, with
its traceback, in the queue's table (the Django admin lists them under "Background jobs"), and
the same work is queued again with a growing delay, until `MAX_ATTEMPTS` have failed.

Nothing here runs in a request: a request queues work with `enqueue_on_commit`, so that the
work is queued only if the request's change is committed, and the page never waits for it.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# Sent by `manage.py run_worker` as it starts, before the worker: apps queue the work that
# recurs (decisions.daily).
worker_starting = Signal()

MAX_ATTEMPTS = 6
# The priority of work whose result readers are waiting for (a published decision's PDF, the
# public downloads): the worker takes it before the e-mails, so that a publication's thousand
# alerts do not hold up the next publication's PDF.
READERS_FIRST = 10
# The queue of the exports' rebuilds, which its own worker takes (`manage.py run_worker`): a
# rebuild at a large office takes most of a minute, and must not hold up e-mail or PDFs.
EXPORTS_QUEUE = "exports"
FIRST_DELAY_SECONDS = 30


def delay_before(attempt: int) -> timedelta:
    """How long to wait before attempt `attempt` + 1: 30 s, 2 min, 8 min, 32 min, about 2 h."""
    return timedelta(seconds=FIRST_DELAY_SECONDS * 4 ** (attempt - 1))


def enqueue_on_commit(work: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue `work` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: work.enqueue(*args, **kwargs), robust=False)


@contextmanager
def retried(work: Task[..., Any], attempt: int, **kwargs: Any) -> Iterator[None]:
    """Run the body; if it fails, queue `work` again with `kwargs` and the next attempt's
    number after a delay, and fail this attempt so the queue records it with its traceback."""
    try:
        yield
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.exception("%s failed %s times; not tried again", work.name, attempt)
            raise
        delay = delay_before(attempt)
        again = work
        if work.get_backend().supports_defer:
            again = work.using(run_after=timezone.now() + delay)
        logger.warning(
            "%s failed (attempt %s of %s); trying again in %s",
            work.name,
            attempt,
            MAX_ATTEMPTS,
            delay,
            exc_info=True,
        )
        again.enqueue(**kwargs, attempt=attempt + 1)
        raise


class SendingPace:
    """At most EMAIL_MAX_PER_SECOND e-mails in any one second from one worker process (0: no
    bound), so that a publication with a thousand followers does not flood the mail server or
    take the database's and the machine's time from the readers all at once.

    Counted as the mail server receives them: an e-mail is sent no sooner than a second after
    the one that many before it was done. Spacing the starts evenly was not enough: a send
    that took longer than the next one let 41 arrive within a second."""

    def __init__(self) -> None:
        self.done: deque[float] = deque()
        self.lock = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for the next turn, then send inside the block (one at a time)."""
        rate = settings.EMAIL_MAX_PER_SECOND
        if rate <= 0:
            yield
            return
        with self.lock:
            if len(self.done) >= rate:
                wait = self.done[-rate] + 1.0 - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield
            finally:
                self.done.append(time.monotonic())
                while len(self.done) > rate:
                    self.done.popleft()


pace = SendingPace()


@task()
def send_email(
    subject: str,
    body: str,
    to: list[str],
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> None:
    """Send one e-mail, trying again later if the mail server refuses or is away."""
    message = {"subject": subject, "body": body, "to": to, "headers": headers}
    with retried(send_email, attempt, **message):
        with pace.turn():
            mail.EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=to,
                headers=headers or {},
            ).send()
