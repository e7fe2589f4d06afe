"""`manage.py run_worker`: runs the background workers (django-tasks-db's `db_worker`) and
starts each again whenever it stops.

Two workers run side by side: one for the exports (rebuilding every public download, which at
a large office takes the better part of a minute) and one for everything else (e-mail, alerts,
PDFs, the daily work), so that a rebuild never holds up a publication's alerts or PDF.

A worker exits when it loses its database, and django-tasks-db does not start it again; this
does, after 1 s, then 2 s, 4 s... up to 30 s while it keeps stopping, so that queued work is
picked up again soon after the database returns. In production run this under systemd
(README, "Background work"), which restarts this in turn.

Each worker runs at a lower CPU priority than the web server, so that on a busy machine a
reader's page is served before the next alert is sent (WORKER_NICENESS); the exports' worker
lowest of all (EXPORTS_WORKER_NICENESS), and in the idle scheduling class (EXPORTS_WORKER_IDLE),
so that a rebuild of the downloads holds up neither the readers nor the alerts.
"""

import logging
import shutil
import signal
import subprocess
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from commissioning.background import EXPORTS_QUEUE, worker_starting

logger = logging.getLogger("commissioning.background")

LONGEST_PAUSE = 30.0
# A worker that ran this long before it stopped is started again after the shortest pause.
STEADY_SECONDS = 60.0

# Each worker: what it is called, and the queues it takes (db_worker's arguments).
WORKERS = [
    ("main", ["--queue-name", "*", "--exclude-queues", EXPORTS_QUEUE]),
    ("exports", ["--queue-name", EXPORTS_QUEUE]),
]


def lower_priority(name: str) -> list[str]:
    """The prefix that starts the worker `name` below the web server's priority, by
    WORKER_NICENESS (EXPORTS_WORKER_NICENESS for the exports' worker); none at 0, or where
    there is no nice(1). The exports' worker also in the idle scheduling class, with
    EXPORTS_WORKER_IDLE, where there is chrt(1)."""
    niceness = settings.EXPORTS_WORKER_NICENESS if name == "exports" else settings.WORKER_NICENESS
    nice, chrt = shutil.which("nice"), shutil.which("chrt")
    prefix = [nice, "-n", str(niceness)] if niceness and nice else []
    if name == "exports" and settings.EXPORTS_WORKER_IDLE and chrt:
        prefix = [chrt, "--idle", "0", *prefix]
    return prefix


class Command(BaseCommand):
    help = "Run the background workers, and start each again whenever it stops."
    worker_command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker"]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--starts",
            type=int,
            default=0,
            help="Stop after starting each worker this many times (0: never stop).",
        )
        parser.add_argument(
            "worker_args",
            nargs="*",
            help="Passed to each db_worker, after --: e.g. -- --interval 5",
        )

    def handle(
        self, *args: Any, starts: int = 0, worker_args: list[str] | None = None, **options: Any
    ) -> None:
        self.stopping = threading.Event()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.received: int | None = None

        def stop(signum: int, frame: FrameType | None) -> None:
            self.received = signum
            self.stopping.set()
            for child in list(self.children.values()):
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        commands = {
            name: [*lower_priority(name), *self.worker_command, *queues, *(worker_args or [])]
            for name, queues in WORKERS
        }
        # The exports' worker is watched from a thread of its own; the main one from the main
        # thread, which also runs the signal handler and prepares each start (with the
        # database: in this thread's connection).
        exports = threading.Thread(
            target=self.supervise, args=("exports", commands["exports"], starts)
        )
        exports.start()
        self.supervise("main", commands["main"], starts)
        while exports.is_alive():
            exports.join(0.2)

    def supervise(self, name: str, command: list[str], starts: int) -> None:
        """Run one worker, starting it again each time it stops, until asked to stop."""
        pause, started = 1.0, 0
        while not self.stopping.is_set():
            if name == "main":
                # Before each start, so that recurring work is queued again once the database
                # is back; a receiver that fails (the database still away) is logged, not
                # fatal.
                for receiver, error in worker_starting.send_robust(sender=self.__class__):
                    if isinstance(error, Exception):
                        logger.warning(
                            "Could not prepare the worker's start (%s): %s", receiver, error
                        )
            began = time.monotonic()
            child = subprocess.Popen(command)  # noqa: S603 (our own interpreter and manage.py)
            self.children[name] = child
            if self.stopping.is_set() and self.received is not None:
                child.send_signal(self.received)  # asked to stop while it was starting
            started += 1
            self.stdout.write(f"Background worker '{name}' started (pid {child.pid}).")
            code = child.wait()
            if self.stopping.is_set() or (starts and started >= starts):
                break
            if time.monotonic() - began >= STEADY_SECONDS:
                pause = 1.0
            logger.warning(
                "The background worker '%s' stopped (exit %s); starting it in %g s",
                name,
                code,
                pause,
            )
            self.stdout.write(
                f"Background worker '{name}' stopped (exit {code}); starting it again."
            )
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
