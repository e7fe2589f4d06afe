"""E-mail goes to the console until an SMTP server is named in the environment."""

import json

from tests.hardening.test_deploy_settings import manage

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
NAMES = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
]


def email_settings(**env: str):
    """The e-mail settings a process started with `env` sees (every variable given, so that
    the caller's environment does not decide)."""
    env = {**{name: "" for name in NAMES if name != "EMAIL_BACKEND"}, **env}
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}))"
    )
    result = manage("shell", "-c", code, **env)
    return result, (
        json.loads(result.stdout.strip().splitlines()[-1]) if not result.returncode else None
    )


def test_without_a_mail_server_e_mail_goes_to_the_console():
    _, got = email_settings()

    assert got["EMAIL_BACKEND"] == CONSOLE


def test_a_named_mail_server_is_used_with_its_port_account_and_tls():
    _, got = email_settings(
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="register",
        EMAIL_HOST_PASSWORD="not-a-real-one",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="5",
        DEFAULT_FROM_EMAIL="decisions@opcc.example.org",
    )

    assert got["EMAIL_BACKEND"] == SMTP
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("smtp.example.org", 587)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("register", "not-a-real-one")
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (True, False)
    assert got["EMAIL_TIMEOUT"] == 5
    assert got["DEFAULT_FROM_EMAIL"] == "decisions@opcc.example.org"


def test_starttls_and_tls_from_the_start_together_are_refused():
    result, _ = email_settings(EMAIL_HOST="smtp.example.org", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")

    assert result.returncode != 0
    assert "EMAIL_USE_TLS or EMAIL_USE_SSL, not both" in result.stderr
