"""The site's icon: its own, linked from every page, and where browsers look for it anyway."""

from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.test import Client

ICON = "images/favicon.svg"


def test_every_page_links_to_the_sites_own_icon(db):
    for path in ["/", "/decisions/", "/contracts/", "/accounts/login/", "/no-such-page/"]:
        page = Client().get(path).content.decode()
        assert f'<link rel="icon" href="/static/{ICON}" type="image/svg+xml">' in page, path


def test_favicon_ico_sends_browsers_to_the_icon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == f"/static/{ICON}"
    assert Client().post("/favicon.ico").status_code == 405


def test_the_icon_is_a_titled_svg_image():
    path = finders.find(ICON)
    assert path, "the icon is not among the static files"
    root = ElementTree.parse(path).getroot()  # noqa: S314 (the project's own file)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Commissioning decisions"
