"""/decisions.json: every published decision, in the shape the decision import reads, built
from the public records alone."""

import datetime

import pytest
from django.urls import resolve, reverse

from decisions.importing import DecisionImport
from decisions.models import DecisionMaker, DecisionStatus, Exemption
from tests.factories import DecisionFactory, DelegationFactory, SignatureFactory
from tests.publication.conftest import costs_withheld, public_section

pytestmark = pytest.mark.django_db

WITHHELD_COSTS = "The extension costs GBP 412,000, a figure nobody outside may see."
COVERT = "Tells how the covert support works, which is secret."


@pytest.fixture
def register(make_decision, officer):
    joint = make_decision(
        reference="WPCC3-0058",
        title="Joint commissioning of drugs and alcohol services",
        summary="Extends the Change Grow Live and Compass contracts by twelve months.",
        sections=[
            public_section("Background information", "The contracts end in March 2023."),
            costs_withheld(WITHHELD_COSTS, release_on=datetime.date(2024, 4, 1)),
            {
                "heading": "Informant details",
                "text": "Names the informant, which is secret too.",
                "is_withheld": True,
                "exemption": Exemption.OTHER,
                "exemption_other": "Section 30 of the Freedom of Information Act 2000",
            },
        ],
    )
    SignatureFactory(decision=joint, name="Sara Ansell", capacity="Treasurer")
    joint.publish(by=officer)
    delegated = make_decision(
        reference="WPCC3-0031",
        title="Lease of the Leamington Spa office",
        decision_maker=DecisionMaker.DELEGATE,
        delegation=DelegationFactory(),
        decision_maker_name="",
        sections=[public_section("Background information", "The current lease ends.")],
        publish_by=officer,
    )
    secret = make_decision(
        reference="WPCC3-0060",
        title="Covert operations support contract",
        public_subject="A contract supporting police operations.",
        summary=COVERT,
        sections=[costs_withheld("All of it is secret.")],
        publish_by=officer,
    )
    DecisionFactory(reference="WPCC3-0061", title="A draft nobody has signed")
    DecisionFactory(
        reference="WPCC3-0020",
        title="A withdrawn record",
        status=DecisionStatus.WITHDRAWN,
        published_on=datetime.date(2021, 1, 1),
    )
    return {"joint": joint, "delegated": delegated, "secret": secret}


def exported(client) -> dict[str, dict]:
    response = client.get("/decisions.json")
    assert response.status_code == 200
    return {item["reference"]: item for item in response.json()["decisions"]}


def test_the_export_lives_at_decisions_json_and_is_not_taken_for_a_reference():
    assert reverse("decisions:json") == "/decisions.json"
    assert resolve("/decisions.json").url_name == "json"


