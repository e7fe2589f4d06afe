"""A create form sent twice creates one record.

A double click, a refresh of the page a form was posted to, or the browser's Back button and
Send again would otherwise add the same provider, contract or decision twice. Each create form
carries a one-time token (`{% submission_token %}` in commissioning/templatetags/once.py):

- The view that creates the record writes it inside `with once.creating(request)`: one
  transaction that stores the token first and where the answer sends the user last, in the
  same commit as the record, so the token is stored exactly when the record is. A form
  refused with errors stores nothing, so it can be corrected and sent again with the same
  token; so can a form whose save failed because the database went away.
- `SubmitOnceMiddleware` looks the token up before the view runs. A token already stored
  means the form was saved before: the user is taken to what it created, with a message,
  and nothing is written.
- Two copies sent at the same moment (a double click) both pass that look-up. The second
  one's insert of the token waits for the first's transaction and then fails on the unique
  token, before it has written anything; `AlreadySent` rolls its transaction back and the
  middleware answers as above. If the first commits while the second's form is still being
  checked, the second is refused by a unique rule instead (the name is taken) and would be
  shown again with that error: the middleware looks the token up again when a form comes
  back with errors, and answers as above.

The tokens are rows in the database, not anything in a process's memory, so this holds with
several app servers. A form posted without a token (an old page, a script, a test) is saved
as before. `manage.py purge_submissions`, run daily, deletes tokens too old to be sent again
(`purge_spent_tokens`).
"""

import datetime
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from commissioning.middleware import DATABASE_UNAVAILABLE, service_unavailable
from commissioning.models import SubmissionToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FIELD_NAME = "submission_token"
# How long a stored token is kept. A form can be sent again only by the session that drew it,
# with that session's CSRF token; a session lasts a working day and ends when the browser
# closes (settings.SESSION_COOKIE_AGE), so a month is well past the last time it can come.
KEEP_TOKENS_DAYS = 30
ALREADY_SENT_MESSAGE = (
    "This form was already sent, so it has not been saved a second time. Here is what it created."
)


class AlreadySent(Exception):
    """The form's token was stored by another request: this copy must not write anything."""

    def __init__(self, token: uuid.UUID):
        super().__init__(f"submission token {token} was already used")
        self.token = token


def new_token() -> str:
    return str(uuid.uuid4())


def token_of(request: HttpRequest) -> uuid.UUID | None:
    """The token the form carried; None for a form without one (or with a mangled one)."""
    if request.method != "POST":
        return None
    value = request.POST.get(FIELD_NAME, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass
class Submission:
    """What the create form led to: the view sets `location` to where it sends the user."""

    location: str = ""


@contextmanager
def creating(request: HttpRequest) -> Iterator[Submission]:
    """The transaction that creates a form's record, with the form's token claimed first.

        with once.creating(request) as submission:
            record = form.save()
            submission.location = record.get_absolute_url()

    The token is inserted before anything else, so a second copy sent at the same moment
    waits at that insert (PostgreSQL holds it until the first transaction ends) and is then
    turned away with AlreadySent before it writes anything a unique rule could trip over.
    Where the form led is stored at the end, in the same commit as the record. A form without
    a token gets the same transaction and nothing else.
    """
    submission = Submission()
    with transaction.atomic():
        sent = claim(request)
        yield submission
        if sent is not None:
            if not submission.location:
                raise RuntimeError("once.creating: set submission.location to where the form led")
            sent.location = submission.location
            sent.save(update_fields=["location"])


def claim(request: HttpRequest) -> SubmissionToken | None:
    """Store the form's token, in the caller's transaction; AlreadySent if it is stored."""
    token = token_of(request)
    if token is None:
        return None
    if not connection.in_atomic_block:
        raise RuntimeError("claim() must run inside the transaction that creates the record")
    try:
        # A savepoint, so that the refused insert does not spoil the caller's transaction
        # before AlreadySent rolls it back.
        with transaction.atomic():
            # A create view is for a signed-in member of staff (officer_required).
            user = cast("User", request.user)
            return SubmissionToken.objects.create(token=token, user=user)
    except IntegrityError:
        raise AlreadySent(token) from None


def purge_spent_tokens(*, days: int = KEEP_TOKENS_DAYS) -> int:
    """Delete the tokens stored more than `days` ago; the number deleted. Without this the
    table grows by a row for every record created through a form, for ever."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _by_model = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def already_sent(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Take the user to what the first copy of the form created.

    The redirect is only to a stored location on this site and only for the user who sent
    the form; anything else (a token sent by someone else) gets the 409 page, which says the
    form was already sent without saying where it went.
    """
    sent = SubmissionToken.objects.filter(token=token).first()
    if (
        sent is not None
        and sent.user_id == request.user.pk
        and url_has_allowed_host_and_scheme(sent.location, allowed_hosts=None)
    ):
        messages.info(request, ALREADY_SENT_MESSAGE)
        return HttpResponseRedirect(sent.location)
    return render(request, "409.html", status=409)


class SubmitOnceMiddleware:
    """Answer a create form that was already saved with its result, before the view runs.

    It sits after the CSRF, authentication and messages middleware: the look-up runs in
    `process_view`, after the CSRF check has passed, and only for a signed-in user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 200:
            # The form shown again with its errors. A copy sent at the same moment may have
            # been saved while this one was checked, after the look-up: its errors ("a
            # provider with this name already exists") are then about that first copy.
            token = token_of(request)
            if token is not None:
                return self.answer_if_sent(request, token) or response
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        token = token_of(request)
        if token is None:
            return None  # no database work at all for a form without a token
        return self.answer_if_sent(request, token)

    @staticmethod
    def answer_if_sent(request: HttpRequest, token: uuid.UUID) -> HttpResponse | None:
        """What the first copy created, if the token is stored; None if it is not."""
        try:
            if request.user.is_authenticated and (
                SubmissionToken.objects.filter(token=token).exists()
            ):
                return already_sent(request, token)
        except DATABASE_UNAVAILABLE as error:
            # Outside the view, so DatabaseUnavailableMiddleware does not see it: same answer.
            logger.error(
                "Database unavailable during %s %s: %s", request.method, request.path, error
            )
            return service_unavailable()
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AlreadySent):
            return already_sent(request, exception.token)
        return None
