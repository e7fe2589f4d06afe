"""Each office's form, whole: the public page and PDFs follow the form's office and layout."""

import csv
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfReader

from decisions.models import (
    Decision,
    DecisionTemplate,
    ElementKind,
    FieldType,
    FieldValue,
    FormElement,
    Office,
)
from decisions.models.layout import clean_value, value_in_words
from decisions.models.offices import office_name, validate_logo
from decisions.publication import public_record_of
from decisions.workflow import WorkflowError
from tests.factories import DecisionTemplateFactory

LEICESTERSHIRE = "Office of the Police and Crime Commissioner for Leicestershire"


def page_text(response) -> str:
    text = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_order(text: str, facts: list[str]) -> None:
    """Each fact is in the text, after the one before it."""
    at = 0
    for fact in facts:
        found = text.find(fact, at)
        assert found >= 0, f"{fact!r} is not after {text[max(at - 80, 0) : at]!r}"
        at = found + len(fact)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


# The second office's decision notice, in its form's order, with its own labels.
NOTICE = [
    "Decision notice DN2021-014",
    "Protective marking OFFICIAL",
    "Decision number DN2021-014",
    "Title Substance misuse treatment",
    "Author and job role Simon Down, Head of Strategy and Commissioning",
    "Police and Crime Plan priority Reducing reoffending",
    "Date of decision 10 June 2021",
    "Date published 14 June 2021",
    "Executive summary The county and Rutland councils",
    "Decision",
    "Recommendation That the Commissioner",
    "I approve the recommendation above.",
    "Approved by",
    "Demo Commissioner for Leicestershire",
    "Supporting information",
    "Background The Commissioner's office has been working",
    "Risks Two providers",
    "Financial implications The request",
    "Consultation The office has set out",
    "Declaration of interests None.",
]
# Rows and blocks of Warwickshire's form that the notice's form does not have.
NOT_ON_THE_NOTICE = [
    "Category",
    "If force business",
    "Status",
    "Comments from the",
    "Warwickshire",
    "Decision reference number",
    "1. Recommendation",
    "1. Background",
]


def test_the_second_office_public_page_reads_as_its_own_form(demo, client):
    response = client.get("/decisions/DN2021-014/")
    text = page_text(response)
    header = response.content.decode().split('app-header__office-name">')[1].split("<")[0]

    assert header == LEICESTERSHIRE
    in_order(text, ["Police Headquarters", *NOTICE])
    main = text.split("Download this record as a PDF")[1]
    assert [row for row in NOT_ON_THE_NOTICE if row in main] == []

    exported = client.get("/decisions.json").json()["decisions"]
    notice = next(item for item in exported if item["reference"] == "DN2021-014")
    assert notice["plan_priority"] == "Reducing reoffending"
    assert "report_author" not in notice


def test_the_second_office_pdf_reads_as_its_own_form(demo, client):
    text = pdf_text(client.get("/decisions/DN2021-014.pdf"))

    in_order(text, [LEICESTERSHIRE, "Police Headquarters", "DECISION NOTICE", *NOTICE[1:]])
    assert [row for row in NOT_ON_THE_NOTICE if row in text] == []


def test_the_executive_order_numbers_its_supporting_report_from_one(demo, django_user_model):
    officer = django_user_model.objects.get(username="officer")
    form = DecisionTemplate.objects.get(name="Executive order and supporting report")
    decision = Decision.start(template=form, by=officer, title="Interim victims' services")
    FieldValue.objects.create(decision=decision, name="report_date", value="2023-03")
    FieldValue.objects.create(decision=decision, name="report_author", value="Sara Ansell")

    from decisions.publication import public_record

    record = public_record(decision)

    numbered = [(s.part, s.number, s.heading) for s in record.sections]
    assert numbered[:3] == [
        ("Executive order", 1, "Order"),
        ("Executive order", 2, "Reasons for the order"),
        ("Supporting report", 1, "Executive summary"),
    ]
    rows = {e.label: e.value for e in record.layout if e.is_row}
    assert rows["Date of report"] == "March 2023"
    assert rows["Report author"] == "Sara Ansell"
    assert record.document_title == "Executive order"
    parts = [group.part_heading for group in record.groups if group.part_heading]
    assert parts == ["Executive order", "Supporting report"]


