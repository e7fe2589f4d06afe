"""E-mails to whoever acts next: sent only after the step commits, never undoing it."""

import logging

import pytest

from commissioning.audit import write_anchor
from commissioning.roles import Role
from decisions.models import DecisionStatus
from decisions.workflow import WorkflowError
from tests.factories import UserFactory

from .conftest import FAILING_EMAIL_BACKEND

Status = DecisionStatus


def but_audit_anchors(callbacks: list) -> list:
    """What a step leaves to run at commit, less the audit log's head written outside the
    database (commissioning.audit.write_anchor), which every committed audit entry adds."""
    return [
        callback for callback in callbacks if getattr(callback, "func", None) is not write_anchor
    ]


def test_submitting_emails_the_treasurer_once_the_step_has_committed(
    draft, officer, treasurer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft.submit(by=officer)
    assert mailoutbox == []  # nothing is sent before the commit
    sends = but_audit_anchors(callbacks)
    assert len(sends) == 1

    sends[0]()

    assert [message.to for message in mailoutbox] == [[treasurer.email]]
    message = mailoutbox[0]
    assert draft.reference in message.subject
    assert "Waiting for the Treasurer to sign it off" in message.body
    assert f"/workspace/decisions/{draft.reference}/" in message.body


def test_a_step_rolled_back_sends_nothing(
    draft, officer, mailoutbox, django_capture_on_commit_callbacks
):
    section = draft.sections.get(heading="Background information")
    section.text = ""
    section.save()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(WorkflowError),
    ):
        draft.submit(by=officer)

    assert but_audit_anchors(callbacks) == []
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("status", "then", "role", "signer"),
    [
        (Status.SUBMITTED, Status.SIGNED_OFF, Role.MONITORING_OFFICER, "monitoring_officer"),
        (Status.SIGNED_OFF, Status.COMMENTED, Role.CHIEF_OFFICER, "chief_officer"),
        (Status.COMMENTED, Status.CHIEF_APPROVED, Role.COMMISSIONER, "pcc"),
    ],
)
def test_each_sign_off_emails_the_next_signers_only(
    status,
    then,
    role,
    signer,
    request,
    make_draft,
    advance,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    decision = advance(make_draft(is_force_business=True), status)
    colleague = UserFactory(roles=[role])
    UserFactory(roles=[role], email="")  # no address: nobody to write to
    UserFactory(roles=[Role.OFFICER])  # not a signer at this step
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        advance(decision, then)

    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([request.getfixturevalue(signer).email, colleague.email])
    assert all(len(message.to) == 1 for message in mailoutbox)


def test_returning_to_draft_emails_the_author_with_the_comments(
    draft, advance, treasurer, officer, mailoutbox, django_capture_on_commit_callbacks
):
    advance(draft, Status.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        draft.return_to_draft(by=treasurer, comments="Please add the annual cost.")

    assert [message.to for message in mailoutbox] == [[officer.email]]
    assert "Please add the annual cost." in mailoutbox[0].body
    assert "back in draft" in mailoutbox[0].body


def test_the_author_is_not_asked_to_sign_off_their_own_decision(
    make_draft, treasurer, mailoutbox, django_capture_on_commit_callbacks
):
    decision = make_draft(author=treasurer)
    other = UserFactory(roles=[Role.TREASURER])

    with django_capture_on_commit_callbacks(execute=True):
        decision.submit(by=treasurer)

    assert [message.to for message in mailoutbox] == [[other.email]]


def test_a_refused_email_is_tried_again_then_given_up_and_the_step_stands(
    draft, officer, treasurer, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND

    with caplog.at_level(logging.WARNING, logger="commissioning.background"):
        with django_capture_on_commit_callbacks(execute=True):
            draft.submit(by=officer)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.workflow_events.get().outcome == "allowed"
    # The send is queued: the sender is not told of a failure that happens later.
    assert draft.notification_warnings == []
    assert "send_email failed (attempt 1 of 6); trying again" in caplog.text
    assert "send_email failed (attempt 5 of 6); trying again" in caplog.text
    assert "send_email failed 6 times; not tried again" in caplog.text
