"""Importing historic decision records from CSV or JSON."""

import datetime

import pytest
from django.core.management.base import CommandError

from decisions.importing import DecisionImport, guess_reference_format, parse_date, parse_money
from decisions.models import (
    Confidentiality,
    Decision,
    DecisionStatus,
    DecisionTemplate,
    Delegation,
    Exemption,
    Signature,
    StatutoryComment,
)
from decisions.workflow import content_hash
from tests.factories import (
    DecisionFactory,
    DecisionTemplateFactory,
    DelegationFactory,
)
from tests.importing.conftest import DECISION_MODELS, counts, csv_file, json_file

pytestmark = pytest.mark.django_db

D = datetime.date

COSTS = "Costs (including any identified savings)"
PUBLIC_INTEREST = (
    "Publishing the prices while the services are re-procured would weaken the office's "
    "position in the coming tender."
)


def decision_row(**fields) -> dict:
    """WPCC3-0058 as an office's old website recorded it."""
    row = {
        "reference": "WPCC3-0058",
        "title": "Joint-Commissioning of Drugs and Alcohol Misuse Services",
        "decision_maker": "pcc",
        "decision_maker_name": "Philip Seccombe",
        "lead_officers": "Precious Williamson and Sara Ansell (Finance & Commissioning)",
        "received_on": "01/06/2022",
        "decided_on": "15/06/2022",
        "signed_on": "29/06/2022",
        "published_on": "29/06/2022",
        "summary": "Commission the drugs and alcohol services jointly with the County Council.",
        "section_1_heading": "Background information",
        "section_1_text": "The contracts with Change Grow Live and Compass end in March 2023.",
        "section_2_heading": COSTS,
        "section_2_text": "The price of each twelve-month extension.",
        "section_2_exemption": "s43_2",
        "section_2_public_interest": PUBLIC_INTEREST,
        "treasurer_comment": "The extension is met from the commissioning budget.",
        "treasurer_name": "The Treasurer",
        "treasurer_comment_on": "20/06/2022",
        "monitoring_officer_comment": "Legal and procurement advice has been taken.",
        "signed_by": "Philip Seccombe",
        "signature": "wet signature held by the office",
    }
    row.update(fields)
    return row


def checked(rows: list[dict], name: str = "decisions.csv", **kwargs) -> DecisionImport:
    return DecisionImport(csv_file(rows, **kwargs), name)


def imported(rows: list[dict], by=None, name: str = "decisions.csv") -> DecisionImport:
    result = checked(rows, name)
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=by)
    return result


# -- what a valid file creates -------------------------------------------------------------------


def test_csv_record_keeps_reference_dates_maker_sections_and_comments(officer):
    imported([decision_row()], by=officer)

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.title == "Joint-Commissioning of Drugs and Alcohol Misuse Services"
    assert (decision.received_on, decision.decided_on, decision.signed_on) == (
        D(2022, 6, 1),
        D(2022, 6, 15),
        D(2022, 6, 29),
    )
    assert decision.decision_maker == Decision.Maker.PCC
    assert decision.decision_maker_name == "Philip Seccombe"
    assert decision.author is None
    sections = list(decision.sections.order_by("position"))
    assert [s.heading for s in sections] == ["Background information", COSTS]
    assert not sections[0].is_withheld
    assert sections[1].is_withheld
    assert sections[1].exemption == Exemption.S43_2
    assert sections[1].public_interest_statement == PUBLIC_INTEREST
    assert decision.confidentiality == Confidentiality.PARTLY
    comments = {c.role: c for c in decision.comments.all()}
    assert comments[StatutoryComment.Role.TREASURER].person == "The Treasurer"
    assert comments[StatutoryComment.Role.TREASURER].made_on == D(2022, 6, 20)
    assert "advice" in comments[StatutoryComment.Role.MONITORING_OFFICER].text


def test_published_record_keeps_its_publication_date_and_public_search_text(officer):
    imported([decision_row()], by=officer)

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.published_on == D(2022, 6, 29)
    assert "Change Grow Live" in decision.search_document
    assert "price of each twelve-month extension" not in decision.search_document


def test_record_without_publication_date_is_imported_as_decided_not_published(officer):
    imported([decision_row(published_on="")], by=officer)

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.status == DecisionStatus.APPROVED
    assert decision.published_on is None
    assert decision.search_document == ""


