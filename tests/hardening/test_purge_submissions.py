"""manage.py purge_submissions deletes the one-time tokens of create forms too old to be sent
again, and keeps the newer ones, which still stop a form sent twice from saving twice."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from commissioning.models import SubmissionToken

pytestmark = pytest.mark.django_db


def sent(user, days_ago: float) -> SubmissionToken:
    """A token stored `days_ago` days ago (its time is set on insert, so it is moved back)."""
    token = SubmissionToken.objects.create(token=uuid.uuid4(), user=user, location="/workspace/")
    then = timezone.now() - datetime.timedelta(days=days_ago)
    SubmissionToken.objects.filter(pk=token.pk).update(created_at=then)
    return token


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_submissions", *args, stdout=out)
    return out.getvalue()


def kept() -> set[int]:
    return set(SubmissionToken.objects.values_list("pk", flat=True))


def test_tokens_older_than_a_month_are_deleted_and_newer_ones_kept(officer):
    sent(officer, 31)
    sent(officer, 400)
    newer = {sent(officer, 29).pk, sent(officer, 0).pk}

    assert purge() == "Deleted 2 tokens of forms sent more than 30 days ago.\n"
    assert kept() == newer


def test_how_many_days_are_kept_can_be_given(officer):
    sent(officer, 3)
    newer = sent(officer, 1)

    assert purge("--days", "2") == "Deleted 1 token of forms sent more than 2 days ago.\n"
    assert kept() == {newer.pk}


@pytest.mark.parametrize("days", ["0", "-5", "soon"])
def test_keeping_less_than_a_day_is_refused_and_deletes_nothing(officer, days):
    token = sent(officer, 0.5)

    with pytest.raises(CommandError):
        purge("--days", days)

    assert kept() == {token.pk}
