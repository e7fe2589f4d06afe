"""Opening a decision on a chosen form, and editing it section by section."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.dates import PreciseDate
from decisions.models import Decision, DecisionLink, Exemption
from tests.factories import (
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    ProgrammeFactory,
    StartedDecisionFactory,
)
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

ORDER_SECTIONS = [
    {"heading": "Order", "part": "Executive order", "is_mandatory": True},
    {"heading": "Reasons for the order", "part": "Executive order"},
    {"heading": "Executive summary", "part": "Supporting report"},
    {"heading": "Financial implications", "part": "Supporting report"},
]


@pytest.fixture
def order_form():
    return DecisionTemplateFactory(
        name="Executive order and supporting report",
        reference_format="EXE{number:04}/{yy}",
        summary_label="Summary of the order",
        sections=ORDER_SECTIONS,
    )


@pytest.fixture
def officer_client(client_for, officer):
    return client_for(officer)


def new_decision_data(**changes) -> dict:
    return {
        "reference": "EXE0001/22",
        "title": "Extension of the substance misuse contracts",
        "decision_maker": "pcc",
        **changes,
    }


# -- opening a draft ------------------------------------------------------------------------------


def test_choosing_a_form_leads_to_its_details_page(officer_client, order_form):
    DecisionTemplateFactory(name="Warwickshire decision record (WPCC3)")

    response = officer_client.post(
        reverse("workspace:decision-create"), {"template": order_form.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "workspace:decision-create-details", args=[order_form.pk]
    )


def test_not_choosing_a_form_shows_an_error(officer_client, order_form):
    response = officer_client.post(reverse("workspace:decision-create"), {})

    assert "Select the form the decision is written on" in response.content.decode()


def test_details_page_suggests_the_next_reference_in_the_forms_scheme(officer_client):
    form = DecisionTemplateFactory(reference_format="WPCC3-{number:04}")
    DecisionFactory(template=form, reference="WPCC3-0058")

    response = officer_client.get(reverse("workspace:decision-create-details", args=[form.pk]))

    assert response.context["form"].initial["reference"] == "WPCC3-0059"
    assert 'value="WPCC3-0059"' in response.content.decode()


def test_answers_are_checked_before_the_draft_is_opened(officer_client, order_form):
    url = reverse("workspace:decision-create-details", args=[order_form.pk])

    response = officer_client.post(url, {**new_decision_data(), "check": "1"})

    assert response.status_code == 200
    assert response.templates[0].name == "workspace/decisions/check.html"
    assert "Check your answers" in response.content.decode()
    assert not Decision.objects.exists()


def test_confirming_opens_a_draft_with_the_forms_sections_in_order(
    officer_client, officer, order_form
):
    url = reverse("workspace:decision-create-details", args=[order_form.pk])
    category = DecisionCategoryFactory(name="Commissioning")

    response = officer_client.post(url, {**new_decision_data(category=category.pk), "confirm": "1"})

    decision = Decision.objects.get()
    assert response["Location"] == reverse("workspace:decision-edit", args=["EXE0001/22"])
    assert decision.status == Decision.Status.DRAFT
    assert decision.author == officer
    assert decision.category == category
    assert [s.heading for s in decision.sections.all()] == [s["heading"] for s in ORDER_SECTIONS]
    assert decision.history.first().history_user == officer


def test_changing_answers_returns_to_the_details_with_what_was_entered(officer_client, order_form):
    url = reverse("workspace:decision-create-details", args=[order_form.pk])

    response = officer_client.post(url, {**new_decision_data(), "change": "1"})

    assert response.templates[0].name == "workspace/decisions/new.html"
    assert "Extension of the substance misuse contracts" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_reference_already_taken_is_refused(officer_client, order_form):
    DecisionFactory(reference="EXE0001/22")
    url = reverse("workspace:decision-create-details", args=[order_form.pk])

    response = officer_client.post(url, {**new_decision_data(), "confirm": "1"})

    assert "A decision with this reference already exists" in response.content.decode()
    assert Decision.objects.count() == 1


def test_missing_title_is_an_error_linked_from_the_summary(officer_client, order_form):
    url = reverse("workspace:decision-create-details", args=[order_form.pk])

    response = officer_client.post(url, {**new_decision_data(title=""), "check": "1"})

    content = response.content.decode()
    assert '<a href="#id_title">Enter a title</a>' in content
    assert 'id="id_title_error"' in content


def test_a_delegated_decision_must_cite_its_delegation(officer_client, order_form):
    url = reverse("workspace:decision-create-details", args=[order_form.pk])

    response = officer_client.post(
        url, {**new_decision_data(decision_maker="delegate"), "confirm": "1"}
    )

    assert "Select the delegation the decision is taken under" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_reference_with_a_slash_has_working_pages(officer_client, officer, order_form):
    decision = StartedDecisionFactory(template=order_form, author=officer)

    for name in ("decision-detail", "decision-edit", "decision-history"):
        url = reverse(f"workspace:{name}", args=[decision.reference])
        assert "/" in decision.reference
        assert officer_client.get(url).status_code == 200, name


# -- editing --------------------------------------------------------------------------------------


@pytest.fixture
def draft(officer, order_form):
    return StartedDecisionFactory(template=order_form, author=officer, title="Interim extension")


def edit_url(decision) -> str:
    return reverse("workspace:decision-edit", args=[decision.reference])


def test_editor_lists_the_sections_of_the_form_grouped_by_part(officer_client, draft):
    response = officer_client.get(edit_url(draft))

    content = response.content.decode()
    assert content.index("Executive order") < content.index("Order")
    assert content.index("Reasons for the order") < content.index("Supporting report")
    assert content.index("Supporting report") < content.index("Financial implications")
    assert content.count("Withhold this section") == len(ORDER_SECTIONS)
    assert 'data-aria-controls="conditional-sections-0-withhold"' in content


def test_saving_writes_the_sections_and_records_who(officer_client, officer, draft):
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    data["sections-0-text"] = "The Commissioner extends both contracts by twelve months."

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    section = draft.sections.get(position=1)
    assert section.text == "The Commissioner extends both contracts by twelve months."
    assert section.history.first().history_user == officer


def test_a_section_posted_beyond_the_forms_sections_is_not_added(officer_client, draft):
    """Found by the hostile-input test: an extra section form in the post was saved as a new
    section with no place on the form (a database error, 500)."""
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    extra = int(data["sections-TOTAL_FORMS"])
    data["sections-TOTAL_FORMS"] = str(extra + 1)
    data[f"sections-{extra}-text"] = "A section nobody asked for."
    data["sections-0-text"] = "The Commissioner extends both contracts by twelve months."

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert draft.sections.count() == len(ORDER_SECTIONS)
    assert not draft.sections.filter(text="A section nobody asked for.").exists()
    assert draft.sections.get(position=1).text.startswith("The Commissioner extends")


def test_withholding_a_section_needs_an_exemption(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data["sections-3-text"] = "The extensions cost 412,750 pounds."
    data["sections-3-is_withheld"] = "on"

    response = officer_client.post(edit_url(draft), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose the exemption for withholding Financial implications" in content
    assert 'href="#id_sections-3-exemption"' in content
    # The reveal stays open so the officer sees the field with the error.
    assert 'id="conditional-sections-3-withhold"' in content
    assert 'conditional-sections-3-withhold"' in content
    assert not draft.sections.get(position=4).is_withheld
    assert draft.sections.get(position=4).text == ""


def test_a_qualified_exemption_needs_a_public_interest_statement(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data["sections-3-is_withheld"] = "on"
    data["sections-3-exemption"] = Exemption.S43_2

    response = officer_client.post(edit_url(draft), data)

    assert "Say why the public interest favours withholding" in response.content.decode()


def test_withholding_a_section_with_its_reasons_makes_the_decision_partly_confidential(
    officer_client, draft
):
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update(
        {
            "sections-3-text": "The extensions cost 412,750 pounds.",
            "sections-3-is_withheld": "on",
            "sections-3-exemption": Exemption.S43_2,
            "sections-3-public_interest_statement": "Prices would weaken the next tender.",
            "sections-3-release_on_day": "1",
            "sections-3-release_on_month": "4",
            "sections-3-release_on_year": "2024",
        }
    )

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    section = draft.sections.get(position=4)
    assert section.is_withheld
    assert section.exemption == Exemption.S43_2
    assert section.release_on == datetime.date(2024, 4, 1)
    draft.refresh_from_db()
    assert draft.confidentiality == Decision.Confidentiality.PARTLY


def test_the_editor_reopens_with_the_saved_choices_marked_and_names_escaped(officer_client, draft):
    """The drop-downs are drawn in one pass (commissioning.forms.Select): the saved exemption
    and category are the ones chosen when the editor is opened again."""
    category = DecisionCategoryFactory(name="Victims & <witnesses>")
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update(
        {
            "category": category.pk,
            "sections-1-is_withheld": "on",
            "sections-1-exemption": Exemption.S40,
        }
    )
    assert officer_client.post(edit_url(draft), data).status_code == 302

    page = officer_client.get(edit_url(draft))
    content = page.content.decode()

    assert f'<option value="{category.pk}" selected>Victims &amp; &lt;witnesses&gt;</option>' in (
        content
    )
    assert '<option value="s40" selected>Section 40: personal information</option>' in content
    assert content.count(" selected>") == content.count("<select")
    assert form_fields(page)["sections-1-exemption"] == "s40"


def test_unwithholding_clears_the_exemption(officer_client, draft):
    section = draft.sections.get(position=4)
    section.is_withheld = True
    section.exemption = Exemption.S40
    section.save()
    data = form_fields(officer_client.get(edit_url(draft)))
    del data["sections-3-is_withheld"]

    officer_client.post(edit_url(draft), data)

    section.refresh_from_db()
    assert not section.is_withheld
    assert section.exemption == ""


def test_withholding_every_section_needs_a_public_subject(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    for index in range(len(ORDER_SECTIONS)):
        data[f"sections-{index}-is_withheld"] = "on"
        data[f"sections-{index}-exemption"] = Exemption.S40

    response = officer_client.post(edit_url(draft), data)

    assert "enter a one-line subject for the public register" in response.content.decode()
    assert not draft.sections.filter(is_withheld=True).exists()

    data["public_subject"] = "Personnel matter"
    officer_client.post(edit_url(draft), data)
    draft.refresh_from_db()
    assert draft.confidentiality == Decision.Confidentiality.CONFIDENTIAL


def test_an_impossible_date_is_refused_with_the_boxes_as_typed(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update({"received_on_day": "31", "received_on_month": "2", "received_on_year": "2022"})

    response = officer_client.post(edit_url(draft), data)

    content = response.content.decode()
    assert "must be a real date" in content
    assert 'name="received_on_day" type="text" inputmode="numeric" value="31"' in content
    draft.refresh_from_db()
    assert draft.received_on is None


def test_a_date_known_only_to_the_month_is_kept_as_the_month(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update({"received_on_day": "", "received_on_month": "3", "received_on_year": "2021"})

    officer_client.post(edit_url(draft), data)

    draft.refresh_from_db()
    assert draft.received == PreciseDate.of(2021, 3)
    page = officer_client.get(edit_url(draft)).content.decode()
    assert 'name="received_on_day" type="text" inputmode="numeric" value=""' in page
    assert 'name="received_on_month" type="text" inputmode="numeric" value="3"' in page
    detail = officer_client.get(reverse("workspace:decision-detail", args=[draft.reference]))
    assert "March 2021" in detail.content.decode()


def test_31_february_is_refused_next_to_the_field_and_the_saved_month_stays(officer_client, draft):
    draft.received = PreciseDate.of(2021, 3)
    draft.save()
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update({"received_on_day": "31", "received_on_month": "2", "received_on_year": "2021"})

    response = officer_client.post(edit_url(draft), data)

    content = response.content.decode()
    assert 'href="#id_received_on_day"' in content  # the error summary leads to the boxes
    assert content.count("must be a real date, like 15 3 2021, 3 2021 or 2021") == 2
    draft.refresh_from_db()
    assert draft.received == PreciseDate.of(2021, 3)


def test_linking_contracts_programmes_and_arrangements(officer_client, draft):
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2018")
    programme = ProgrammeFactory()
    arrangement = JointArrangementFactory()
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update(
        {
            "links-contracts": [contract.pk],
            "links-programmes": [programme.pk],
            "links-arrangements": [arrangement.pk],
        }
    )

    officer_client.post(edit_url(draft), data)

    assert list(draft.contracts.all()) == [contract]
    assert list(draft.programmes.all()) == [programme]
    assert list(draft.arrangements.all()) == [arrangement]
    page = officer_client.get(reverse("workspace:decision-detail", args=[draft.reference]))
    assert "WOPCC-DA-ADULT-2018" in page.content.decode()


def test_contracts_are_added_by_reference_and_only_linked_ones_are_listed(officer_client, draft):
    """An office has thousands of contracts: the editor lists the linked ones, to untick,
    and takes others by reference."""
    adult = ContractFactory(reference="WOPCC-DA-ADULT-2018")
    youth = ContractFactory(reference="WOPCC-DA-YOUTH-2018")
    ContractFactory(reference="WOPCC-UNRELATED-2019")
    page = officer_client.get(edit_url(draft))
    assert "WOPCC-DA-ADULT-2018" not in page.content.decode()

    data = form_fields(page)
    data["links-add_contracts"] = "WOPCC-DA-ADULT-2018, WOPCC-DA-YOUTH-2018"
    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert set(draft.contracts.all()) == {adult, youth}
    editor = officer_client.get(edit_url(draft)).content.decode()
    assert "WOPCC-DA-ADULT-2018" in editor and "WOPCC-DA-YOUTH-2018" in editor
    assert "WOPCC-UNRELATED-2019" not in editor

    data = form_fields(officer_client.get(edit_url(draft)))
    data["links-contracts"] = [youth.pk]  # the adult services contract unticked
    officer_client.post(edit_url(draft), data)
    assert list(draft.contracts.all()) == [youth]
    history = draft.history.order_by("-history_date", "-history_id").first()
    assert history.history_user is not None


def test_an_unknown_contract_reference_is_refused_next_to_the_field(officer_client, draft):
    ContractFactory(reference="WOPCC-DA-ADULT-2018")
    data = form_fields(officer_client.get(edit_url(draft)))
    data["links-add_contracts"] = "WOPCC-DA-ADULT-2018 WOPCC-NO-SUCH"
    data["title"] = "A title that must not be saved"

    response = officer_client.post(edit_url(draft), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is no contract with the reference WOPCC-NO-SUCH" in content
    assert 'id="id_links-add_contracts_error"' in content
    assert 'value="WOPCC-DA-ADULT-2018 WOPCC-NO-SUCH"' in content
    draft.refresh_from_db()
    assert draft.title == "Interim extension"
    assert not draft.contracts.exists()


@pytest.mark.parametrize("field", ["contracts", "programmes", "arrangements", "extensions"])
@pytest.mark.parametrize("key", ["99999999999999999999", "-99999999999999999999", "0"])
def test_a_tampered_link_key_is_refused_next_to_the_field(officer_client, draft, field, key):
    """A key no record could have is refused as an unknown choice. One wider than 64 bits was
    a server error on SQLite, whose driver cannot hold it (commissioning.forms
    .KeyedModelMultipleChoiceField)."""
    data = form_fields(officer_client.get(edit_url(draft)))
    data[f"links-{field}"] = [key]
    data["title"] = "A title that must not be saved"

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert response.context["links"].errors[field] == [
        f"Select a valid choice. {key} is not one of the available choices."
    ]
    draft.refresh_from_db()
    assert draft.title == "Interim extension"


def test_linking_another_decision_by_its_reference(officer_client, draft):
    earlier = DecisionFactory(reference="WPCC3-0058")
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update({"decision_links-0-kind": "follows", "decision_links-0-to_decision": "WPCC3-0058"})

    officer_client.post(edit_url(draft), data)

    link = DecisionLink.objects.get()
    assert (link.from_decision, link.to_decision, link.kind) == (draft, earlier, "follows")


def test_an_unknown_decision_reference_is_an_error(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update({"decision_links-0-kind": "follows", "decision_links-0-to_decision": "NOPE-1"})

    response = officer_client.post(edit_url(draft), data)

    assert "There is no decision with that reference" in response.content.decode()
    assert not DecisionLink.objects.exists()


def test_a_decision_cannot_link_to_itself(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data.update(
        {"decision_links-0-kind": "amends", "decision_links-0-to_decision": draft.reference}
    )

    response = officer_client.post(edit_url(draft), data)

    assert "A decision cannot refer to itself" in response.content.decode()


def test_a_decision_already_taken_is_shown_read_only(officer_client, draft):
    draft.status = Decision.Status.APPROVED
    draft.save()

    page = officer_client.get(edit_url(draft))
    response = officer_client.post(edit_url(draft), {"title": "Changed"})

    assert page.status_code == 302
    assert response["Location"] == reverse("workspace:decision-detail", args=[draft.reference])
    draft.refresh_from_db()
    assert draft.title == "Interim extension"


def test_editing_signed_content_warns_then_returns_the_record_to_draft(
    officer_client, draft, treasurer
):
    for section in draft.sections.all():
        section.text = f"What the form asks under {section.heading}."
        section.save()
    draft.submit(by=draft.author)
    draft.sign_off(by=treasurer, comments="Affordable within the commissioning budget.")

    page = officer_client.get(edit_url(draft))
    assert "its signatures are cancelled" in page.content.decode()

    data = form_fields(page)
    data["sections-0-text"] = "A new paragraph written after the Treasurer signed off."
    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    assert not draft.signatures.filter(voided_at__isnull=True).exists()
    assert draft.sections.get(position=1).text.startswith("A new paragraph")


def test_saving_without_changes_adds_no_history(officer_client, draft):
    before = (draft.history.count(), draft.sections.first().history.count())
    data = form_fields(officer_client.get(edit_url(draft)))

    officer_client.post(edit_url(draft), data)

    assert (draft.history.count(), draft.sections.first().history.count()) == before


# -- the decision page ---------------------------------------------------------------------------


def test_staff_see_withheld_text_clearly_marked(client_for, treasurer, draft):
    section = draft.sections.get(position=4)
    section.text = "The extensions cost 412,750 pounds."
    section.is_withheld = True
    section.exemption = Exemption.S43_2
    section.public_interest_statement = "Prices would weaken the next tender."
    section.save()

    response = client_for(treasurer).get(
        reverse("workspace:decision-detail", args=[draft.reference])
    )

    content = response.content.decode()
    assert "Withheld from publication: Section 43(2): commercial interests" in content
    assert "The extensions cost 412,750 pounds." in content
    assert "Summary of the order" in content


def test_decision_page_links_the_internal_pdf_history_and_workflow_panel(officer_client, draft):
    response = officer_client.get(reverse("workspace:decision-detail", args=[draft.reference]))

    content = response.content.decode()
    assert f'href="/workspace/decisions/{draft.reference}.pdf"' in content
    assert "Download internal PDF" in content
    assert ">History</a>" in content
    assert "workflow/_panel.html" in [t.name for t in response.templates]


def test_linking_the_extensions_a_decision_authorises(officer_client, officer, draft):
    contract = ContractFactory(reference="WOPCC-DA-YOUTH-2018")
    extension = contract.extend(
        new_end=datetime.date(2024, 3, 31), reason="Interim", basis="exemption", by=officer
    )
    ContractFactory().extend(  # authorised elsewhere: not offered
        new_end=datetime.date(2024, 3, 31),
        reason="Interim",
        basis="exemption",
        by=officer,
        authorising_decision=DecisionFactory(),
    )
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    data["links-extensions"] = [extension.pk]

    officer_client.post(edit_url(draft), data)

    extension.refresh_from_db()
    assert extension.authorising_decision == draft
    assert list(page.context["links"].fields["extensions"].queryset) == [extension]

    data = form_fields(officer_client.get(edit_url(draft)))
    del data["links-extensions"]
    response = officer_client.post(edit_url(draft), data)
    assert response.status_code == 302, response.status_code
    extension.refresh_from_db()
    assert extension.authorising_decision is None


def test_a_save_runs_the_same_queries_however_many_sections_are_unchanged(officer_client, officer):
    """Each section sent back unchanged is not checked again (Django checks a constraint
    with three queries); a changed one still is."""
    from tests.factories import DecisionSectionFactory

    def save_count(decision) -> int:
        data = form_fields(officer_client.get(edit_url(decision)))
        data["summary"] = "A new summary"
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.post(edit_url(decision), data)
        assert response.status_code == 302
        return len(captured)

    few = StartedDecisionFactory(author=officer)
    many = StartedDecisionFactory(author=officer)
    for position in range(10, 18):
        DecisionSectionFactory(decision=many, position=position)

    assert save_count(few) == save_count(many)


def test_saving_the_summary_checks_no_rule_the_save_does_not_touch(officer_client, draft):
    """A save of one changed field checks only the rules that read it (the stored row keeps
    the others: commissioning.constraints.ChecksChangedConstraints); before, every rule of
    the decision and of each section was checked again, three queries apiece."""
    data = form_fields(officer_client.get(edit_url(draft)))
    data["summary"] = "A summary written again."

    with CaptureQueriesContext(connection) as queries:
        response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "A summary written again."
    assert [query["sql"] for query in queries if '"_check"' in query["sql"]] == []