@pytest.mark.parametrize(
    "status", [DecisionStatus.WITHDRAWN, DecisionStatus.SUPERSEDED, DecisionStatus.NOT_APPROVED]
)
def test_other_decided_states_are_kept_as_stated(officer, status):
    published_on = "" if status == DecisionStatus.NOT_APPROVED else "29/06/2022"
    imported([decision_row(status=status.value, published_on=published_on)], by=officer)

    assert Decision.objects.get(reference="WPCC3-0058").status == status


def test_importer_without_permission_to_publish_still_records_publication():
    imported([decision_row()], by=None)

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.published_on == D(2022, 6, 29)
    assert "Change Grow Live" in decision.search_document


def test_wet_signature_is_recorded_as_held_by_the_office(officer):
    imported([decision_row()], by=officer)

    decision = Decision.objects.get(reference="WPCC3-0058")
    signature = Signature.objects.get(decision=decision)
    assert signature.name == "Philip Seccombe"
    assert "wet signature held by the office" in signature.capacity
    assert signature.method == Signature.Method.WET
    assert signature.user is None
    assert signature.signed_at.astimezone(datetime.UTC).date() in {D(2022, 6, 28), D(2022, 6, 29)}
    assert signature.content_sha256 == content_hash(decision)


def test_no_signature_columns_means_no_signature_row(officer):
    imported([decision_row(signed_by="", signature="")], by=officer)

    assert not Signature.objects.exists()


def test_every_saved_object_names_the_importer_and_the_file(officer):
    imported(
        [
            decision_row(category="Commissioning"),
            decision_row(
                reference="WPCC3-0041",
                decision_maker="delegate",
                delegate_name="Chief Finance Officer",
                delegation_instrument="Scheme of delegation, paragraph 4.2",
            ),
        ],
        by=officer,
        name="old-website.csv",
    )

    for model in DECISION_MODELS:
        history = model.history.all()
        assert history.exists(), model.__name__
        assert {h.history_user for h in history} == {officer}, model.__name__
        assert {h.history_change_reason for h in history} == {"Imported from old-website.csv"}, (
            model.__name__
        )


def test_json_and_csv_files_create_the_same_record(officer):
    row = decision_row(form="Warwickshire decision record")
    record = {
        key: value
        for key, value in row.items()
        if not key.startswith(("section_", "treasurer_", "monitoring_officer_"))
    }
    record["sections"] = [
        {"heading": "Background information", "text": row["section_1_text"]},
        {
            "heading": COSTS,
            "text": row["section_2_text"],
            "withheld": True,
            "exemption": "s43_2",
            "public_interest": PUBLIC_INTEREST,
        },
    ]
    record["comments"] = [
        {
            "role": "treasurer",
            "text": row["treasurer_comment"],
            "person": "The Treasurer",
            "made_on": "2022-06-20",
        },
        {"role": "monitoring_officer", "text": row["monitoring_officer_comment"]},
    ]
    from_json = DecisionImport(json_file([record]), "decisions.json")
    from_csv = checked([row])

    assert from_json.is_valid, from_json.problems
    assert from_json.format == "json"
    assert [r.actions for r in from_json.rows] == [r.actions for r in from_csv.rows]
    from_json.write(by=officer)
    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.sections.get(heading=COSTS).is_withheld
    assert decision.comments.count() == 2


def test_file_format_is_read_from_the_content_when_the_name_does_not_say(officer):
    result = DecisionImport(json_file([decision_row()]), "upload")

    assert result.format == "json"
    assert result.is_valid, result.problems


def test_column_names_are_matched_loosely(officer):
    row = {
        "Decision Reference": "WPCC3-0058",
        "Decision Title": "Joint commissioning",
        "Date of decision": "15 June 2022",
        "Section 1 Heading": "Background information",
        "Section 1 Text": "The contracts end in March 2023.",
    }
    result = checked([row])

    assert result.is_valid, result.problems
    result.write(by=officer)
    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.decided_on == D(2022, 6, 15)
    assert decision.sections.get().heading == "Background information"


def test_unknown_column_is_a_warning_not_an_error():
    result = checked([decision_row(colour="blue")])

    assert result.is_valid
    # Reported on the row: a column may be a field of one row's form and not another's.
    assert [(w.row, w.column) for w in result.warnings] == [(2, "colour")]


