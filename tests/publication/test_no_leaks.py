"""Proof that nothing withheld reaches the public, whatever the mix of withheld parts.

Hypothesis makes decisions with random sections and appendices, some withheld, some wholly
confidential, and a draft that is never published. Every withheld text, everything of a
wholly confidential record beyond its reference, title, subject and dates, and everything of
the draft holds a unique marker. The decisions are published the way the app publishes them,
and then every public surface is fetched: the register (with filters), search results for
the markers' own words, each record, its PDF and its appendices, the feed, the sitemap, the
contract register, the CSV and the OCDS data. The decisions' form keeps some elements
internal (the author, the report's author, a field of its own), and its own public fields
hold withheld values: their labels and values are markers too. No marker, and no
12-character piece of one, may appear in any of them.

The control tests show the checker is not blind: a withheld section rendered and hidden
with CSS, a PDF with the text in white, and a PDF with it in the metadata are all caught.
"""

import datetime
import re
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import quote_plus, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template import engines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning import stored_exports
from contracts.models import Contract, Extension, ExtensionBasis
from decisions import pdf as decision_pdf
from decisions.models import (
    Appendix,
    Decision,
    DecisionSection,
    ElementKind,
    Exemption,
    FieldType,
    FieldValue,
    SignedCopy,
    StatutoryComment,
)
from decisions.publication import public_record
from tests.factories import (
    AwardFactory,
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    DecisionProviderFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    NoticeFactory,
    ProcurementPhaseFactory,
    ProviderFactory,
    extension_basis,
)
from tests.publication.leaks import (
    assert_no_leaks,
    find_leaks,
    readings_of_pdf,
    readings_of_text,
)

VOCABULARY = (
    "service contract provider victims recovery partnership council budget review "
    "procurement extension commissioning young people adults county justice lot support "
    "treatment outcomes value quality referral monitoring strategy agreement funding"
).split()
HEADINGS = [
    "Background information",
    "Expected benefits",
    "Costs (including any identified savings)",
    "Legal comments",
    "Equality implications",
    "Risks",
]
MARKER_LETTERS = "bcdfghjkmnpqrstvwxz"
START = ["/", "/decisions/", "/decisions/feed/", "/sitemap.xml", "/contracts/"]
NOT_PUBLIC = ("/static/", "/workspace/", "/accounts/", "/admin/", "/media/")

words = st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=12).map(" ".join)
marker_word = st.text(alphabet=MARKER_LETTERS, min_size=8, max_size=8).map(lambda w: "qx" + w)
section_plans = st.fixed_dictionaries(
    {
        "heading": st.sampled_from(HEADINGS),
        "withheld": st.booleans(),
        "exemption": st.sampled_from(Exemption.values),
        "text": words,
    }
)
appendix_plans = st.fixed_dictionaries({"withheld": st.booleans(), "title": words})
decision_plans = st.fixed_dictionaries(
    {
        "wholly_confidential": st.booleans(),
        "sections": st.lists(section_plans, min_size=1, max_size=4),
        "appendices": st.lists(appendix_plans, max_size=2),
        "summary": words,
        "subject": words,
        "by_delegate": st.booleans(),
        "papers_restricted": st.booleans(),
        "round_of_grants": st.booleans(),
    }
)


class Markers:
    """Unique strings, each from three drawn words and a serial number."""

    def __init__(self, draw_words) -> None:
        self.words = draw_words
        self.made: list[str] = []
        self.withheld_text: list[str] = []  # of withheld sections: the ones search must miss

    def new(self) -> str:
        serial = len(self.made)
        first, second, third = (self.words[(serial * 3 + i) % len(self.words)] for i in range(3))
        marker = f"{first}{serial:02d} {second} {third}"
        self.made.append(marker)
        return marker

    def withheld(self) -> str:
        marker = self.new()
        self.withheld_text.append(marker)
        return marker


