"""The register's daily work, run by the background worker: housekeeping (with the readers'
alert addresses not confirmed in time deleted), the readers' daily alert e-mails, and a
reminder to each commissioning officer of what has come due (withheld parts whose review date
has come, contracts running out with nothing on record about what follows), and a rebuild of
the stored public exports (the contract downloads name the procurements under way, which
depends on the day).

`queue_daily_work` makes sure one run is waiting on the queue; each run queues the next, for
DAILY_AT the next morning. `manage.py run_worker` calls it as it starts, so a new install or a
queue emptied by hand gets its daily run without a cron line.
"""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from commissioning.addresses import site_address
from commissioning.background import retried, send_email
from commissioning.roles import Role
from commissioning.stored_exports import rebuild_soon
from contracts.models import Contract
from decisions.alerts import delete_unconfirmed, send_digests
from decisions.publication import appendices_due_for_release, sections_due_for_release
from decisions.workflow import decision_page_url

logger = logging.getLogger(__name__)

DAILY_AT = datetime.time(6, 0)
# The reminder lists at most this many contracts and says how many there are in all.
LISTED = 20


@dataclass(frozen=True)
class DuePart:
    reference: str
    name: str
    release_on: datetime.date
    link: str


def reminders(today: datetime.date) -> dict | None:
    """What the daily reminder lists, or None when nothing has come due."""
    due_parts = [
        DuePart(
            part.decision.reference,
            str(part),
            part.release_on,
            site_address(decision_page_url(part.decision)),
        )
        for parts in (sections_due_for_release(today), appendices_due_for_release(today))
        for part in parts
    ]
    at_risk = Contract.objects.at_risk(today)
    at_risk_total = at_risk.count()
    if not due_parts and not at_risk_total:
        return None
    return {
        "due_parts": due_parts,
        "at_risk": list(at_risk[:LISTED]),
        "at_risk_total": at_risk_total,
        "dashboard": site_address(reverse("workspace:dashboard")),
    }


def send_reminders(today: datetime.date) -> int:
    """Queue one reminder e-mail to each active officer with an address; how many."""
    context = reminders(today)
    if context is None:
        return 0
    officers = (
        get_user_model()
        .objects.filter(groups__name=Role.OFFICER.value, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for officer in officers:
        send_email.enqueue(
            subject=f"Commissioning decisions: what has come due on {today:%-d %B %Y}",
            body=render_to_string("emails/daily_reminders.txt", {**context, "recipient": officer}),
            to=[officer.email],
        )
        sent += 1
    return sent


def next_run(now: datetime.datetime) -> datetime.datetime:
    """DAILY_AT on the day after `now`'s, in the site's time zone."""
    local = timezone.localtime(now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, DAILY_AT))


@task()
def daily_work(attempt: int = 1) -> None:
    """Housekeeping and the officers' reminders; then the next day's run is queued (also
    after a failed attempt, once no retry of it is waiting)."""
    try:
        with retried(daily_work, attempt):
            call_command("clearsessions")
            call_command("purge_submissions")
            send_reminders(timezone.localdate())
            send_digests()
            delete_unconfirmed()
            rebuild_soon()
    finally:
        queue_daily_work()


def _daily_work_waiting() -> bool:
    return DBTaskResult.objects.filter(
        task_path=daily_work.module_path, status=TaskResultStatus.READY
    ).exists()


def queue_daily_work(**signal_arguments: object) -> bool:
    """Queue the next daily run unless one is already waiting; whether one was queued.

    Only a queue that keeps jobs for later holds a daily run: with the backend that runs each
    job as it is queued (the tests'), nothing is queued. Connected to
    `commissioning.background.worker_starting`."""
    if not daily_work.get_backend().supports_defer or _daily_work_waiting():
        return False
    daily_work.using(run_after=next_run(timezone.now())).enqueue()
    return True