def test_windows_1252_file_with_pound_signs_is_read(officer):
    text = csv_file([decision_row(summary="An extension costing under £10,000.")])
    result = DecisionImport(text.encode("cp1252"), "decisions.csv")

    assert result.is_valid, result.problems
    result.write(by=officer)
    assert "£10,000" in Decision.objects.get().summary


# -- forms (templates) -------------------------------------------------------------------------


def test_sections_are_mapped_to_the_named_form_by_heading(officer):
    form = DecisionTemplateFactory(
        name="Warwickshire decision record (WPCC3)",
        sections=[
            {"heading": "Background information", "part": "Supporting information"},
            {"heading": COSTS, "is_mandatory": True, "guidance": "Figures are often withheld."},
        ],
    )
    imported([decision_row(form="warwickshire decision record (wpcc3)")], by=officer)

    decision = Decision.objects.get()
    assert decision.template == form
    costs = decision.sections.get(heading=COSTS)
    assert costs.template_section == form.sections.get(heading=COSTS)
    assert costs.is_mandatory
    assert costs.guidance == "Figures are often withheld."
    assert decision.sections.get(position=1).part == "Supporting information"
    assert DecisionTemplate.objects.count() == 1


def test_numbered_headings_match_the_forms_headings(officer):
    form = DecisionTemplateFactory(sections=["Background information", COSTS])
    imported(
        [
            decision_row(
                section_1_heading="1. Background information", section_2_heading=f"5. {COSTS}"
            )
        ],
        by=officer,
    )

    decision = Decision.objects.get()
    assert decision.template == form
    assert all(section.template_section_id for section in decision.sections.all())


def test_heading_missing_from_the_named_form_is_kept_with_a_warning(officer):
    form = DecisionTemplateFactory(name="Short form", sections=["Background information"])
    result = checked([decision_row(form="Short form")])

    assert result.is_valid
    assert any(COSTS in w.reason for w in result.warnings)
    result.write(by=officer)
    costs = Decision.objects.get(template=form).sections.get(heading=COSTS)
    assert costs.template_section is None


def test_form_is_found_by_its_headings_when_the_row_names_none(officer):
    DecisionTemplateFactory(name="Longer form", sections=["Background information", COSTS, "Risks"])
    exact = DecisionTemplateFactory(
        name="Matching form", sections=["Background information", COSTS]
    )
    DecisionTemplateFactory(name="Other form", sections=["Order", "Reasons for the order"])

    imported([decision_row()], by=officer)

    assert Decision.objects.get().template == exact


def test_new_form_is_made_from_the_files_headings_when_none_matches(officer):
    DecisionTemplateFactory(name="Executive order", sections=["Order", "Reasons for the order"])
    imported(
        [
            decision_row(),
            decision_row(reference="WPCC3-0059", section_3_heading="Risks", section_3_text="Few."),
        ],
        by=officer,
    )

    new = DecisionTemplate.objects.get(name="Imported form (decisions.csv)")
    assert [s.heading for s in new.sections.order_by("position")] == [
        "Background information",
        COSTS,
        "Risks",
    ]
    assert new.reference_format == "WPCC3-{number:04}"
    assert not new.is_active
    assert set(Decision.objects.values_list("template", flat=True)) == {new.pk}
    assert new.next_reference(2024) == "WPCC3-0060"


def test_form_named_in_the_file_but_not_in_the_register_is_created_with_that_name(officer):
    imported([decision_row(form="Old website form", reference_format="OLD-{number}")], by=officer)

    form = DecisionTemplate.objects.get(name="Old website form")
    assert form.reference_format == "OLD-{number}"
    assert form.sections.count() == 2


@pytest.mark.parametrize(
    ("reference", "scheme"),
    [
        ("WPCC3-0058", "WPCC3-{number:04}"),
        ("016/2021", "{number:03}/{year}"),
        ("2022-0010", "{year}-{number:04}"),
        ("EXE0044/23", "EXE{number:04}/23"),
        ("Executive Order 0072", "Executive Order {number:04}"),
        ("33/16", "{number}/16"),
    ],
)
def test_reference_scheme_of_a_new_form_is_guessed_from_a_reference(reference, scheme):
    assert guess_reference_format(reference) == scheme


# -- decision makers -----------------------------------------------------------------------------


