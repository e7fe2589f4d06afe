"""Who may use each workspace page: officers and administrators write, other staff read,
anyone without a staff role is refused, and anyone not signed in is sent to sign in."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from decisions.models import Appendix

pytestmark = pytest.mark.django_db

READERS = ["treasurer", "monitoring_officer", "chief_officer", "pcc"]
WRITERS = ["officer", "administrator"]


def reference(attribute):
    return lambda r: [getattr(r, attribute).reference]


def pk(attribute):
    return lambda r: [getattr(r, attribute).pk]


def no_args(r):
    return []


# (URL name, its arguments from the records, whether it changes anything)
PAGES = [
    ("dashboard", no_args, False),
    ("decision-list", no_args, False),
    ("decision-export", no_args, False),
    ("decision-detail", reference("published"), False),
    ("decision-history", reference("published"), False),
    ("decision-appendix", lambda r: [r.draft.reference, r.appendix.pk], False),
    ("decision-create", no_args, True),
    ("decision-create-details", lambda r: [r.draft.template_id], True),
    ("decision-edit", reference("draft"), True),
    ("decision-appendix-create", reference("draft"), True),
    ("contract-list", no_args, False),
    ("contract-detail", pk("contract"), False),
    ("contract-history", pk("contract"), False),
    ("contract-create", no_args, True),
    ("contract-edit", pk("contract"), True),
    ("contract-extend", pk("contract"), True),
    ("provider-list", no_args, False),
    ("provider-detail", pk("provider"), False),
    ("provider-history", pk("provider"), False),
    ("provider-create", no_args, True),
    ("provider-edit", pk("provider"), True),
    ("partner-list", no_args, False),
    ("partner-detail", pk("partner"), False),
    ("partner-history", pk("partner"), False),
    ("partner-create", no_args, True),
    ("partner-edit", pk("partner"), True),
    ("programme-list", no_args, False),
    ("programme-detail", pk("programme"), False),
    ("programme-history", pk("programme"), False),
    ("programme-create", no_args, True),
    ("programme-edit", pk("programme"), True),
    ("phase-create", pk("programme"), True),
    ("phase-edit", pk("phase"), True),
    ("lot-create", pk("phase"), True),
    ("lot-edit", pk("lot"), True),
    ("arrangement-list", no_args, False),
    ("arrangement-detail", pk("arrangement"), False),
    ("arrangement-history", pk("arrangement"), False),
    ("arrangement-create", no_args, True),
    ("arrangement-edit", pk("arrangement"), True),
    ("arrangement-partner-create", pk("arrangement"), True),
    ("position-create", pk("arrangement_partner"), True),
    ("risk-create", pk("arrangement"), True),
    ("risk-edit", pk("risk"), True),
    ("ask-create", pk("arrangement"), True),
    ("ask-edit", pk("ask"), True),
    ("timeline", no_args, False),
]

PAGE_IDS = [name for name, _args, _writes in PAGES]


@pytest.fixture
def everything(records):
    appendix = Appendix(decision=records.draft, title="Briefing note")
    appendix.file.save("briefing.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    appendix.save()
    records.appendix = appendix
    return records


def url_of(name, args, records) -> str:
    return reverse(f"workspace:{name}", args=args(records))


@pytest.mark.parametrize(("name", "args", "writes"), PAGES, ids=PAGE_IDS)
def test_anonymous_visitor_is_sent_to_sign_in(client, everything, name, args, writes):
    url = url_of(name, args, everything)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("name", "args", "writes"), PAGES, ids=PAGE_IDS)
def test_user_without_a_staff_role_is_refused(
    client_for, no_role_user, everything, name, args, writes
):
    response = client_for(no_role_user).get(url_of(name, args, everything))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args", "writes"), PAGES, ids=PAGE_IDS)
def test_other_staff_read_but_do_not_change(request, client_for, everything, name, args, writes):
    url = url_of(name, args, everything)
    for role in READERS:
        client = client_for(request.getfixturevalue(role))

        response = client.get(url)

        assert response.status_code == (403 if writes else 200), role
        if writes:
            assert client.post(url, {}).status_code == 403, role


@pytest.mark.parametrize(("name", "args", "writes"), PAGES, ids=PAGE_IDS)
def test_officers_and_administrators_use_every_page(
    request, client_for, everything, name, args, writes
):
    url = url_of(name, args, everything)
    for role in WRITERS:
        response = client_for(request.getfixturevalue(role)).get(url)

        assert response.status_code == 200, role


def test_posting_to_a_write_page_without_signing_in_changes_nothing(client, everything):
    provider = everything.provider
    url = reverse("workspace:provider-edit", args=[provider.pk])

    response = client.post(url, {"name": "Renamed"})

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Change Grow Live"


def test_sign_in_page_uses_username_and_password(client):
    response = client.get("/accounts/login/?next=/workspace/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in content and 'name="password"' in content


def test_signing_in_leads_to_the_workspace(client, officer):
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "demo", "next": "/workspace/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_wrong_password_shows_an_error_summary(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert 'href="#id_username"' in content