def test_anyone_can_download_every_published_decision_and_nothing_else(register, member_of_public):
    response = member_of_public.get("/decisions.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    references = [item["reference"] for item in response.json()["decisions"]]
    assert sorted(references) == ["WPCC3-0031", "WPCC3-0058", "WPCC3-0060"]
    assert all(item["status"] == "published" for item in response.json()["decisions"])


def test_a_published_decision_is_given_with_its_form_maker_dates_comments_and_signatures(
    register, client
):
    joint = exported(client)["WPCC3-0058"]

    assert joint["form"] == register["joint"].template.name
    assert joint["category"] == "Commissioning"
    assert joint["decision_maker"] == "pcc"
    assert joint["decision_maker_name"] == "Philip Seccombe"
    assert joint["decided_on"] == "2022-06-15"
    assert joint["published_on"] == register["joint"].published_on.isoformat()
    assert joint["confidentiality"] == "partly"
    assert joint["comments"] == [
        {
            "role": "treasurer",
            "person": "The Treasurer",
            "text": "The cost of the extension is met from the commissioning budget.",
            "made_on": "2022-06-10",
        }
    ]
    [signature] = joint["signatures"]
    assert signature["signed_by"] == "Sara Ansell"
    assert signature["signed_as"] == "Treasurer"
    assert signature["step"] == "sign_off"
    assert signature["kind"] == "electronic"


def test_a_withheld_section_gives_its_heading_exemption_and_public_interest_but_no_text(
    register, client
):
    response = client.get("/decisions.json")
    sections = {s["heading"]: s for s in exported(client)["WPCC3-0058"]["sections"]}

    costs = sections["Costs (including any identified savings)"]
    assert costs["withheld"] is True
    assert costs["exemption"] == "s43_2"
    assert costs["public_interest"].startswith("Publishing the prices")
    assert "text" not in costs
    # When it may be released, as the public page says ("May be released from 1 April 2024").
    assert costs["release_on"] == "2024-04-01"
    other = sections["Informant details"]
    assert (other["exemption"], other["exemption_other"]) == (
        "other",
        "Section 30 of the Freedom of Information Act 2000",
    )
    assert sections["Background information"]["text"] == "The contracts end in March 2023."
    body = response.content.decode()
    assert "412,000" not in body
    assert "informant, which" not in body


def test_a_wholly_confidential_decision_gives_its_reference_title_subject_and_dates_only(
    register, client
):
    secret = exported(client)["WPCC3-0060"]

    assert set(secret) <= {
        "reference",
        "title",
        "public_subject",
        "status",
        "confidentiality",
        "received_on",
        "decided_on",
        "signed_on",
        "published_on",
        "late_publication_reason",
        # Where the record came from (signed in the register, or recorded from a signed copy)
        # says nothing of its content.
        "recorded_from_signed_record",
        # Every record gives its value; a wholly confidential one's is always null.
        "value",
    }
    assert secret["value"] is None
    assert secret["recorded_from_signed_record"] is False
    assert secret["confidentiality"] == "confidential"
    assert secret["public_subject"] == "A contract supporting police operations."
    assert COVERT not in client.get("/decisions.json").content.decode()


def test_a_delegated_decision_names_the_delegate_and_the_instrument(register, client):
    delegated = exported(client)["WPCC3-0031"]

    assert delegated["decision_maker"] == "delegate"
    assert delegated["delegate_name"] == "Chief Finance Officer"
    assert delegated["delegation_instrument"] == ("Scheme of consent and delegation, paragraph 4.2")
    # The signature line the record shows from its own fields is not one the register holds.
    assert "signatures" not in delegated


def test_the_export_reads_back_into_the_importer_without_problems(register, client):
    content = client.get("/decisions.json").content
    # The same records under new references, so that they are not already in the register.
    result = DecisionImport(content.replace(b"WPCC3-00", b"COPY-00"), "decisions.json")

    assert result.is_valid, [str(problem) for problem in result.problems]
    unknown = [str(w) for w in result.warnings if "Not a field this import knows" in w.reason]
    assert unknown == []
    assert [row.reference for row in result.rows] == [
        item["reference"].replace("WPCC3", "COPY")
        for item in client.get("/decisions.json").json()["decisions"]
    ]


def test_the_export_answers_conditional_requests_and_changes_with_the_register(
    register, member_of_public, officer
):
    first = member_of_public.get("/decisions.json")
    assert first["ETag"] and first["Last-Modified"]

    by_etag = member_of_public.get("/decisions.json", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = member_of_public.get("/decisions.json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (by_etag.status_code, by_date.status_code) == (304, 304)

    category = register["joint"].category
    category.name = "Commissioning services"
    category._history_user = officer
    category.save()
    again = member_of_public.get("/decisions.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_a_signed_in_visitor_gets_the_same_export(register, client, client_for, officer):
    public = client.get("/decisions.json")
    signed_in = client_for(officer).get("/decisions.json")

    assert signed_in.content == public.content
    assert signed_in["ETag"] == public["ETag"]


def test_the_register_links_to_the_export(register, client):
    page = client.get("/decisions/").content.decode()

    assert 'href="/decisions.json"' in page
    assert "Download all published decisions (JSON)" in page


def test_the_whole_export_is_read_a_chunk_of_decisions_at_a_time_and_is_the_same(
    register, monkeypatch
):
    """The worker's copy of the whole register reads the decisions (and each chunk's parts) a
    chunk at a time, so that a large office's is not held in memory at once; the file is the
    same as one read all at once."""
    from decisions import export
    from decisions.publication import public_decisions

    every = list(public_decisions().order_by("published_on", "decided_on", "reference"))
    assert len(every) > 1
    monkeypatch.setattr(export, "EXPORT_CHUNK", 1)

    assert export.published_decisions_json(source="x") == export.published_decisions_json(
        every, source="x"
    )
