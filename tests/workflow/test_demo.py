"""The demo data's workflow: WPCC3-0058 signed as the seed shows, and decisions part-way."""

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from contracts.models import (
    Contract,
    JointArrangement,
    PartnerBody,
    PartnerPosition,
    Provider,
)
from decisions.models import CommentRole, Decision, DecisionStatus, Signature, WorkflowEvent

Status = DecisionStatus
DEMO_DATA = Path(__file__).resolve().parents[2] / "decisions" / "demo"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_wpcc3_0058_went_through_its_sign_offs_as_the_seed_shows(demo):
    decision = Decision.objects.get(reference="WPCC3-0058")

    assert decision.status == Status.PUBLISHED
    assert decision.decided_on == datetime.date(2022, 6, 15)
    assert decision.signed_on == datetime.date(2022, 6, 29)
    assert decision.published_on == datetime.date(2022, 6, 29)
    assert decision.decision_maker_name == "Philip Seccombe"
    signatures = [
        (s.user.username, s.capacity, s.signed_at.date()) for s in decision.signatures.all()
    ]
    assert signatures == [
        ("treasurer", "Treasurer", datetime.date(2022, 6, 15)),
        ("monitoring", "Chief Executive and Monitoring Officer", datetime.date(2022, 6, 15)),
        ("pcc", "Police and Crime Commissioner", datetime.date(2022, 6, 29)),
    ]
    assert decision.content_matches_signatures()
    comments = {comment.role: comment.text for comment in decision.comments.all()}
    assert comments[CommentRole.TREASURER].startswith("Extending the current contracts")
    assert "best value for money" in comments[CommentRole.MONITORING_OFFICER]
    assert [event.step for event in decision.workflow_events.all()] == [
        "submit",
        "sign_off",
        "comment",
        "approve",
        "publish",
    ]


def test_the_demo_holds_a_decision_at_each_stage(demo):
    """A newcomer signed in as any demo role finds a decision at every step of the road."""
    stages = {d.reference: (d.status, d.waiting_for) for d in Decision.objects.all()}

    assert stages == {
        "WPCC3-0058": (Status.PUBLISHED, ""),
        "WPCC3-0059": (Status.SUBMITTED, "Waiting for the Treasurer to sign it off"),
        "WPCC3-0060": (
            Status.COMMENTED,
            "Waiting for the Police and Crime Commissioner to decide",
        ),
        "WPCC3-0061": (Status.DRAFT, "Waiting to be submitted for sign-off"),
        "WPCC3-0062": (Status.DRAFT, "Waiting to be submitted for sign-off"),
        "WPCC3-0063": (
            Status.SIGNED_OFF,
            "Waiting for comments from the Chief Executive and Monitoring Officer",
        ),
        "WPCC3-0064": (Status.COMMENTED, "Waiting for the Chief Officer to approve it"),
        "WPCC3-0065": (Status.APPROVED, "Waiting to be published"),
        "WPCC3-0066": (Status.NOT_APPROVED, ""),
        # The second office's decision notice, published on its own form.
        "DN2021-014": (Status.PUBLISHED, ""),
    }
    assert Decision.objects.get(reference="WPCC3-0064").is_force_business
    returned = Decision.objects.get(reference="WPCC3-0061").workflow_events.last()
    assert returned.step == "return_to_draft"
    assert returned.actor.username == "treasurer"
    assert "annual cost" in returned.comments


def test_each_demo_signer_has_a_decision_in_their_queue(demo):
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}

    def queue(username):
        return list(Decision.objects.awaiting(users[username]).values_list("reference", flat=True))

    assert queue("treasurer") == ["WPCC3-0059"]
    assert queue("monitoring") == ["WPCC3-0063"]
    assert queue("chief") == ["WPCC3-0064"]
    assert queue("pcc") == ["WPCC3-0060"]
    # A draft returned to its author, and an approved decision waiting to be published.
    assert queue("officer") == ["WPCC3-0061", "WPCC3-0065"]


def test_loading_the_demo_twice_changes_no_workflow_record(demo):
    before = (WorkflowEvent.objects.count(), Signature.objects.count(), Signature.history.count())

    call_command("load_demo", stdout=io.StringIO())

    after = (WorkflowEvent.objects.count(), Signature.objects.count(), Signature.history.count())
    assert after == before