@pytest.fixture
def notice_form(db, officer):
    office = Office.objects.create(
        name="Office of the Police, Fire and Crime Commissioner for Testshire",
        approval_statement="I approve the recommendation.",
    )
    form = DecisionTemplateFactory(
        office=office,
        numbering=DecisionTemplate.Numbering.NONE,
        sections=[
            {"heading": "Recommendation", "part": "Decision"},
            {"heading": "", "part": "Report"},
        ],
    )
    for element in [
        {"kind": ElementKind.REFERENCE, "label": "Notice number"},
        {"kind": ElementKind.TITLE, "label": "Subject"},
        {"kind": ElementKind.AUTHOR, "label": "Officer", "is_required": True},
        {"kind": ElementKind.SECTIONS, "part": "Decision"},
        {"kind": ElementKind.APPROVAL, "part": "Decision"},
        {"kind": ElementKind.SIGNATURES, "label": "Signed", "part": "Decision"},
        {"kind": ElementKind.SECTIONS, "part": "Report"},
        {
            "kind": ElementKind.FIELD,
            "name": "budget",
            "field_type": FieldType.MONEY,
            "label": "Budget",
            "is_public": False,
        },
    ]:
        form.add_element(by=officer, **element)
    return form


def draft_on(form, officer, **fields) -> Decision:
    decision = Decision.start(template=form, by=officer, title="A notice", **fields)
    for section in decision.sections.all():
        section.text = f"Text of {section.heading or 'the report'}."
        section.save()
    return decision


def test_the_layout_draws_only_the_forms_public_elements_in_its_order(notice_form, officer):
    decision = draft_on(notice_form, officer, author_job_role="Head of Commissioning")
    FieldValue.objects.create(decision=decision, name="budget", value="1250.00")

    from decisions.publication import public_record

    record = public_record(decision)

    assert [(e.kind, e.label) for e in record.layout] == [
        ("reference", "Notice number"),
        ("title", "Subject"),
        ("author", "Officer"),
        ("sections", ""),
        ("approval", "Approval statement"),
        # No signature yet: the block is drawn once there is one.
        ("sections", ""),
    ]
    assert record.office_name == notice_form.office.name
    # Unnumbered, and the report's section has no heading.
    assert [(s.number, s.heading) for s in record.sections] == [
        (None, "Recommendation"),
        (None, ""),
    ]
    approval = next(e for e in record.layout if e.kind == ElementKind.APPROVAL)
    assert approval.text == "I approve the recommendation."
    assert "1250" not in str(record)


def test_a_required_public_element_left_empty_is_refused_at_publication(notice_form, officer):
    decision = draft_on(notice_form, officer)
    # A record taken outside the register that does not say who wrote it.
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.APPROVED, author_name="")
    decision.refresh_from_db()

    with pytest.raises(WorkflowError, match="Officer"):
        decision.publish(by=officer)

    FieldValue.objects.create(decision=decision, name="author", is_not_recorded=True)
    decision.publish(by=officer)
    record = public_record_of(decision.reference)
    officer_row = next(e for e in record.layout if e.label == "Officer")
    assert (officer_row.value, officer_row.not_recorded) == ("", True)


def test_changing_the_form_does_not_change_a_published_record(notice_form, officer, client):
    decision = draft_on(notice_form, officer, author_job_role="Head of Commissioning")
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.APPROVED)
    decision.refresh_from_db()
    decision.publish(by=officer)
    before = client.get(decision.get_absolute_url()).content

    subject = notice_form.elements.get(kind=ElementKind.TITLE)
    subject.label = "Matter"
    subject.save()
    notice_form.remove_element(notice_form.elements.get(kind=ElementKind.AUTHOR), by=officer)
    notice_form.office.name = "A successor body"
    notice_form.office.save()

    assert client.get(decision.get_absolute_url()).content == before
    titles = [e["label"] for e in notice_form.layout_data()["elements"] if e["kind"] == "title"]
    assert titles == ["Matter"]


