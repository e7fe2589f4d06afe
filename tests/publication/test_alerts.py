"""E-mail alerts for the public: asked for, confirmed by the link (double opt-in), sent when a
decision is published or daily, stopped in one click (RFC 8058), and made from the public
record only."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from commissioning.models import InformationPage
from decisions import alerts
from decisions.models import Subscription
from tests.publication.conftest import costs_withheld, public_section

WITHHELD = "WITHHELD-ALERT-MARKER-5521"
PRIVACY_MIGRATION = importlib.import_module("commissioning.migrations.0005_privacy_notice_alerts")
PAGES_MIGRATION = importlib.import_module("commissioning.migrations.0004_information_page_defaults")


def link_in(body: str, path: str) -> str:
    match = re.search(rf"https?://\S+({re.escape(path)}\S+/)", body)
    assert match, f"no {path} link in:\n{body}"
    return match.group(1)


def subscribe(client, **fields):
    return client.post(
        "/alerts/",
        {"email": "reader@example.org", "topic": "decisions", "frequency": "immediate", **fields},
        follow=True,
    )


def confirmed(email="reader@example.org", **fields) -> Subscription:
    values = {"topic": "decisions", "frequency": "immediate", **fields}
    return Subscription.objects.create(email=email, confirmed_at=timezone.now(), **values)


def test_asking_sends_a_confirmation_link_and_only_confirming_starts_alerts(
    db, member_of_public, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(member_of_public)

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    (message,) = mailoutbox
    assert message.to == ["reader@example.org"]
    path = link_in(message.body, "/alerts/confirm/")

    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    assert "Confirm my alerts" in member_of_public.get(path).content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    member_of_public.post(path)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_the_page_says_the_same_for_an_address_already_confirmed_and_sends_it_nothing(
    db, member_of_public, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed()
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(member_of_public)

    assert "Check your e-mail" in response.content.decode()
    assert mailoutbox == []
    assert Subscription.objects.count() == 1


def test_bad_input_is_refused_next_to_the_field(db, member_of_public):
    response = subscribe(member_of_public, email="not an address", topic="")

    page = response.content.decode()
    assert "Enter an e-mail address like name@example.com" in page
    assert "Select what you want to hear about" in page
    assert Subscription.objects.count() == 0


def test_asking_too_often_is_refused_for_a_while(db, member_of_public):
    cache.clear()
    answers = [subscribe(member_of_public, email=f"r{n}@example.org").status_code for n in range(7)]

    assert answers == [200] * 5 + [429] * 2
    assert Subscription.objects.count() == 5


def test_a_category_no_public_decision_has_is_not_offered(db, member_of_public, category):
    page = member_of_public.get("/alerts/?category=commissioning").content.decode()

    assert f">{category.name}</option>" not in page


def test_publishing_alerts_matching_followers_from_the_public_record_only(
    make_decision, officer, category, mailoutbox, django_capture_on_commit_callbacks
):
    everything = confirmed("all@example.org")
    confirmed("category@example.org", category=category)
    confirmed("search@example.org", search="alcohol misuse")
    confirmed("other-search@example.org", search="custody")
    Subscription.objects.create(email="unconfirmed@example.org", topic="decisions")
    confirmed("daily@example.org", frequency="daily")

    with django_capture_on_commit_callbacks(execute=True):
        make_decision(
            reference="WPCC3-0058",
            title="Drugs and alcohol misuse services",
            summary="Joint commissioning with the county council.",
            sections=[
                public_section("Background information", "Alcohol misuse services end in 2023."),
                costs_withheld(f"The price is {WITHHELD}."),
            ],
            publish_by=officer,
        )

    to = sorted(message.to[0] for message in mailoutbox)
    assert to == ["all@example.org", "category@example.org", "search@example.org"]
    message = next(m for m in mailoutbox if m.to == ["all@example.org"])
    assert "WPCC3-0058: Drugs and alcohol misuse services" in message.subject
    assert "Joint commissioning with the county council." in message.body
    assert "/decisions/WPCC3-0058/" in message.body
    for sent in mailoutbox:
        assert WITHHELD not in sent.subject + sent.body
    unsubscribe = f"/alerts/unsubscribe/{everything.token}/"
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body


def test_an_old_record_published_by_the_import_alerts_nobody(
    make_decision, officer, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed("all@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        make_decision(
            reference="WPCC3-0010",
            publish_by=officer,
            published_on=datetime.date(2019, 5, 1),
        )

    assert mailoutbox == []


def test_one_click_unsubscribe_deletes_the_address_without_a_csrf_token(db):
    from django.test import Client

    subscription = confirmed()
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        f"/alerts/unsubscribe/{subscription.token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert not Subscription.objects.filter(email="reader@example.org").exists()
    stopped = mail_program.get(response["Location"])
    assert stopped.status_code == 200
    assert "Your alerts have stopped" in stopped.content.decode()


def test_a_daily_follower_gets_one_email_of_what_was_published_since(
    make_decision, officer, mailoutbox
):
    subscription = confirmed(frequency="daily")
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=2)
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_decision(reference="WPCC3-0070", title="First", publish_by=officer, published_on=yesterday)
    make_decision(
        reference="WPCC3-0071", title="Second", publish_by=officer, published_on=yesterday
    )
    mailoutbox.clear()

    assert alerts.send_digests() == 1
    assert alerts.send_digests() == 0  # nothing new since

    (message,) = mailoutbox
    assert "WPCC3-0070: First" in message.body
    assert "WPCC3-0071: Second" in message.body


def test_an_address_not_confirmed_in_seven_days_is_deleted(db):
    stale = Subscription.objects.create(email="old@example.org", topic="decisions")
    Subscription.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    Subscription.objects.create(email="new@example.org", topic="decisions")
    confirmed("kept@example.org")

    assert alerts.delete_unconfirmed() == 1
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "kept@example.org",
        "new@example.org",
    ]


def test_addresses_are_in_no_admin_page(client_for, administrator):
    confirmed("secret-reader@example.org")

    page = client_for(administrator).get("/admin/").content.decode()

    assert "ubscription" not in page
    assert client_for(administrator).get("/admin/decisions/subscription/").status_code == 404


def test_the_privacy_notice_says_what_alerts_keep(db, member_of_public):
    PAGES_MIGRATION.create_pages(apps, None)
    PRIVACY_MIGRATION.add_section(apps, None)

    page = member_of_public.get("/privacy/").content.decode()

    assert "E-mail alerts" in page
    assert "If you do not confirm your address within 7 days, it is deleted." in page
    assert InformationPage.objects.get(topic="privacy").body.count("## E-mail alerts") == 1


def test_the_contract_register_links_to_its_alerts(db, member_of_public):
    page = member_of_public.get("/contracts/").content.decode()

    assert 'href="/alerts/?topic=contracts"' in page
    form = member_of_public.get("/alerts/?topic=contracts").content.decode()
    assert re.search(r'value="contracts"[^>]* checked', form)


@pytest.mark.parametrize("query", ["?q=alcohol&category=commissioning", "?topic=forward_plan"])
def test_the_register_and_the_plan_link_to_alerts_with_the_search_kept(
    make_decision, officer, member_of_public, category, query
):
    make_decision(reference="WPCC3-0058", publish_by=officer)  # its category is offered
    page = member_of_public.get(f"/alerts/{query}").content.decode()

    if "topic" in query:
        assert re.search(r'value="forward_plan"[^>]* checked', page)
    else:
        assert 'value="alcohol"' in page
        assert re.search(rf'value="{category.pk}"[^>]* selected', page)