@contextmanager
def rolled_back():
    """Each example starts from the same database: its rows are rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def laid_out_form(markers: Markers, officer):
    """A form laid out with internal elements whose labels are markers, beside public ones:
    the author and the report's author kept internal, and three fields of its own (one
    internal, two public whose values the decisions withhold or give)."""
    form = DecisionTemplateFactory(sections=[])
    form.lay_out_default(by=officer)
    form.add_element(kind=ElementKind.AUTHOR, label=markers.new(), is_public=False)
    form.add_element(kind=ElementKind.REPORT_AUTHOR, label=markers.new(), is_public=False)
    form.add_element(
        kind=ElementKind.FIELD,
        name="internal_note",
        field_type=FieldType.LONG_TEXT,
        label=markers.new(),
        is_public=False,
    )
    form.add_element(
        kind=ElementKind.FIELD, name="funding", field_type=FieldType.TEXT, label="Funding"
    )
    form.add_element(
        kind=ElementKind.FIELD, name="partner", field_type=FieldType.PERSON, label="Partner"
    )
    return form


def give_values(decision: Decision, markers: Markers, confidential: bool) -> None:
    """The decision's values of the form's own fields and of its internal report author:
    markers in every one the public may not see."""
    FieldValue.objects.create(decision=decision, name="internal_note", value=markers.new())
    FieldValue.objects.create(decision=decision, name="report_author", value=markers.new())
    FieldValue.objects.create(
        decision=decision,
        name="funding",
        value=markers.withheld(),
        is_withheld=True,
        exemption=Exemption.S43_2,
        public_interest_statement="The funding split would harm the tender.",
    )
    FieldValue.objects.create(
        decision=decision,
        name="partner",
        value=markers.new() if confidential else "Warwickshire County Council",
    )


def build(plan_list, markers: Markers, officer) -> list[Decision]:
    published = []
    form = laid_out_form(markers, officer)
    for number, plan in enumerate(plan_list, start=1):
        confidential = plan["wholly_confidential"]
        # Papers restricted: the summary and decision maker are public, nothing else is.
        restricted = plan["papers_restricted"] and not confidential
        secret = markers.new if confidential else (lambda: "")
        papers = markers.new if confidential or restricted else (lambda: "")
        category = DecisionCategoryFactory(name=papers() or f"Commissioning {number}")
        fields = {
            "reference": f"LEAK-{number:03}",
            "title": f"Decision {number} on " + plan["summary"][:80],
            "category": category,
            "summary": secret() or plan["summary"],
            "public_subject": plan["subject"],
            "lead_officers": papers() or "Precious Williamson",
            "author_name": markers.new(),
            "author_job_role": markers.new(),
            "declaration_of_interests": papers() or "None declared.",
            "decision_maker_name": secret() or "Philip Seccombe",
        }
        if restricted:
            fields.update(
                papers_restricted=True,
                papers_exemption=Exemption.S31,
                papers_public_interest="Disclosure would prejudice the prevention of crime.",
            )
        if plan["by_delegate"]:
            fields["decision_maker"] = Decision.Maker.DELEGATE
            # A delegation's scope, the officers its delegate consults and the delegation it
            # was made under are internal; the instrument and its dates are public.
            fields["delegation"] = DelegationFactory(
                delegate_name=secret() or "Chief Finance Officer",
                scope=markers.new(),
                officers_consulted=markers.new(),
                instrument_reference=secret() or "SCD-4.2",
                made_under=DelegationFactory(
                    delegate_name=secret() or "Chief Executive",
                    instrument=secret() or "Scheme of consent and delegation 2021",
                    scope=markers.new(),
                    officers_consulted=markers.new(),
                ),
            )
        decision = DecisionFactory(decided=True, template=form, **fields)
        give_values(decision, markers, confidential)
        for position, section_plan in enumerate(plan["sections"], start=1):
            withheld = confidential or section_plan["withheld"]
            hidden = withheld or restricted
            section = DecisionSection(
                decision=decision,
                position=position,
                heading=section_plan["heading"],
                part="Supporting information",
                guidance=markers.new(),
                text=markers.withheld() if hidden else section_plan["text"],
            )
            if withheld:
                section.is_withheld = True
                section.exemption = section_plan["exemption"]
                section.exemption_other = (
                    "Regulation 12(5)(e) of the Environmental Information Regulations"
                    if section.exemption == Exemption.OTHER
                    else ""
                )
                section.public_interest_statement = "Disclosure would harm " + section_plan["text"]
                section.release_on = datetime.date(2030, 1, 1)
            section.full_clean()
            section.save()
        for index, appendix_plan in enumerate(plan["appendices"], start=1):
            withheld = appendix_plan["withheld"]
            appendix = Appendix(
                decision=decision,
                title=f"Appendix {index}: {appendix_plan['title']}",
                is_withheld=withheld,
                exemption=Exemption.S43_2 if withheld else "",
                public_interest_statement="The figures would harm the tender." if withheld else "",
            )
            content = (
                markers.new() if withheld or confidential or restricted else appendix_plan["title"]
            )
            if restricted:
                appendix.title = markers.new()
            appendix.file.save(f"appendix-{number}-{index}.txt", ContentFile(content), save=False)
            appendix.full_clean()
            appendix.save()
        # The office's signed copy, perhaps with handwritten signatures: never public, not
        # its name (a marker without spaces, as a stored file name keeps it) nor its bytes.
        copy = SignedCopy(decision=decision, sha256="0" * 64)
        name = markers.new().replace(" ", "")
        copy.file.save(f"{name}.pdf", ContentFile(f"%PDF-1.4 {markers.new()}"), save=False)
        copy.save()
        StatutoryComment.objects.create(
            decision=decision,
            role=StatutoryComment.Role.TREASURER,
            person=papers() or "The Treasurer",
            text=papers() or "Affordable within the commissioning budget.",
        )
        if plan["round_of_grants"]:
            AwardFactory(
                decision=decision,
                recipient="",
                applications=12,
                funded=8,
                purpose=papers() or "Community safety fund",
            )
        else:
            AwardFactory(decision=decision, recipient=papers() or "Community safety project")
        # A provider it concerns directly, and a decision outside the register it follows.
        DecisionProviderFactory(
            decision=decision, provider=ProviderFactory(name=papers() or f"Provider {number}")
        )
        DecisionLinkFactory(
            from_decision=decision,
            to_decision=None,
            to_reference=papers() or f"OLD-{number}",
            to_title=papers() or "An older decision",
            to_url="https://www.example.gov.uk/decisions/old.pdf",
        )
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer)
        decision.refresh_from_db()
        assert decision.status == Decision.Status.PUBLISHED
        # Every section withheld makes a record wholly confidential too, unless its papers
        # are restricted (its summary and decision maker public).
        all_withheld = all(plan_section["withheld"] for plan_section in plan["sections"])
        assert decision.is_wholly_confidential == (
            (confidential or all_withheld) and not restricted
        )
        assert decision.papers_are_restricted == restricted
        published.append(decision)

    # A draft, never published: all of it is private, its title included.
    draft = DecisionFactory(
        reference="LEAK-DRAFT",
        title=markers.new(),
        summary=markers.new(),
        public_subject=markers.new(),
        sections=[{"heading": "Background information", "text": markers.new()}],
    )
    # The contracts the decisions concern, one extended by the draft's authority.
    for decision in [*published, draft]:
        contract = ContractFactory(total_value=Decimal("250000.00"))
        contract.decisions.add(decision)
        Extension.objects.create(
            contract=contract,
            previous_ends_on=contract.ends_on,
            new_ends_on=contract.ends_on + datetime.timedelta(days=365),
            reason="An interim extension while the joint procurement runs.",
            basis=extension_basis(ExtensionBasis.EXEMPTION),
            authorising_decision=decision,
        )
    # A small contract, public by its value, parties and purpose alone, extended; and one
    # still being planned, of which nothing is public.
    small = ContractFactory(
        total_value=Decimal("8000.00"),
        status=Contract.Status.ACTIVE,
        description=markers.new(),
        department=markers.new(),
    )
    Extension.objects.create(
        contract=small,
        previous_ends_on=small.ends_on,
        new_ends_on=small.ends_on + datetime.timedelta(days=30),
        reason=markers.new(),
        basis=extension_basis("exemption"),
    )
    ContractFactory(
        reference="LEAK-PLANNED",
        title=markers.new(),
        description=markers.new(),
        provider=ProviderFactory(name=markers.new()),
        status=Contract.Status.PLANNED,
    )
    # Notices of what the public register does not show in full: a contract at or below the
    # threshold (value, parties and purpose only), one still being planned, and a phase not
    # yet announced. None of their identifiers or addresses may appear.
    planned = ContractFactory(total_value=Decimal("90000.00"), status=Contract.Status.PLANNED)
    unannounced = ProcurementPhaseFactory(
        starts_on=datetime.date.today() + datetime.timedelta(days=400),
        ends_on=None,
        prior_information_notice_on=None,
        cpv_codes="85312300-2",
        outcome="aborted",
    )
    for owner in ({"contract": small}, {"contract": planned}, {"phase": unannounced}):
        NoticeFactory(
            **{"contract": None, **owner},
            identifier=markers.new(),
            url=f"https://notices.example/{markers.new()}",
        )
    return published


def links_in(body: str) -> set[str]:
    found = set(re.findall(r'href="([^"]+)"', body))
    found |= set(re.findall(r"<loc>([^<]+)</loc>", body))
    found |= set(re.findall(r'<link href="([^"]+)"', body))
    paths = set()
    for link in found:
        parts = urlsplit(link.replace("&amp;", "&"))
        if parts.netloc and parts.netloc not in ("testserver", "example.com"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(NOT_PUBLIC):
            paths.add(path)
    return paths


def crawl(client, start: list[str]) -> dict[str, object]:
    """Every public page reachable from the start pages, by following links."""
    seen: dict[str, object] = {}
    queue = list(start)
    while queue and len(seen) < 300:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and ("html" in content_type or "xml" in content_type):
            for link in sorted(links_in(response.content.decode("utf-8"))):
                if link not in seen:
                    queue.append(link)
    return seen


def readings(response) -> dict[str, str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return readings_of_pdf(content)
    return readings_of_text(content)


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(decision_plans, min_size=1, max_size=3),
    draw_words=st.lists(marker_word, min_size=3, max_size=6),
)
def test_no_withheld_text_reaches_any_public_surface(plans, draw_words, client, officer):
    with rolled_back():
        markers = Markers(draw_words)
        published = build(plans, markers, officer)
        leaks = []

        # The downloads and feeds of filtered lists too: each category's, and a provider's.
        lists = ["/contracts.csv", "/contracts.json", "/contracts/ocds.json", "/decisions.json"]
        # (The category of a wholly confidential decision, or of one whose papers are
        # restricted, is not public: its name is a marker.)
        for decision in published:
            if not decision.is_wholly_confidential and not decision.papers_are_restricted:
                slug = decision.category.slug
                lists += [f"/decisions/feed/?category={slug}", f"/decisions.json?category={slug}"]
        lists += ["/contracts.json?sort=value", "/decisions.json?provider=a&sort=title"]
        pages = crawl(client, START + lists)
        for decision in published:
            paths = [
                decision.get_absolute_url(),
                f"/decisions/{decision.reference}.pdf",
                f"/decisions/{decision.reference}.json",
            ]
            for path in paths:
                assert pages.get(path) is not None, f"{path} is not linked from the register"
        assert "/decisions/LEAK-DRAFT/" not in pages
        assert any(path.startswith("/contracts/OPCC-C-") for path in pages), "contract pages"
        # What a browser is shown at the feed's address: the page that explains it.
        explainer = client.get("/decisions/feed/?category=x", HTTP_ACCEPT="text/html")
        assert explainer["Content-Type"].startswith("text/html")
        pages["/decisions/feed/ (explainer)"] = explainer
        for path, response in pages.items():
            assert response.status_code == 200, (path, response.status_code)
            leaks += find_leaks(path, readings(response), markers.made)

        # The full downloads as the worker keeps them in the storage, and as served from there.
        stored_exports.rebuild_exports.call()
        for stored in stored_exports.registered():
            for name in default_storage.listdir(stored.folder())[1]:
                with default_storage.open(f"{stored.folder()}/{name}") as file:
                    content = file.read()
                leaks += find_leaks(f"stored {name}", readings_of_text(content), markers.made)
        for path in [
            "/contracts.csv",
            "/contracts.json",
            "/contracts/ocds.json",
            "/decisions.json",
        ]:
            response = client.get(path)
            assert response.streaming, f"{path} is not served from the storage"
            leaks += find_leaks(f"{path} (stored)", readings(response), markers.made)

        # Search for withheld sections' own words, and for a whole marker: no decision
        # matches, and the page shows nothing beyond the words typed into the search box.
        queries = [marker.split()[0] for marker in markers.withheld_text[:6]]
        queries += [markers.made[-1], " ".join(marker.split()[-1] for marker in markers.made[:3])]
        for query in queries:
            response = client.get("/decisions/", {"q": query})
            assert response.status_code == 200
            assert "0 decisions" in response.content.decode(), f"{query!r} found a decision"
            # The words typed are echoed in the search box, and in the addresses of the
            # feed and download of the list (where a space is a "+").
            typed = [query, quote_plus(query)]
            leaks += find_leaks(
                f"search for {query}", readings(response), markers.made, allowed=typed
            )

        # The contract register's search finds nothing by words only a planned contract, or
        # what is not public of a small one, holds; a planned contract has no page.
        for marker in markers.made[-5:]:
            response = client.get("/contracts/", {"q": marker.split()[0]})
            assert "No contract matches" in response.content.decode(), marker
            leaks += find_leaks(
                f"contract search for {marker}",
                readings(response),
                markers.made,
                allowed=[marker.split()[0]],
            )
        assert client.get("/contracts/LEAK-PLANNED/").status_code == 404
        assert client.get("/decisions/LEAK-DRAFT.json").status_code == 404

        # A withheld appendix is named but cannot be downloaded, by any address.
        for appendix in Appendix.objects.filter(decision__in=published):
            url = f"{appendix.decision.get_absolute_url()}appendices/{appendix.pk}/"
            response = client.get(url)
            decision = appendix.decision
            public = not (
                appendix.is_withheld
                or decision.is_wholly_confidential
                or decision.papers_are_restricted
            )
            assert response.status_code == (200 if public else 404), url
            if public:
                leaks += find_leaks(url, readings(response), markers.made)

        assert_no_leaks(leaks)


# -- the checker is not blind ---------------------------------------------------------------


@pytest.fixture
def withheld_marker():
    return "qxkrtpvbnm costs qxzhgfdwst twelve qxmnbvcxzl"


@pytest.fixture
def decision_with_secret(make_decision, officer, withheld_marker):
    from tests.publication.conftest import costs_withheld, public_section

    return make_decision(
        sections=[
            public_section("Background information", "The contracts end in March 2023."),
            costs_withheld(withheld_marker),
        ],
        publish_by=officer,
    )


HIDDEN_WITH_CSS = """{% extends "public/detail.html" %}
{% block content %}{{ block.super }}
  {% for section in sections %}{% if section.is_withheld %}
    <div class="govuk-visually-hidden" hidden style="display: none">{{ section.text }}</div>
  {% endif %}{% endfor %}
{% endblock %}"""


def test_checker_finds_a_withheld_section_rendered_and_hidden_with_css(
    decision_with_secret, withheld_marker, rf
):
    """What real redaction failures did: the text is in the page, only not displayed."""
    template = engines["django"].from_string(HIDDEN_WITH_CSS)
    page = template.render(
        {
            "record": public_record(decision_with_secret),
            "sections": decision_with_secret.sections.all(),
        },
        rf.get("/"),
    )

    leaks = find_leaks("bad page", readings_of_text(page), [withheld_marker])

    assert leaks
    with pytest.raises(AssertionError, match="Withheld text reached the public"):
        assert_no_leaks(leaks)


def test_checker_finds_a_withheld_section_hidden_in_white_text_in_a_pdf(
    decision_with_secret, withheld_marker
):
    record = public_record(decision_with_secret)
    good = decision_pdf.public_pdf_html(record)
    bad = good.replace(
        "</body>",
        f'<p style="color: white; font-size: 1pt">{withheld_marker}</p></body>',
    )

    assert not find_leaks(
        "good pdf", readings_of_pdf(decision_pdf.html_to_pdf(good)), [withheld_marker]
    )
    assert find_leaks("bad pdf", readings_of_pdf(decision_pdf.html_to_pdf(bad)), [withheld_marker])


def test_checker_finds_withheld_text_in_pdf_metadata_alone(decision_with_secret, withheld_marker):
    record = public_record(decision_with_secret)
    bad = decision_pdf.public_pdf_html(record).replace(
        '<meta name="keywords" content="', f'<meta name="keywords" content="{withheld_marker}, '
    )

    leaks = find_leaks(
        "pdf metadata", readings_of_pdf(decision_pdf.html_to_pdf(bad)), [withheld_marker]
    )

    assert {leak.reading for leak in leaks} >= {"document information"}


def test_checker_finds_a_twelve_character_piece_of_a_marker(withheld_marker):
    piece = withheld_marker.replace(" ", "")[7:19]

    assert find_leaks("page", readings_of_text(f"<p>{piece.upper()}</p>"), [withheld_marker])
    assert not find_leaks("page", readings_of_text(f"<p>{piece[:11]}</p>"), [withheld_marker])


def test_the_real_public_page_and_pdf_pass_the_same_checker(
    decision_with_secret, withheld_marker, client
):
    page = client.get(decision_with_secret.get_absolute_url())
    pdf = client.get(f"/decisions/{decision_with_secret.reference}.pdf")

    assert "Withheld under section 43(2)" in page.content.decode()
    assert_no_leaks(find_leaks("page", readings(page), [withheld_marker]))
    assert_no_leaks(find_leaks("pdf", readings(pdf), [withheld_marker]))