def test_elements_are_reordered_in_one_go(notice_form, officer):
    elements = list(notice_form.elements.order_by("position"))
    notice_form.reorder_elements([e.pk for e in reversed(elements)], by=officer)

    assert list(notice_form.elements.order_by("position")) == list(reversed(elements))
    assert [e.position for e in notice_form.elements.order_by("position")] == list(
        range(1, len(elements) + 1)
    )
    with pytest.raises(ValidationError):
        notice_form.reorder_elements([elements[0].pk], by=officer)


def test_an_element_added_in_the_middle_moves_the_rest_down(notice_form, officer):
    added = notice_form.add_element(
        by=officer, position=2, kind=ElementKind.PROTECTIVE_MARKING, text="OFFICIAL"
    )

    kinds = list(notice_form.elements.order_by("position").values_list("kind", flat=True))
    assert kinds[:3] == ["reference", "protective_marking", "title"]
    assert FormElement.objects.get(pk=added.pk).position == 2


def test_an_own_field_needs_a_name_type_and_choices():
    form = DecisionTemplate(name="x", reference_format="X{number}")
    element = FormElement(
        form=form,
        position=1,
        kind=ElementKind.FIELD,
        name="Plan",
        label="Plan",
        field_type=FieldType.CHOICE,
        choices=[],
    )
    with pytest.raises(ValidationError) as raised:
        element.clean()
    assert "name" in raised.value.message_dict


@pytest.mark.parametrize(
    ("field_type", "given", "stored", "shown"),
    [
        (FieldType.DATE, "2021", "2021", "2021"),
        (FieldType.DATE, "2021-03", "2021-03", "March 2021"),
        (FieldType.DATE, "2021-03-15", "2021-03-15", "15 March 2021"),
        (FieldType.DATE, "March 2021", "2021-03", "March 2021"),
        (FieldType.DATE, "15/03/2021", "2021-03-15", "15 March 2021"),
        (FieldType.MONEY, "£1,250", "1250.00", "£1,250.00"),
        (FieldType.YES_NO, "Y", "yes", "Yes"),
    ],
)
def test_own_field_values_are_stored_with_their_precision(field_type, given, stored, shown):
    assert clean_value(field_type, given) == stored
    assert value_in_words(field_type, stored) == shown


@pytest.mark.parametrize("given", ["2021-13", "30/02/2021", "2021-02-30", "spring"])
def test_a_date_that_is_not_a_year_month_or_day_is_refused(given):
    with pytest.raises(ValidationError):
        clean_value(FieldType.DATE, given)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (PNG, True),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, True),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', True),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', False),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', False),
        (b'<svg><image href="https://example.com/x.png"/></svg>', False),
        (b"GIF89a" + b"\x00" * 64, False),
        (PNG + b"\x00" * 200 * 1024, False),
    ],
)
def test_a_crest_is_a_small_png_jpeg_or_plain_svg(content, accepted):
    upload = SimpleUploadedFile("crest", content)
    if accepted:
        validate_logo(upload)
    else:
        with pytest.raises(ValidationError):
            validate_logo(upload)


def test_a_form_without_an_office_is_headed_with_the_install_office(db, settings, officer):
    settings.OFFICE_NAME = "Office of the Police and Crime Commissioner for Elsewhere"
    form = DecisionTemplateFactory()

    assert form.layout_data()["office"]["name"] is None
    assert office_name(form.layout_data()) == settings.OFFICE_NAME


