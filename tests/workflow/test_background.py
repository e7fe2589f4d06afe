"""The background queue as production runs it: jobs kept in the database, run by the worker,
tried again when they fail, and the worker started again when it stops."""

import os
import sys

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from commissioning import background, stored_exports
from commissioning.management.commands import run_worker
from commissioning.roles import Role
from decisions.models import DecisionStatus
from tests.factories import UserFactory

from .conftest import FAILING_EMAIL_BACKEND, confirmed

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}
}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_queued_jobs() -> None:
    """What the worker does, once: run every job that is due, then stop."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, queue_name="*")


@pytest.mark.django_db(transaction=True)
def test_a_step_queues_its_email_and_the_worker_sends_it(
    database_queue, role_groups, draft, officer, client_for, mailoutbox
):
    treasurer = UserFactory(username="treasurer2", email="t2@opcc.example", roles=[Role.TREASURER])

    response = client_for(officer).post(
        f"/workspace/decisions/{draft.reference}/workflow/submit/", confirmed(draft)
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.SUBMITTED
    # The request sent nothing: the e-mail waits on the queue.
    assert mailoutbox == []
    # (The set-up's category also queued a rebuild of the public exports.)
    queued = DBTaskResult.objects.get(task_path="commissioning.background.send_email")
    assert queued.args_kwargs["kwargs"]["to"] == [treasurer.email]

    run_queued_jobs()

    assert [message.to for message in mailoutbox] == [[treasurer.email]]
    assert draft.reference in mailoutbox[0].subject
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_recorded_and_queued_again_until_given_up(
    database_queue, settings, monkeypatch, administrator, client_for
):
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
    # No wait between attempts, so that each run of the worker finds the next one due.
    monkeypatch.setattr(background, "FIRST_DELAY_SECONDS", 0)

    background.send_email.enqueue(subject="Hello", body="Body", to=["reader@example.org"])
    for _ in range(background.MAX_ATTEMPTS + 2):
        run_queued_jobs()

    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [result.status for result in attempts] == ["FAILED"] * background.MAX_ATTEMPTS
    assert [result.args_kwargs["kwargs"]["attempt"] for result in attempts[1:]] == list(
        range(2, background.MAX_ATTEMPTS + 1)
    )
    assert "refused the connection" in attempts.last().traceback

    # An administrator sees the failed jobs in the admin, each with its attempt, and can list
    # one kind of work's jobs; a job's page gives its traceback.
    admin = client_for(administrator)
    page = admin.get(
        "/admin/django_tasks_database/dbtaskresult/",
        {"status": "FAILED", "task": "commissioning.background.send_email"},
    )
    assert page.status_code == 200
    listed = page.content.decode()
    assert listed.count("send_email") >= background.MAX_ATTEMPTS
    for number in range(1, background.MAX_ATTEMPTS + 1):
        assert f"{number} of {background.MAX_ATTEMPTS}" in listed
    assert "ConnectionRefusedError" in listed
    job = admin.get(f"/admin/django_tasks_database/dbtaskresult/{attempts.last().pk}/change/")
    assert "refused the connection" in job.content.decode()


def test_a_send_that_fails_twice_is_delivered_on_the_third_attempt(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.workflow.test_background.FlakyEmailBackend"
    FlakyEmailBackend.refusals = 2

    background.send_email.enqueue(subject="Hello", body="Body", to=["reader@example.org"])

    assert [message.to for message in FlakyEmailBackend.sent] == [["reader@example.org"]]
    assert FlakyEmailBackend.refusals == 0


def test_delays_between_attempts_grow():
    delays = [background.delay_before(n).total_seconds() for n in range(1, 6)]
    assert delays == [30, 120, 480, 1920, 7680]


def test_the_supervisor_starts_the_worker_again_each_time_it_stops(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(run_worker.time, "sleep", pauses.append)
    monkeypatch.setattr(
        run_worker.Command, "worker_command", [sys.executable, "-c", "raise SystemExit(3)"]
    )

    call_command("run_worker", starts=4)

    # Each of the two workers started four times; between starts it waited longer each time.
    assert sorted(pauses) == [1.0, 1.0, 2.0, 2.0, 4.0, 4.0]


def test_the_exports_have_a_worker_of_their_own(monkeypatch, tmp_path):
    """A rebuild of the exports never holds up e-mail or PDFs: one worker takes the exports'
    queue and the other every other queue."""
    started = tmp_path / "started"
    record = f"import sys; open({str(started)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')"
    monkeypatch.setattr(run_worker.Command, "worker_command", [sys.executable, "-c", record])

    call_command("run_worker", "--", "--interval", "0.5", starts=1)

    assert sorted(started.read_text().splitlines()) == [
        "--queue-name * --exclude-queues exports --interval 0.5",
        "--queue-name exports --interval 0.5",
    ]
    assert background.EXPORTS_QUEUE == "exports"
    assert stored_exports.rebuild_exports.queue_name == "exports"


def started_workers_report(monkeypatch, tmp_path, expression: str) -> list[str]:
    """Each worker run_worker starts, as its queue and what `expression` gives in it."""
    seen = tmp_path / "seen"
    record = (
        "import os, sys; "
        f"open({str(seen)!r}, 'a').write(sys.argv[2] + ' ' + str({expression}) + '\\n')"
    )
    monkeypatch.setattr(run_worker.Command, "worker_command", [sys.executable, "-c", record])
    call_command("run_worker", starts=1)
    return sorted(seen.read_text().splitlines())


def test_the_workers_give_way_to_the_web_server(monkeypatch, tmp_path, settings):
    """The workers run at a lower CPU priority, so that sending alerts does not slow the
    pages of a busy machine; the exports' rebuild, lowest of all, does not slow the alerts."""
    settings.WORKER_NICENESS, settings.EXPORTS_WORKER_NICENESS = 10, 19

    seen = started_workers_report(monkeypatch, tmp_path, "os.nice(0)")

    ours = os.nice(0)
    assert seen == [f"* {min(ours + 10, 19)}", f"exports {min(ours + 19, 19)}"]