def test_delegated_decision_cites_the_existing_delegation_with_that_instrument(officer):
    delegation = DelegationFactory(instrument="Scheme of consent and delegation, paragraph 4.2")
    imported(
        [
            decision_row(
                decision_maker="delegate",
                delegation_instrument="scheme of consent and delegation, paragraph 4.2",
            )
        ],
        by=officer,
    )

    decision = Decision.objects.get()
    assert decision.decision_maker == Decision.Maker.DELEGATE
    assert decision.delegation == delegation
    assert Delegation.objects.count() == 1


def test_delegation_is_recorded_from_the_delegates_name_and_instrument(officer):
    imported(
        [
            decision_row(
                decision_maker="Officer under delegation",
                delegate_name="Chief Finance Officer",
                delegate_role="Treasurer",
                delegation_instrument="Scheme of delegation, paragraph 7",
            ),
            decision_row(
                reference="WPCC3-0040",
                decided_on="01/03/2022",
                signed_on="01/03/2022",
                published_on="10/03/2022",
                received_on="",
                decision_maker="delegate",
                delegate_name="Chief Finance Officer",
                delegation_instrument="Scheme of delegation, paragraph 7",
            ),
        ],
        by=officer,
    )

    delegation = Delegation.objects.get()
    assert delegation.delegate_name == "Chief Finance Officer"
    assert delegation.instrument == "Scheme of delegation, paragraph 7"
    assert delegation.starts_on == D(2022, 3, 1)  # the earliest decision citing it
    assert set(Decision.objects.values_list("delegation", flat=True)) == {delegation.pk}


# -- files that are refused ----------------------------------------------------------------------


def refused(rows: list[dict], **kwargs) -> list[tuple]:
    result = checked(rows, **kwargs)
    assert not result.is_valid
    return [(p.row, p.column, p.reason) for p in result.problems]


def test_bad_date_names_its_row_column_and_reason():
    problems = refused(
        [decision_row(), decision_row(reference="WPCC3-0059", decided_on="31/02/2022")]
    )

    assert problems == [
        (
            3,
            "decided_on",
            "'31/02/2022' is not a date: write it as 2018-04-01, 01/04/2018, 1 April 2018, "
            "April 2018 or 2018.",
        )
    ]


def test_unknown_exemption_is_refused():
    [(row, column, reason)] = refused([decision_row(section_2_exemption="s99")])

    assert (row, column) == (2, "section_2_exemption")
    assert "'s99' is not an exemption" in reason
    assert "s43_2" in reason


@pytest.mark.parametrize("written", ["s43_2", "s.43(2)", "Section 43(2)", "commercial interests"])
def test_exemption_may_be_written_as_offices_write_it(written):
    result = checked([decision_row(section_2_exemption=written)])

    assert result.is_valid, result.problems


def test_withheld_section_without_exemption_is_refused():
    problems = refused([decision_row(section_2_withheld="yes", section_2_exemption="")])

    assert problems == [
        (2, "section_2_exemption", "Choose the exemption that applies to withheld content.")
    ]


def test_commercial_interests_exemption_without_public_interest_statement_is_refused():
    [(row, column, reason)] = refused([decision_row(section_2_public_interest="")])

    assert (row, column) == (2, "section_2_public_interest")
    assert "public interest test" in reason


def test_other_exemption_must_be_named():
    [(row, column, reason)] = refused(
        [decision_row(section_2_exemption="other", section_2_public_interest="")]
    )

    assert (row, column, reason) == (2, "section_2_exemption_other", "Name the exemption.")


def test_reference_twice_in_the_file_is_refused():
    problems = refused([decision_row(), decision_row()])

    assert problems == [(3, "reference", "WPCC3-0058 is also in row 2 of this file.")]


def test_reference_already_in_the_register_is_refused():
    DecisionFactory(reference="WPCC3-0058")

    problems = refused([decision_row()])

    assert problems == [(2, "reference", "WPCC3-0058 is already in the register.")]


@pytest.mark.parametrize("column", ["reference", "title"])
def test_missing_required_column_is_refused(column):
    row = decision_row()
    del row[column]

    problems = refused([row])

    assert problems == [(1, column, f"The file has no {column} column, which is required.")]