def test_the_staff_page_and_csv_show_the_forms_own_fields(notice_form, officer, client):
    decision = draft_on(notice_form, officer)
    FieldValue.objects.create(decision=decision, name="budget", value="1250.00")
    unknown = draft_on(notice_form, officer)
    FieldValue.objects.create(decision=unknown, name="budget", is_not_recorded=True)
    client.force_login(officer)

    page = page_text(client.get(f"/workspace/decisions/{decision.reference}/"))
    exported = client.get("/workspace/decisions/export.csv").content.decode("utf-8-sig")

    assert f"Office {notice_form.office.name}" in page
    assert "Budget £1,250.00 Not on the public record" in page
    header, *rows = csv.reader(io.StringIO(exported))
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert header[:4] == ["Reference", "Title", "Form", "Office"]
    assert header[-1] == "budget"
    assert by_reference[decision.reference]["Office"] == notice_form.office.name
    assert by_reference[decision.reference]["budget"] == "1250.00"
    # Said in words, not an empty cell, which means no value was given.
    assert by_reference[unknown.reference]["budget"] == "Not recorded"


@pytest.fixture
def form_with_fields(notice_form, officer):
    notice_form.add_element(
        by=officer,
        position=3,
        kind=ElementKind.FIELD,
        name="plan_priority",
        field_type=FieldType.CHOICE,
        label="Plan priority",
        choices=["Victims", "Reoffending"],
    )
    notice_form.add_element(
        by=officer, position=4, kind=ElementKind.REPORT_DATE, label="Date of report"
    )
    return notice_form


def test_the_editor_asks_for_the_forms_own_fields_in_its_order(form_with_fields, officer, client):
    from tests.workspace.conftest import form_fields

    decision = draft_on(form_with_fields, officer)
    client.force_login(officer)
    url = f"/workspace/decisions/{decision.reference}/edit/"
    page = client.get(url)
    content = page.content.decode()
    assert content.index("Plan priority") < content.index("Date of report")
    assert content.index("Date of report") < content.index("Budget")

    data = form_fields(page)
    data["own-plan_priority-value"] = "Reoffending"
    # A day, a month or a year, in GOV.UK's three boxes (commissioning.dates).
    data.update({"own-report_date-value_month": "13", "own-report_date-value_year": "2021"})
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Date of report must be a real date" in refused.content.decode()
    assert not FieldValue.objects.filter(decision=decision).exists()

    data["own-report_date-value_month"] = "3"
    data["own-budget-value"] = "£2,500"
    assert client.post(url, data).status_code == 302
    stored = dict(FieldValue.objects.filter(decision=decision).values_list("name", "value"))
    assert stored == {"plan_priority": "Reoffending", "report_date": "2021-03", "budget": "2500.00"}
    assert FieldValue.objects.get(name="budget").history.first().history_user == officer


def test_the_editor_asks_only_for_the_rows_the_form_has(notice_form, officer, client):
    client.force_login(officer)
    notice = draft_on(notice_form, officer)
    first = draft_on(DecisionTemplateFactory(), officer)  # the register's first layout

    on_notice = client.get(f"/workspace/decisions/{notice.reference}/edit/").content.decode()
    on_first = client.get(f"/workspace/decisions/{first.reference}/edit/").content.decode()

    rows = ["category", "lead_officers", "is_force_business", "declaration_of_interests"]
    assert [row for row in rows if f'name="{row}"' in on_notice] == []
    assert [row for row in rows if f'name="{row}"' in on_first] == rows
    assert 'name="title"' in on_notice and 'name="summary"' in on_notice


