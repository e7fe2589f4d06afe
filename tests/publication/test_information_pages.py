"""The footer's information pages: accessibility, privacy, cookies, contact and FOI, open data."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import resolve

from commissioning.information import blocks
from commissioning.models import InformationPage, InformationTopic

MIGRATION = importlib.import_module("commissioning.migrations.0004_information_page_defaults")

PAGES = {
    "/accessibility/": "Accessibility statement",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
    "/contact/": "Contact us and freedom of information requests",
    "/open-data/": "Open data licence",
}


@pytest.fixture(autouse=True)
def information_pages(db):
    """The pages of migration 0004, made again if a transactional test flushed them."""
    MIGRATION.create_pages(apps, None)


def footer_links(html: str) -> set[str]:
    footer = html[html.index('<footer class="govuk-footer">') :]
    return set(re.findall(r'class="govuk-footer__link" href="([^"]+)"', footer))


@pytest.mark.parametrize(("address", "title"), PAGES.items())
def test_each_page_answers_anyone_with_its_title(member_of_public, address, title):
    response = member_of_public.get(address)

    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in response.content.decode()
    assert response.content.decode().count("<h1") == 1


def test_the_addresses_are_the_fixed_set():
    assert {page.get_absolute_url() for page in InformationPage.objects.all()} == set(PAGES)
    assert len(InformationTopic.values) == len(PAGES)


def test_the_home_page_footer_links_to_every_page(member_of_public):
    assert footer_links(member_of_public.get("/").content.decode()) == set(PAGES)


def test_a_staff_page_footer_links_to_every_page(client_for, officer):
    response = client_for(officer).get("/workspace/")

    assert response.status_code == 200
    assert footer_links(response.content.decode()) == set(PAGES)


def test_the_phase_banner_asks_for_feedback_on_the_contact_page(member_of_public):
    home = member_of_public.get("/").content.decode()
    contact = member_of_public.get("/contact/").content.decode()

    banner = home[home.index('class="govuk-phase-banner"') :]
    banner = banner[: banner.index("</div>")]
    assert 'href="/contact/#feedback"' in banner
    assert '<h2 class="govuk-heading-m" id="feedback">Feedback</h2>' in contact


def test_the_phase_banner_is_inside_the_header_landmark(member_of_public):
    home = member_of_public.get("/").content.decode()

    header = home[home.index("<header>") : home.index("</header>")]
    assert 'class="govuk-phase-banner"' in header
    assert 'class="govuk-header"' in header
    # One banner landmark: the GOV.UK header inside it is not a second <header>.
    assert home.count("<header") == 1


def test_the_office_name_is_the_one_configured(member_of_public, settings):
    settings.OFFICE_NAME = "Office of the Police, Fire and Crime Commissioner for Testshire"

    for address in ["/accessibility/", "/privacy/", "/open-data/", "/contact/"]:
        page = member_of_public.get(address).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        assert settings.OFFICE_NAME in main, address
        assert "Warwickshire" not in main, address
        assert "{office}" not in main, address


def test_the_open_data_page_names_the_licence_and_links_the_files(member_of_public):
    page = member_of_public.get("/open-data/").content.decode()

    assert "Open Government Licence v3.0" in page
    for address in ["/decisions.json", "/contracts.csv", "/contracts/ocds.json"]:
        assert f'<a class="govuk-link" href="{address}">' in page
        resolve(address)  # an address the site answers (the OCDS file once there is data)


def test_the_public_pages_set_no_cookie_as_the_cookies_page_says(member_of_public):
    for address in ["/", "/decisions/", "/contracts/", *PAGES]:
        assert not member_of_public.get(address).cookies, address


def test_the_cookies_page_names_the_cookies_signing_in_sets(member_of_public, settings):
    sign_in = member_of_public.get("/accounts/login/")
    page = member_of_public.get("/cookies/").content.decode()

    assert set(sign_in.cookies) == {settings.CSRF_COOKIE_NAME}
    for cookie in [settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME, "messages"]:
        assert f"<li>{cookie}:" in page


def test_an_administrators_edit_shows_on_the_page_and_is_in_the_history(
    client_for, administrator, admin_form_data, member_of_public
):
    page = InformationPage.objects.get(topic=InformationTopic.CONTACT)
    admin = client_for(administrator)
    change = f"/admin/commissioning/informationpage/{page.pk}/change/"
    data = admin_form_data(admin.get(change))
    data["body"] = (
        "## Contact the office\n\nWrite to us at [foi@opcc.example](mailto:foi@opcc.example)."
    )
    data["last_reviewed"] = "8/12/2026"

    response = admin.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    shown = member_of_public.get("/contact/").content.decode()
    assert '<a class="govuk-link" href="mailto:foi@opcc.example">foi@opcc.example</a>' in shown
    assert "Last reviewed 8 December 2026." in shown
    latest = page.history.latest()
    assert latest.history_user == administrator
    assert latest.body.startswith("## Contact the office\n")
    assert page.history.count() == 2


def test_the_first_wording_is_the_first_version_in_the_history():
    for page in InformationPage.objects.all():
        assert page.history.earliest().history_type == "+"


def test_the_migration_never_overwrites_an_offices_wording():
    InformationPage.objects.filter(topic="cookies").update(title="Our cookies")

    MIGRATION.create_pages(apps, None)

    assert InformationPage.objects.get(topic="cookies").title == "Our cookies"
    assert InformationPage.objects.count() == len(PAGES)


def test_an_administrator_can_neither_delete_a_page_nor_add_a_second(client_for, administrator):
    admin = client_for(administrator)
    page = InformationPage.objects.get(topic=InformationTopic.PRIVACY)

    assert admin.get(f"/admin/commissioning/informationpage/{page.pk}/delete/").status_code == 403
    assert admin.get("/admin/commissioning/informationpage/add/").status_code == 403


def test_staff_who_are_not_administrators_cannot_edit_the_pages(client_for, officer):
    response = client_for(officer).get("/admin/commissioning/informationpage/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_missing_page_is_not_found_and_can_be_added_back(client_for, administrator):
    InformationPage.objects.filter(topic="cookies").delete()

    assert Client().get("/cookies/").status_code == 404
    assert (
        client_for(administrator).get("/admin/commissioning/informationpage/add/").status_code
        == 200
    )


def test_html_typed_into_a_page_is_shown_as_text(member_of_public):
    InformationPage.objects.filter(topic="privacy").update(
        title="Privacy <b>notice</b>",
        body=(
            "<script>alert('x')</script>\n\n"
            '## <img src=x onerror="alert(1)">\n\n'
            "- [click](javascript:alert(1))\n"
            '- [quoted](/x" onclick="alert(1))'
        ),
    )

    page = member_of_public.get("/privacy/").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<img" not in page
    assert "Privacy &lt;b&gt;notice&lt;/b&gt;" in page
    assert 'href="javascript' not in page
    assert "onclick" not in page.replace("onclick=&quot;", "")


def test_the_body_reads_headings_paragraphs_lists_and_links():
    body = (
        "A paragraph\nover two lines, with [a link](/contact/).\n\n"
        "## A heading for {office}\n"
        "- one\n"
        "- two with [mail](mailto:a@b.example)\n"
        "After the list.\n\n"
        "### Smaller"
    )

    read = blocks(body, "The Office")

    assert [(block.kind, block.level) for block in read] == [
        ("paragraph", 0),
        ("heading", 2),
        ("list", 0),
        ("paragraph", 0),
        ("heading", 3),
    ]
    assert read[0].text == (
        'A paragraph over two lines, with <a class="govuk-link" href="/contact/">a link</a>.'
    )
    assert (read[1].text, read[1].anchor) == (
        "A heading for The Office",
        "a-heading-for-the-office",
    )
    assert read[2].items == [
        "one",
        'two with <a class="govuk-link" href="mailto:a@b.example">mail</a>',
    ]


def test_a_page_outside_the_fixed_set_is_refused(assert_refused):
    page = InformationPage(
        topic="terms", title="Terms", body="Terms.", last_reviewed=datetime.date(2026, 12, 7)
    )

    assert_refused(
        page,
        "information_page_topic_known",
        field="topic",
        message="Value 'terms' is not a valid choice.",
    )


def test_a_second_page_for_a_topic_is_refused(assert_refused):
    page = InformationPage(
        topic="cookies", title="Cookies", body="Again.", last_reviewed=datetime.date(2026, 12, 7)
    )

    assert_refused(
        page, "topic", field="topic", message="Information page with this Topic already exists."
    )


@pytest.mark.parametrize("key", ["1.5", "é"])
def test_a_history_address_with_an_impossible_key_is_not_found(client_for, administrator, key):
    admin = client_for(administrator)
    page = InformationPage.objects.get(topic="cookies")
    version = page.history.first().history_id
    base = "/admin/commissioning/informationpage"

    answers = [
        admin.get(f"{base}/{key}/history/").status_code,
        admin.get(f"{base}/{key}/history/{version}/").status_code,
        admin.get(f"{base}/{page.pk}/history/{key}/").status_code,
        admin.get(f"{base}/{page.pk}/history/").status_code,
    ]

    assert answers == [404, 404, 404, 200]


def test_the_open_data_page_says_what_a_field_not_recorded_reads_as(member_of_public):
    page = member_of_public.get("/open-data/").content.decode()

    assert "(office)" in page
    assert "is null: the record says &quot;Not recorded&quot;" in page
    assert "a field recorded as not recorded says &quot;Not recorded&quot;" in page