def test_the_exports_worker_runs_only_on_a_cpu_nothing_else_wants(monkeypatch, tmp_path, settings):
    """The rebuild of the downloads runs in the idle scheduling class, after everything else:
    at nice 19 alone it still lengthened the slowest pages of a busy web server."""
    settings.EXPORTS_WORKER_IDLE = True

    seen = started_workers_report(monkeypatch, tmp_path, "os.sched_getscheduler(0)")

    assert seen == [f"* {os.SCHED_OTHER}", f"exports {os.SCHED_IDLE}"]


def test_a_niceness_of_nought_runs_the_workers_as_the_web_server(settings):
    settings.WORKER_NICENESS = settings.EXPORTS_WORKER_NICENESS = 0
    settings.EXPORTS_WORKER_IDLE = False
    assert run_worker.lower_priority("main") == []
    assert run_worker.lower_priority("exports") == []


class FlakyEmailBackend:
    """A mail server that refuses `refusals` sends, then accepts."""

    refusals = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyEmailBackend.refusals:
            FlakyEmailBackend.refusals -= 1
            raise ConnectionRefusedError("busy")
        FlakyEmailBackend.sent = [*FlakyEmailBackend.sent, *messages]
        return len(messages)


def test_the_worker_sends_no_more_than_the_set_number_of_emails_a_second(settings, monkeypatch):
    """However long each takes to send: a mail server receives each e-mail between the start
    of its sending and its end, so no more than the set number arrive in any one second when
    each starts a second after the end of the one that many before it."""
    settings.EMAIL_MAX_PER_SECOND = 4
    clock = {"now": 100.0}
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock["now"] += seconds

    monkeypatch.setattr(background.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(background.time, "sleep", sleep)
    pace = background.SendingPace()
    sent: list[tuple[float, float]] = []  # (start, end) of each sending
    for seconds in [0.3, 0.01, 0.01, 0.01, 0.01, 0.2, 0.01, 0.01, 0.01, 0.01]:
        with pace.turn():
            start = clock["now"]
            clock["now"] += seconds
            sent.append((start, clock["now"]))

    # The first four one after another, without waiting; then each waits its turn.
    assert [start for start, _ in sent[1:4]] == [end for _, end in sent[:3]]
    assert len(waits) == 3  # only those whose turn had not come when they were asked for
    for earlier, later in zip(sent, sent[4:], strict=False):
        assert later[0] >= earlier[1] + 1.0
    clock["now"] += 10  # after a quiet spell the next goes at once
    with pace.turn():
        pass
    assert clock["now"] == sent[-1][1] + 10


@pytest.mark.django_db
def test_the_worker_takes_readers_files_before_waiting_emails(database_queue):
    from commissioning.stored_exports import rebuild_exports
    from decisions.pdf import render_public_pdf

    for number in range(3):
        background.send_email.enqueue(subject="Alert", body="Body", to=[f"r{number}@example.org"])
    render_public_pdf.enqueue(reference="WPCC3-0058")
    rebuild_exports.enqueue()

    order = [result.task_path.rsplit(".", 1)[-1] for result in DBTaskResult.objects.ready()]
    assert order[:2] == ["render_public_pdf", "rebuild_exports"]
