"""How each answer may be kept: staff pages never, public pages only if checked again.

A staff page shows withheld text and personal data: a shared computer's browser cache or a
proxy must not keep it. Public pages may be kept, but are checked again on every use, so a
withdrawal is seen at once.
"""

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.middleware import NEVER_KEPT, PUBLIC_CACHING
from tests.hardening.test_authorisation_matrix import (
    CLASSIFIED,
    PUBLISHED,
    ROLES,
    Data,
    clients,
    url_names,
)


@pytest.mark.django_db
def test_every_page_says_how_it_may_be_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = Data()
    browsers = clients()
    wrong = []
    for name in sorted(set(url_names()) & set(CLASSIFIED)):
        page = CLASSIFIED[name]
        url = reverse(name, kwargs=page.kwargs(data) if page.kwargs else None)
        for role in ROLES:
            response = browsers[role].get(url)
            got = response.get("Cache-Control", "")
            if role != "anonymous" or response.status_code not in (200, 404):
                if "no-store" not in got:
                    wrong.append(f"{name} as {role} ({response.status_code}): {got!r}")
            elif not got:
                wrong.append(f"{name} as {role}: no Cache-Control")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_an_anonymous_public_page_is_kept_only_if_checked_again(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Data()
    for url in (
        reverse("decisions:home"),
        reverse("decisions:register"),
        reverse("decisions:detail", kwargs={"reference": PUBLISHED}),
        reverse("contracts:register"),
    ):
        response = Client().get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == PUBLIC_CACHING, url


@pytest.mark.django_db
def test_the_public_page_seen_by_a_signed_in_officer_is_not_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Data()
    client = clients()["officer"]

    response = client.get(reverse("decisions:detail", kwargs={"reference": PUBLISHED}))

    assert response["Cache-Control"] == NEVER_KEPT


@pytest.mark.django_db
def test_the_sign_in_form_is_not_kept_even_when_its_cookie_is_already_set():
    client = Client()
    first = client.get(reverse("login"))
    again = client.get(reverse("login"))

    assert "no-store" in first["Cache-Control"]
    assert "no-store" in again["Cache-Control"]


@pytest.mark.django_db
def test_the_admin_is_not_kept(administrator):
    client = Client()
    client.force_login(administrator)

    response = client.get("/admin/decisions/decision/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_view_that_says_how_it_may_be_kept_is_left_alone(settings, tmp_path):
    """The internal PDF says `private, no-store` itself; the middleware keeps its word."""
    settings.MEDIA_ROOT = tmp_path
    Data()
    client = clients()["officer"]

    response = client.get(reverse("workspace:decision-pdf", kwargs={"reference": PUBLISHED}))

    assert response["Cache-Control"] == "private, no-store"