def page_text(response) -> str:
    """The words of a page, without its markup."""
    text = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def test_wpcc3_0058_reads_on_its_public_page_as_the_seed_gives_it(demo, client):
    text = page_text(client.get("/decisions/WPCC3-0058/"))

    facts = [
        "Decision title Joint-Commissioning of Drugs and Alcohol Misuse Services with "
        "Warwickshire County Council",
        "Decision reference number WPCC3-0058",
        "Lead officer Precious Williamson and Sara Ansell (Finance & Commissioning)",
        "Decision maker Philip Seccombe, Police and Crime Commissioner",
        "If force business, date approved by the Chief Officer Not applicable",
        "Date 15 June 2022",
        "Status Partly confidential",
        "Date published 29 June 2022",
        "extends the current contracts with Compass and Change Grow Live by twelve months, "
        "from 1 April 2023 to 31 March 2024",
        "Treasurer Demo Treasurer Date signed: 15 June 2022. Signed electronically",
        "Chief Executive and Monitoring Officer Demo Monitoring Officer Date signed: "
        "15 June 2022. Signed electronically",
        "Police and Crime Commissioner Philip Seccombe Date signed: 29 June 2022. "
        "Signed electronically",
        "1. Background information In 2018 the Commissioner commissioned",
        "2. List of additional information attached as appendices None.",
        "5. Costs (including any identified savings) Withheld under section 43(2) of the "
        "Freedom of Information Act 2000: commercial interests Publishing the value of the "
        "extended contracts",
        "6. Equality implications Nothing recorded.",
        "7. Legal comments Legal and procurement advice has been taken.",
        "8. Publication This record falls under the Freedom of Information Act 2000.",
        "Comments from the Treasurer Extending the current contracts",
        "Demo Treasurer, 15 June 2022",
        "Comments from the Chief Executive and Monitoring Officer The approach was developed",
        "Demo Monitoring Officer, 15 June 2022",
        "WOPCC-DA-ADULT-2018: Drugs and alcohol misuse service for adults in the criminal "
        "justice system",
        "WOPCC-DA-YOUTH-2018: Drugs and alcohol misuse service for young people in the "
        "criminal justice system",
    ]
    positions = [text.find(fact) for fact in facts]
    assert [fact for fact, at in zip(facts, positions, strict=True) if at < 0] == []
    assert positions == sorted(positions)
    # The withheld costs are not on the public page.
    assert "commercially sensitive" not in text


def test_the_demo_contracts_were_extended_by_wpcc3_0058(demo):
    contracts = {
        contract.reference: contract
        for contract in Contract.objects.select_related("provider", "lot")
    }

    assert {ref: (c.provider.name, c.lot.number) for ref, c in contracts.items()} == {
        "WOPCC-DA-ADULT-2018": ("Change Grow Live", 4),
        "WOPCC-DA-YOUTH-2018": ("Compass", 5),
    }
    for contract in contracts.values():
        assert contract.starts_on == datetime.date(2018, 4, 1)
        assert contract.ends_on == datetime.date(2024, 3, 31)
        assert contract.extension_options_remaining == 0
        extension = contract.extensions.get()
        assert extension.previous_ends_on == datetime.date(2023, 3, 31)
        assert extension.authorising_decision.reference == "WPCC3-0058"
        assert [(c.body, c.role, c.share) for c in contract.commissioners.all()] == [
            (None, "lead", 100)
        ]
    arrangement = JointArrangement.objects.get(decisions__reference="WPCC3-0058")
    assert set(arrangement.contracts.values_list("reference", flat=True)) == set(contracts)
    assert [p.body.name for p in arrangement.partners.all()] == ["Warwickshire County Council"]


def test_loading_the_demo_twice_creates_nothing(demo):
    models = [Decision, Contract, Provider, PartnerBody, JointArrangement, PartnerPosition]
    before = [model.objects.count() for model in models]
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert [model.objects.count() for model in models] == before
    assert "0 records created" in out.getvalue()


def test_the_demo_contracts_file_passes_the_importers_dry_run_without_warnings(db):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_contracts", str(DEMO_DATA / "contracts.csv"), "--dry-run", stdout=out, stderr=err
    )

    assert err.getvalue() == ""
    assert "Warnings" not in out.getvalue()
    assert "2 contracts would be imported" in out.getvalue()