def test_the_forms_own_fields_come_back_from_the_open_data_export(
    form_with_fields, officer, client
):
    from decisions.importing import DecisionImport

    decision = draft_on(form_with_fields, officer, author_job_role="Head of Commissioning")
    FieldValue.objects.create(decision=decision, name="plan_priority", value="Victims")
    FieldValue.objects.create(decision=decision, name="report_date", is_not_recorded=True)
    FieldValue.objects.create(decision=decision, name="budget", value="900.00")
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.APPROVED)
    decision.refresh_from_db()
    decision.publish(by=officer)
    exported = client.get("/decisions.json")
    item = exported.json()["decisions"][0]
    assert (item["plan_priority"], item["report_date"]) == ("Victims", None)
    assert (item["form"], item["office"]) == (form_with_fields.name, form_with_fields.office.name)
    assert "budget" not in item  # not on the public record
    before = page_text(client.get(decision.get_absolute_url()))
    for row in (*decision.signatures.all(), *decision.workflow_events.all(), decision):
        row.delete()

    result = DecisionImport(exported.content, "decisions.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == [], [str(warning) for warning in result.warnings]
    result.write(by=officer)

    again = Decision.objects.get(reference=decision.reference)
    assert dict(again.field_values.values_list("name", "value")) == {
        "plan_priority": "Victims",
        "report_date": "",
    }
    assert client.get("/decisions.json").json() == exported.json()
    assert "Plan priority Victims" in page_text(client.get(decision.get_absolute_url()))
    assert "Date of report Not recorded" in before


def test_a_csv_gives_the_forms_own_fields_as_columns_by_name(form_with_fields, officer):
    from decisions.importing import DecisionImport

    rows = (
        "reference,title,form,decided_on,Plan Priority,report_date,colour\n"
        f"N-1,A notice,{form_with_fields.name},2021-06-01,Reoffending,2021,blue\n"
        f"N-2,Another,{form_with_fields.name},2021-06-02,Burglary,2021-02-30,\n"
    )
    result = DecisionImport(rows.encode(), "notices.csv")

    problems = [(p.column, p.reason) for p in result.problems]
    assert problems == [
        ("Plan Priority", "Choose one of: Victims, Reoffending."),
        (
            "report_date",
            "Enter a date as a year (2021), a month (March 2021 or 2021-03) or a day "
            "(15 March 2021 or 2021-03-15).",
        ),
    ]
    assert [w.column for w in result.warnings] == ["colour"]


def test_a_record_imported_from_the_command_line_keeps_its_layout(form_with_fields):
    from decisions.importing import DecisionImport
    from decisions.models import RecordLayout

    rows = (
        "reference,title,form,decided_on,published_on,plan_priority,section_1_heading,"
        "section_1_text\n"
        f"N-1,A notice,{form_with_fields.name},2021-06-01,2021-06-02,Victims,Recommendation,"
        "Approve.\n"
    )
    result = DecisionImport(rows.encode(), "notices.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=None)

    kept = RecordLayout.objects.get(decision__reference="N-1")
    assert [e["label"] for e in kept.layout["elements"]][:3] == [
        "Notice number",
        "Subject",
        "Plan priority",
    ]


# The same record on the staff page and the internal PDF: the form's order and labels too.
STAFF_NOTICE = [
    "Decision notice",
    "Protective marking OFFICIAL",
    "Decision number DN2021-014",
    "Title Substance misuse treatment",
    "Author and job role Simon Down, Head of Strategy and Commissioning",
    "Police and Crime Plan priority Reducing reoffending",
    "Date of decision 10 June 2021",
    "Date published 14 June 2021",
    "Executive summary The county and Rutland councils",
    "Decision",
    "Recommendation That the Commissioner",
    "I approve the recommendation above.",
    "Approved by",
    "Supporting information",
    "Background The Commissioner's office has been working",
    "Risks Two providers",
    "Consultation The office has set out",
    "Declaration of interests None.",
]
NOT_ON_THE_STAFF_NOTICE = [
    "Category",
    "If force business",
    "Comments from the",
    "Decision reference number",
    "1. Recommendation",
    "1. Background",
]


def test_the_second_office_staff_page_and_internal_pdf_read_as_its_own_form(
    demo, client, django_user_model
):
    client.force_login(django_user_model.objects.get(username="leicspcc"))

    page = page_text(client.get("/workspace/decisions/DN2021-014/"))
    record = page.split("The record, as its form sets it out")[1]
    internal = pdf_text(client.get("/workspace/decisions/DN2021-014.pdf"))

    assert f"Office {LEICESTERSHIRE}" in page
    in_order(record, STAFF_NOTICE)
    assert [row for row in NOT_ON_THE_STAFF_NOTICE if row in record] == []
    assert internal.startswith(f"NOT FOR PUBLICATION {LEICESTERSHIRE}")
    in_order(internal, [LEICESTERSHIRE, "DECISION NOTICE", *STAFF_NOTICE[1:]])
    assert [row for row in NOT_ON_THE_STAFF_NOTICE if row in internal] == []
