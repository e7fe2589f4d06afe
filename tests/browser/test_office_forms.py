"""The demo's second office's decision notice in a real browser: its own office and form, at
a desktop and a phone's width, with no serious or critical accessibility problem."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command

from decisions.models import Office

pytestmark = pytest.mark.browser

LEICESTERSHIRE = "Office of the Police and Crime Commissioner for Leicestershire"
CREST = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">'
    b'<circle cx="20" cy="20" r="18" fill="#1d70b8"/></svg>'
)


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A live server test flushes the database afterwards: make the role groups again.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    office = Office.objects.get(name=LEICESTERSHIRE)
    office.logo.save("crest.svg", ContentFile(CREST), save=False)
    office.logo_description = "The office's crest"
    office.save()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_second_office_notice_reads_as_its_own_form(demo, live_server, page, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(live_server.url + "/decisions/DN2021-014/")

    assert response.status == 200
    assert page.locator(".app-header__office-name").inner_text() == LEICESTERSHIRE
    assert page.get_by_role("img", name="The office's crest").is_visible()
    main = page.locator("main")
    assert main.get_by_text("Decision notice DN2021-014").is_visible()
    assert main.get_by_role("heading", name="Recommendation").is_visible()
    assert main.get_by_role("heading", name="Supporting information").is_visible()
    assert main.get_by_text("Police and Crime Plan priority").is_visible()
    assert main.get_by_text("Category", exact=True).count() == 0
    # Nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe(page)