def test_signed_before_decided_is_refused():
    problems = refused([decision_row(signed_on="01/06/2022", published_on="")])

    assert problems == [(2, "signed_on", "It cannot be signed before the date of the decision.")]


def test_wholly_confidential_record_needs_a_public_subject():
    problems = refused(
        [
            decision_row(
                section_1_exemption="s40",
                section_1_withheld="yes",
            )
        ]
    )

    assert problems == [
        (
            2,
            "public_subject",
            "A wholly confidential decision needs a one-line subject for the public.",
        )
    ]


def test_stated_confidentiality_must_agree_with_the_withheld_sections():
    [(row, column, reason)] = refused([decision_row(confidentiality="Non-confidential")])

    assert (row, column) == (2, "confidentiality")
    assert "partly confidential" in reason


def test_delegated_decision_without_its_instrument_is_refused():
    [(row, column, _reason)] = refused([decision_row(decision_maker="delegate")])

    assert (row, column) == (2, "delegation_instrument")


def test_published_record_without_a_publication_date_keeps_none(officer, client):
    # An office that never kept publication dates: nothing is made up, not even today.
    imported([decision_row(status="published", published_on="")], by=officer)

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.published_on is None
    page = client.get("/decisions/WPCC3-0058/").content.decode()
    assert "Date published" in page or "Published" in page
    assert "Not recorded" in page


def test_link_to_an_unknown_contract_is_refused():
    problems = refused([decision_row(contracts="WOPCC-DA-ADULT-2018")])

    assert problems == [(2, "contracts", "No contract has the reference WOPCC-DA-ADULT-2018.")]


def test_refused_file_writes_nothing_even_when_other_rows_are_valid(officer):
    before = counts(DECISION_MODELS)
    result = checked(
        [
            decision_row(category="Commissioning", form="New form"),
            decision_row(reference="WPCC3-0059", section_2_exemption="s99"),
        ]
    )

    with pytest.raises(Exception, match="not an exemption"):
        result.write(by=officer)
    assert counts(DECISION_MODELS) == before


def test_json_errors_name_the_record_and_the_field():
    record = {
        "reference": "WPCC3-0058",
        "title": "Joint commissioning",
        "sections": [{"heading": COSTS, "withheld": True, "exemption": "s99"}],
    }
    result = DecisionImport(json_file([record]), "decisions.json")

    assert [(p.row, p.column) for p in result.problems] == [(1, "sections[1].exemption")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.7\x00\x00\x00", "not a text file"),
        (b"", "The file is empty"),
        (b"reference,title\n", "The file has no decisions in it"),
        (b'{"decisions": "none"}', "must hold a list"),
        (b"[{", "not valid JSON"),
    ],
)
def test_file_that_is_not_a_table_of_records_is_refused(content, reason):
    name = "decisions.json" if content.startswith((b"{", b"[")) else "decisions.csv"
    result = DecisionImport(content, name)

    assert not result.is_valid
    assert reason in str(result.problems[0])


def test_command_exits_non_zero_and_writes_nothing_for_a_broken_file(run, write_file):
    path = write_file("decisions.csv", csv_file([decision_row(decided_on="sometime")]))
    before = counts(DECISION_MODELS)

    with pytest.raises(CommandError, match="1 problem in decisions.csv: nothing was imported"):
        run("import_decisions", path)
    assert counts(DECISION_MODELS) == before


# -- reading values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "2018-04-01",
        "01/04/2018",
        "1/4/2018",
        "1 April 2018",
        "1st April 2018",
        "1 Apr 2018",
        "01/04/18",
        "2018-04-01T00:00:00",
    ],
)
def test_dates_are_read_as_offices_write_them(written):
    assert parse_date(written) == D(2018, 4, 1)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("£1,250,000.00", "1250000.00"),
        ("1250000", "1250000"),
        (" £ 12,500 ", "12500"),
        ("GBP 99.5", "99.5"),
    ],
)
def test_money_is_read_with_pound_signs_and_commas(written, amount):
    from decimal import Decimal

    assert parse_money(written) == Decimal(amount)


@pytest.mark.parametrize("scheme", ["{number}/{number}", "WPCC3-0058", "{colour}-{number}"])
def test_unusable_reference_scheme_for_a_new_form_is_refused(scheme):
    [(row, column, _reason)] = refused([decision_row(form="New form", reference_format=scheme)])

    assert (row, column) == (2, "reference_format")
