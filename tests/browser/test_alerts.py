"""E-mail alerts end to end, through a real SMTP server on this machine (aiosmtpd): a reader
asks for alerts from the public register by clicking, confirms by the e-mailed link, gets the
alert when a decision is published, and stops them from the link in the alert; on a laptop's
width and a phone's."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from commissioning.roles import Role
from tests.browser.journeys import fits
from tests.factories import DecisionCategoryFactory, DecisionFactory, UserFactory

pytestmark = pytest.mark.browser


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path: str) -> str:
    match = re.search(rf"(https?://\S+{re.escape(path)}\S+/)", body_of(message))
    assert match, body_of(message)
    return match.group(1)


def test_a_reader_subscribes_confirms_gets_the_alert_and_stops_it(
    transactional_db,
    live_server,
    settings,
    smtp_server,
    screen,
    axe,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = live_server.url
    DecisionCategoryFactory(name="Commissioning", slug="commissioning")

    screen.goto(live_server.url + "/")
    screen.get_by_role("link", name="Get e-mail alerts").click()
    screen.get_by_label("Your e-mail address").fill("reader@example.org")
    screen.get_by_label("New published decisions").check()
    screen.get_by_label("As soon as something is published").check()
    axe(screen)
    screen.get_by_role("button", name="Send me a link to confirm").click()
    assert screen.locator("h1").inner_text() == "Check your e-mail"

    (confirmation,) = smtp_server.messages
    assert confirmation["To"] == "reader@example.org"
    screen.goto(link_in(confirmation, "/alerts/confirm/"))  # the reader opens the e-mail's link
    screen.get_by_role("button", name="Confirm my alerts").click()
    assert screen.locator("h1").inner_text() == "Your alerts are confirmed"
    axe(screen)

    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    decision = DecisionFactory(
        decided=True, reference="WPCC3-0090", title="Victim services", summary="A new service."
    )
    decision.publish(by=officer)

    alert = smtp_server.messages[-1]
    assert alert["Subject"] == "Decision published: WPCC3-0090: Victim services"
    assert "A new service." in body_of(alert)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    screen.goto(link_in(alert, "/alerts/unsubscribe/"))
    axe(screen)
    screen.get_by_role("button", name="Stop these alerts").click()
    assert screen.locator("h1").inner_text() == "Your alerts have stopped"
    fits(screen)
