"""The public register draws each result with a tag, not the template it replaced: the same
markup, every value escaped, and the links `reverse` gives."""

import dataclasses
import datetime

import pytest
from django.template import engines
from django.test.html import parse_html
from django.urls import reverse

from decisions.models import Decision
from decisions.publication import (
    PublicRecord,
    decision_pdf_url,
    decision_url,
    listed_record,
    listed_rows,
    public_record,
)
from tests.factories import DelegationFactory
from tests.publication.conftest import costs_withheld, public_section

render = engines["django"].from_string

# The markup the register's template drew for each result before the tag replaced it.
TEMPLATE_ROW = render(
    """{% load registers %}
<li class="app-results__item">
  <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
    <a class="govuk-link" href="{{ record.url }}">{{ record.title }}</a>
  </h3>
  <p class="govuk-body-s govuk-!-margin-bottom-1">
    {{ record.reference }}
    {% if record.decided_on %} · Decided {{ record.decided_on|long_date }}{% endif %}
    {% if record.published_on %} · Published {{ record.published_on|long_date }}{% endif %}
    {% if record.published_late %} (late){% endif %}
  </p>
  {% if record.listing_text %}
    <p class="govuk-body govuk-!-margin-bottom-1">{{ record.listing_text|truncatewords:45 }}</p>
  {% endif %}
  <p class="govuk-body-s">
    {% if record.confidentiality_code == "non" %}
      <strong class="govuk-tag govuk-tag--green">{{ record.confidentiality }}</strong>
    {% elif record.confidentiality_code == "partly" %}
      <strong class="govuk-tag govuk-tag--yellow">{{ record.confidentiality }}</strong>
    {% else %}
      <strong class="govuk-tag govuk-tag--grey">{{ record.confidentiality }}</strong>
    {% endif %}
    {% if record.category %} {{ record.category }}{% endif %}
    {% if record.decision_maker %} · {{ record.decision_maker }}{% endif %}
  </p>
</li>"""
)
TAG_ROW = render("{% load public_register %}{% public_result record %}")


def record(**changes) -> PublicRecord:
    fields = {
        "reference": "WPCC3-0058",
        "title": "Victim services: extension of the contract",
        "url": decision_url("WPCC3-0058"),
        "pdf_url": decision_pdf_url("WPCC3-0058"),
        "form": "Decision record",
        "confidentiality": "Non-confidential",
        "confidentiality_code": "non",
        "is_wholly_confidential": False,
        "public_subject": "",
        "category": "Victims",
        "decision_maker": "Police and Crime Commissioner",
        "lead_officers": "",
        "is_force_business": False,
        "chief_officer_approved_on": None,
        "received_on": None,
        "decided_on": datetime.date(2024, 3, 28),
        "signed_on": None,
        "published_on": datetime.date(2024, 4, 2),
        "late_publication_reason": "",
        "summary_label": "Summary",
        "decided_label": "Decided",
        "signed_label": "Signed",
        "published_label": "Published",
        "summary": "The contract is extended by twelve months while the service is recommissioned.",
    }
    return PublicRecord(**(fields | changes))


