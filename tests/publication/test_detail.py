"""A published decision's own page, laid out as the office's form, and its appendices."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from decisions.models import Decision, Exemption, Signature, WorkflowStep
from decisions.publication import public_record
from tests.factories import (
    AwardFactory,
    ContractFactory,
    DecisionFactory,
    DecisionLinkFactory,
    StatutoryCommentFactory,
)
from tests.publication.conftest import add_appendix, costs_withheld, public_section

WITHHELD_WORDS = (
    "Withheld under section 43(2) of the Freedom of Information Act 2000: commercial interests"
)


def page_of(client, decision: Decision) -> str:
    response = client.get(decision.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_record_is_laid_out_as_the_offices_form(seed_decision, member_of_public):
    page = page_of(member_of_public, seed_decision)

    for label in (
        "Decision title",
        "Decision reference number",
        "Lead officer",
        "If force business, date approved by the Chief Officer",
        "Decision summary",
        "Supporting information",
        "1. Background information",
        "2. Costs (including any identified savings)",
        "3. Legal comments",
        "Comments from the Treasurer",
    ):
        assert label in page, label
    assert "15 June 2022" in page  # the date of the decision, written out
    assert "Partly confidential" in page


def test_withheld_section_shows_heading_exemption_and_public_interest_but_not_its_text(
    seed_decision, member_of_public
):
    page = page_of(member_of_public, seed_decision)

    assert "2. Costs (including any identified savings)" in page
    assert WITHHELD_WORDS in page
    assert "weaken the office&#x27;s position in the tender" in page
    assert "412,000" not in page
    assert "twelve-month extensions cost" not in page


def test_public_section_is_shown_in_full(seed_decision, member_of_public):
    page = page_of(member_of_public, seed_decision)

    assert "Both contracts began in April 2018 and end on 31 March 2023 with no options." in page


def test_wholly_confidential_record_shows_reference_title_subject_and_dates_only(
    make_decision, officer, member_of_public
):
    decision = make_decision(
        title="Covert operations support contract",
        public_subject="A contract supporting police operations.",
        lead_officers="Detective Superintendent Example",
        summary="How the covert support works.",
        declaration_of_interests="The decision maker knows the supplier.",
        sections=[costs_withheld("Everything here is secret.")],
        publish_by=officer,
    )

    page = page_of(member_of_public, decision)

    assert decision.is_wholly_confidential
    assert "Covert operations support contract" in page
    assert "A contract supporting police operations." in page
    assert "15 June 2022" in page
    for private in (
        "How the covert support works.",
        "Detective Superintendent Example",
        "knows the supplier",
        "Everything here is secret.",
        "The cost of the extension is met",  # the Treasurer's comment
        "Philip Seccombe",
    ):
        assert private not in page, private
    record = public_record(decision)
    assert (record.category, record.decision_maker, record.sections) == ("", "", [])


def test_appendices_are_listed_and_only_public_ones_can_be_downloaded(
    make_decision, officer, member_of_public
):
    decision = make_decision(
        sections=[public_section("Background information", "Why the contracts need extending.")]
    )
    public = add_appendix(decision, title="Briefing note", content="The public briefing.")
    withheld = add_appendix(
        decision, title="Price schedule", content="Prices: 12,345 a month.", withheld=True
    )
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)

    page = page_of(member_of_public, decision)
    public_download = member_of_public.get(f"{decision.get_absolute_url()}appendices/{public.pk}/")
    withheld_download = member_of_public.get(
        f"{decision.get_absolute_url()}appendices/{withheld.pk}/"
    )

    assert f'href="{decision.get_absolute_url()}appendices/{public.pk}/"' in page
    assert "Price schedule" in page
    assert f"appendices/{withheld.pk}/" not in page
    assert WITHHELD_WORDS in page
    assert public_download.status_code == 200
    assert b"".join(public_download.streaming_content) == b"The public briefing."
    assert public_download["Content-Disposition"].startswith("attachment")
    assert public_download["Content-Security-Policy"] == "sandbox"
    assert withheld_download.status_code == 404


def test_appendix_of_an_unpublished_decision_cannot_be_downloaded(make_decision, member_of_public):
    decision = make_decision()
    appendix = add_appendix(decision, title="Briefing note", content="Not yet public.")

    response = member_of_public.get(f"/decisions/{decision.reference}/appendices/{appendix.pk}/")

    assert response.status_code == 404


def test_appendix_is_found_only_under_its_own_decision(
    seed_decision, make_decision, officer, member_of_public
):
    other = make_decision(reference="WPCC3-0099", publish_by=officer)
    appendix = add_appendix(other, title="Briefing note", content="Public.")

    response = member_of_public.get(f"{seed_decision.get_absolute_url()}appendices/{appendix.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "status", [Decision.Status.DRAFT, Decision.Status.APPROVED, Decision.Status.WITHDRAWN]
)
def test_unpublished_decision_is_not_found(status, member_of_public):
    decision = DecisionFactory(status=status)

    assert member_of_public.get(decision.get_absolute_url()).status_code == 404
    assert member_of_public.get(f"/decisions/{decision.reference}.pdf").status_code == 404


def test_statutory_comments_are_shown_with_who_made_them(make_decision, officer, member_of_public):
    decision = make_decision(comments=False)
    StatutoryCommentFactory(
        decision=decision,
        role="monitoring_officer",
        person="Polly Reed",
        text="Legal advice has been taken.",
        made_on=datetime.date(2022, 6, 12),
    )
    decision.publish(by=officer)

    page = page_of(member_of_public, decision)

    assert "Comments from the Chief Executive and Monitoring Officer" in page
    assert "Legal advice has been taken." in page
    assert "Polly Reed, 12 June 2022" in page


def test_live_signatures_are_shown_and_voided_ones_are_not(
    make_decision, officer, pcc, treasurer, member_of_public
):
    decision = make_decision()
    signed_at = timezone.make_aware(datetime.datetime(2022, 6, 29, 10, 0))
    Signature.objects.create(
        decision=decision,
        step=WorkflowStep.APPROVE,
        user=pcc,
        name="Philip Seccombe",
        capacity="Police and Crime Commissioner",
        signed_at=signed_at,
        content_sha256="a" * 64,
    )
    Signature.objects.create(
        decision=decision,
        step=WorkflowStep.SIGN_OFF,
        user=treasurer,
        name="Ann Voided",
        capacity="Treasurer",
        signed_at=signed_at,
        content_sha256="b" * 64,
        voided_at=signed_at,
        void_reason="The costs section was edited after sign-off.",
    )
    decision.publish(by=officer)

    page = page_of(member_of_public, decision)

    assert "Philip Seccombe" in page
    assert "Police and Crime Commissioner" in page
    assert "29 June 2022" in page
    assert "Ann Voided" not in page
    assert "a" * 64 not in page


def test_record_without_signatures_shows_the_decision_makers_signature_line(
    seed_decision, member_of_public
):
    record = public_record(seed_decision)

    assert [(s.name, s.signed_on) for s in record.signatures] == [
        ("Philip Seccombe", datetime.date(2022, 6, 29))
    ]


def test_publication_date_is_shown_and_late_publication_says_so(
    make_decision, officer, member_of_public
):
    decision = make_decision(
        late_publication_reason="The record was found unpublished in an audit in 2023.",
        published_on=datetime.date(2023, 2, 1),
        publish_by=officer,
    )

    page = page_of(member_of_public, decision)

    assert "Date published" in page
    assert "1 February 2023" in page
    assert "Published late" in page
    assert "found unpublished in an audit" in page


def test_record_on_time_does_not_say_late(seed_decision, member_of_public):
    assert "Published late" not in page_of(member_of_public, seed_decision)


def test_grants_and_related_decisions_are_shown(make_decision, officer, member_of_public):
    earlier = make_decision(
        reference="WPCC3-0040", title="The first grants round", publish_by=officer
    )
    unpublished = make_decision(reference="WPCC3-0041", title="A draft it also follows")
    decision = make_decision(reference="WPCC3-0042")
    AwardFactory(decision=decision, recipient="Coventry youth project", amount=Decimal("12345.50"))
    DecisionLinkFactory(from_decision=decision, to_decision=earlier)
    DecisionLinkFactory(from_decision=decision, to_decision=unpublished)
    decision.publish(by=officer)

    page = page_of(member_of_public, decision)

    assert "Coventry youth project" in page
    assert "£12,345.50" in page
    assert 'href="/decisions/WPCC3-0040/"' in page
    assert "A draft it also follows" not in page


def test_other_exemption_is_named_in_words(make_decision, officer, member_of_public):
    decision = make_decision(
        sections=[
            public_section("Background information", "Public."),
            {
                "heading": "Personal details",
                "text": "Names of staff.",
                "is_withheld": True,
                "exemption": Exemption.S40,
            },
        ],
        publish_by=officer,
    )

    page = page_of(member_of_public, decision)

    assert (
        "Withheld under section 40 of the Freedom of Information Act 2000: personal information"
        in page
    )
    assert "Names of staff." not in page


def test_reference_with_a_slash_has_a_working_address(make_decision, officer, member_of_public):
    decision = make_decision(reference="016/2021", publish_by=officer)

    assert decision.get_absolute_url() == "/decisions/016/2021/"
    assert member_of_public.get("/decisions/016/2021/").status_code == 200
    assert member_of_public.get("/decisions/016/2021.pdf").status_code == 200


def test_detail_answers_conditional_requests(seed_decision, member_of_public):
    first = member_of_public.get(seed_decision.get_absolute_url())

    by_etag = member_of_public.get(
        seed_decision.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    by_date = member_of_public.get(
        seed_decision.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert by_etag.status_code == 304
    assert by_date.status_code == 304


def test_detail_etag_changes_when_the_public_record_changes(
    seed_decision, officer, member_of_public
):
    first = member_of_public.get(seed_decision.get_absolute_url())
    comment = seed_decision.comments.get()
    comment.text = "A corrected comment."
    comment._history_user = officer
    comment.save()

    again = member_of_public.get(seed_decision.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "A corrected comment." in again.content.decode()


def test_public_pages_need_no_sign_in(seed_decision, member_of_public):
    ContractFactory()  # the OCDS package needs at least one release
    for path in (
        "/",
        "/decisions/",
        seed_decision.get_absolute_url(),
        f"/decisions/{seed_decision.reference}.pdf",
        "/decisions/feed/",
        "/sitemap.xml",
        "/contracts/",
        "/contracts.csv",
        "/contracts/ocds.json",
    ):
        assert member_of_public.get(path).status_code == 200, path
