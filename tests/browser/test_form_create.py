"""A new form, by clicking only from the sign-in page: an administrator creates it for a new
office, adds a field of its own, gives the office its crest and approval wording and offers
the form; an officer starts a decision on it and fills the field in; the decision is signed
off and published, and its public page and the PDF it links to show the field with its label
under the office's name and crest. At a laptop's and a phone's width, with no serious or
critical accessibility problem."""

import io
import struct
import zlib

import pytest
from pypdf import PdfReader

from decisions.models import Decision, DecisionStatus, DecisionTemplate
from tests.browser.journeys import fits, follow, people, sign_in, take_step  # noqa: F401

pytestmark = pytest.mark.browser

FORM = "Decision notice of the Mayor's office"
OFFICE = "Office of the Mayor for Policing and Crime"
LABEL = "Police and Crime Plan priority"
PRIORITY = "Keeping young people safe from serious violence"
TITLE = "A second year of the youth diversion scheme"
CREST = "The Mayor's crest: a shield with a portcullis"


def png(width: int = 4, height: int = 4) -> bytes:
    """A small, valid PNG image: a grey square."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_new_form_is_created_offered_and_used_to_publish_a_decision(
    people,  # noqa: F811
    live_server,
    screen,
    axe,
):
    phone = screen.viewport_size["width"] < 400
    check = axe if phone else None

    # The administrator creates the form, for an office the register does not hold yet.
    sign_in(screen, live_server, people["admin"])
    follow(screen, "Set up your office's forms", heading="Decision forms")
    screen.get_by_role("button", name="Create a form").click()
    screen.get_by_role("heading", name="Create a form", level=1).wait_for()
    fits(screen)
    screen.get_by_label("Name", exact=True).fill(FORM)
    screen.get_by_label("Or a new office: its name").fill(OFFICE)
    screen.get_by_label("The new office's address").fill("1 High Street\nAnytown")
    screen.get_by_label("References").fill("MO-{number:03}")
    screen.get_by_label("Not numbered").check()
    screen.get_by_label("Sections").fill("Background\nRecommendation")
    screen.get_by_label("Offer this form for new decisions").uncheck()
    if check:
        check(screen)
    screen.get_by_role("button", name="Create the form").click()
    screen.get_by_role("heading", name=FORM, level=1).wait_for()
    assert screen.get_by_text("has been created").is_visible()
    fits(screen)

    # It adds a field of the form's own, then offers the form.
    screen.get_by_role("button", name="Add an element").click()
    screen.get_by_role("heading", name="Add an element", level=1).wait_for()
    screen.get_by_label("What it is").select_option(label="One of the form's own fields")
    screen.get_by_label("Label", exact=True).fill(LABEL)
    screen.get_by_label("Field name").fill("plan_priority")
    screen.get_by_label("Type of field").select_option(label="Text")
    screen.get_by_role("button", name="Add element").click()
    screen.get_by_text("has been added to the form").wait_for()
    # It gives the new office its crest, from the form's page.
    follow(screen, "Change the office's details", heading="Change the office's details")
    # The GOV.UK file upload puts a "Choose file" button, with the field's id, in front of
    # the file input.
    with screen.expect_file_chooser() as chooser:
        screen.locator("#id_logo").click()
    chooser.value.set_files(files=[{"name": "crest.png", "mimeType": "image/png", "buffer": png()}])
    screen.get_by_label("What the crest shows (optional)").fill(CREST)
    if check:
        check(screen)
    screen.get_by_role("button", name="Save changes").click()
    screen.get_by_text("have been saved").wait_for()
    fits(screen)
    follow(screen, "Change the form's settings", heading="Change the form's settings")
    screen.get_by_label("Offer this form for new decisions").check()
    screen.get_by_role("button", name="Save changes").click()
    screen.get_by_text("settings have been saved").wait_for()
    form = DecisionTemplate.objects.get(name=FORM)
    assert (form.office.name, form.is_active) == (OFFICE, True)

    # An officer starts a decision on it and fills the field in, with the sections.
    sign_in(screen, live_server, people["officer"])
    screen.get_by_role("button", name="Start a new decision").click()
    screen.get_by_label(FORM).check()
    fits(screen)
    screen.get_by_role("button", name="Continue").click()
    screen.get_by_label("Title", exact=True).fill(TITLE)
    screen.get_by_role("textbox", name=form.summary_label).fill(
        "To fund the scheme for a second year."
    )
    screen.get_by_role("button", name="Continue").click()
    screen.get_by_role("button", name="Open the draft").click()
    screen.wait_for_load_state()
    screen.get_by_role("textbox", name=LABEL).fill(PRIORITY)
    screen.get_by_role("textbox", name="Background", exact=True).fill(
        "The scheme kept most of the young people it worked with out of court."
    )
    screen.get_by_role("textbox", name="Recommendation", exact=True).fill(
        "That the Mayor funds the scheme for a second year."
    )
    fits(screen)
    if check:
        check(screen)
    screen.get_by_role("button", name="Save changes").click()
    screen.get_by_role("heading", name=TITLE, level=1).wait_for()
    decision = Decision.objects.get(title=TITLE)
    assert decision.reference == "MO-001"
    assert decision.field_values.get(name="plan_priority").value == PRIORITY

    # It is submitted, signed off and approved, each step by clicking.
    take_step(screen, "Submit for sign-off")
    for who, button, answers in (
        ("treasurer", "Sign off", {"Comments from the Treasurer": "Met from the budget."}),
        (
            "monitoring",
            "Add comments and pass on",
            {"Comments from the Chief Executive and Monitoring Officer": "No legal concerns."},
        ),
        ("pcc", "Approve and sign", None),
    ):
        sign_in(screen, live_server, people[who])
        follow(screen, decision.reference, heading=TITLE)
        take_step(screen, button, answers)
    sign_in(screen, live_server, people["officer"])
    follow(screen, decision.reference, heading=TITLE)
    screen.locator(".app-workflow").get_by_role("button", name="Publish", exact=True).click()
    screen.wait_for_selector("#publish")
    screen.get_by_role("button", name="Publish this decision").click()
    screen.wait_for_load_state()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PUBLISHED

    # The public page shows the field with its label, under the new office's name.
    screen.context.clear_cookies()
    screen.goto(f"{live_server.url}/")
    follow(screen, TITLE, heading=TITLE)
    main = screen.locator("main")
    assert main.get_by_text(LABEL).is_visible()
    assert main.get_by_text(PRIORITY).is_visible()
    assert screen.locator(".app-header__office-name").inner_text() == OFFICE
    assert main.get_by_role("img", name=CREST).is_visible()
    if check:
        check(screen)

    # The PDF the page links to reads the same, and draws the crest.
    link = main.get_by_role("link", name="Download this record as a PDF")
    answer = screen.request.get(live_server.url + link.get_attribute("href"))
    assert answer.status == 200
    pdf = PdfReader(io.BytesIO(answer.body()))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert OFFICE in text and LABEL in text and PRIORITY in text
    assert any(page.images for page in pdf.pages)