LONG = " ".join(f"word{n}" for n in range(80))
ROWS = {
    "plain": record(),
    "hostile text": record(
        title='<script>alert("x")</script> & more',
        reference="A&B/<1>",
        url=decision_url("A&B/<1>"),
        category="Estates & <b>fleet</b>",
        decision_maker='O\'Brien "the delegate"',
        summary="Less than < greater than > and 'quotes'",
    ),
    "partly withheld, late": record(
        confidentiality="Partly confidential",
        confidentiality_code="partly",
        late_publication_reason="The Monitoring Officer's advice was awaited.",
    ),
    "no dates": record(decided_on=None, published_on=None),
    "long summary": record(summary=LONG),
    "no summary": record(summary=""),
    "wholly confidential": record(
        confidentiality="Confidential",
        confidentiality_code="confidential",
        is_wholly_confidential=True,
        public_subject="A contract for a named supplier",
        category="",
        decision_maker="",
        summary="",
    ),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_a_result_is_the_markup_the_template_drew(row):
    assert parse_html(TAG_ROW.render({"record": row})) == parse_html(
        TEMPLATE_ROW.render({"record": row})
    )


def test_a_result_escapes_what_it_shows():
    drawn = TAG_ROW.render({"record": ROWS["hostile text"]})
    assert "<script>" not in drawn and "<b>" not in drawn
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in drawn
    assert "O&#x27;Brien &quot;the delegate&quot;" in drawn


def test_a_long_summary_is_cut_at_45_words():
    drawn = TAG_ROW.render({"record": ROWS["long summary"]})
    assert "word44 …" in drawn and "word45" not in drawn


def test_a_result_with_no_category_does_not_start_its_line_with_a_separator():
    row = record(category="")
    drawn = TAG_ROW.render({"record": row})
    assert "</strong> Police and Crime Commissioner</p>" in drawn


@pytest.mark.parametrize(
    "reference", ["WPCC3-0058", "OPCC/2024/17", "Décision 5", "100% & more", "a?b#c=d", "x y+z"]
)
def test_a_records_links_are_the_links_reverse_gives(reference):
    assert decision_url(reference) == reverse("decisions:detail", kwargs={"reference": reference})
    assert decision_pdf_url(reference) == reverse("decisions:pdf", kwargs={"reference": reference})


def test_a_listed_decision_is_read_in_the_pages_one_query_and_shows_what_its_record_shows(
    make_decision, officer, django_assert_num_queries
):
    """The register reads each result as a row of the fields it shows (LISTED_FIELDS), all in
    the page's one query, and shows what the decision's full public record says without its
    parts. A field left out of the row fails; one read differently (a join that is not there,
    a value not converted) changes what the result shows."""
    delegated = make_decision(
        reference="WPCC3-0031",
        title="Lease of the Leamington Spa office",
        decision_maker=Decision.Maker.DELEGATE,
        delegation=DelegationFactory(),
        lead_officers="Head of Estates",
        late_publication_reason="The lease was signed late.",
        received_on=datetime.date(2021, 2, 1),
        summary="A five-year lease of office space.",
        sections=[public_section("Background information", "The current lease ends.")],
        publish_by=officer,
    )
    uncategorised = make_decision(
        reference="WPCC3-0058",
        title="Victim services: extension",
        category=None,
        is_force_business=True,
        chief_officer_approved_on=datetime.date(2022, 6, 20),
        sections=[
            public_section("Background information", "The contracts end in March 2023."),
            costs_withheld("The extension costs a confidential sum."),
        ],
        publish_by=officer,
    )
    secret = make_decision(
        reference="WPCC3-0060",
        title="Covert operations support contract",
        public_subject="A contract supporting police operations.",
        summary="Tells how the covert support works.",
        sections=[costs_withheld("All of it is secret.")],
        publish_by=officer,
    )
    records = {
        decision.reference: public_record(Decision.objects.get(pk=decision.pk))
        for decision in (delegated, uncategorised, secret)
    }

    with django_assert_num_queries(1):
        listed = {
            row["reference"]: listed_record(row)
            for row in listed_rows(Decision.objects.published())
        }

    assert listed == {reference: without_parts(record) for reference, record in records.items()}
    delegation = delegated.delegation
    assert listed["WPCC3-0031"].decision_maker == (
        f"{delegation.delegate_name}, under {delegation.instrument}"
    )
    assert listed["WPCC3-0031"].category == delegated.category.name
    assert listed["WPCC3-0058"].category == ""
    assert listed["WPCC3-0058"].confidentiality_code == "partly"
    assert listed["WPCC3-0058"].chief_officer_approved_on == datetime.date(2022, 6, 20)
    # Wholly confidential: its subject, not its summary, and no one named.
    assert listed["WPCC3-0060"].is_wholly_confidential
    assert listed["WPCC3-0060"].listing_text == "A contract supporting police operations."
    assert listed["WPCC3-0060"].summary == ""
    assert listed["WPCC3-0060"].decision_maker == ""


# What a full record has that a listed one leaves out.
PARTS = {
    "withheld_grounds": [],
    "declaration_of_interests": "",
    "sections": [],
    "appendices": [],
    "comments": [],
    "signatures": [],
    "awards": [],
    "links": [],
    "contracts": [],
    "office": None,
    "layout": [],
    "author_name": "",
    "author_job_role": "",
    "providers": [],
    "delegation": None,
    "money": None,
}


def without_parts(record: PublicRecord) -> PublicRecord:
    return dataclasses.replace(record, **PARTS)
