"""A decision's public record: the one place what the public may see of a decision is built.

Pages, PDFs, feeds and exports take a `PublicRecord`, never a model instance. Each is made
from an explicit allow-list of fields. A withheld part contributes its heading and the reason
it is withheld, never its text, and a wholly confidential decision contributes its reference,
title, one-line subject and dates only. So there is nothing confidential in the output to
hide: it was never put there.
"""

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf

from commissioning.dates import NOT_RECORDED, PreciseDateAttribute, Precision
from commissioning.speed import precompiled
from commissioning.speed.reversing import reference_path
from contracts.models import Contract
from decisions.models import (
    Appendix,
    Award,
    Correction,
    Decision,
    DecisionLink,
    DecisionMoney,
    DecisionProvider,
    DecisionSection,
    Delegation,
    ElementKind,
    FieldValue,
    FundingSource,
    Signature,
    StatutoryComment,
    YearlyFigure,
)
from decisions.models.decision import figures_recorded
from decisions.models.offices import office_name
from decisions.publication.addresses import (
    appendix_url,
    contract_url,
    decision_url,
)
from decisions.publication.layout import (
    PublicElement,
    PublicOffice,
    layout_groups,
    public_layout,
    required_and_empty,
    section_numbers,
)
from decisions.publication.money import PublicMoney, public_money, public_value
from decisions.publication.parts import (
    PublicAppendix,
    PublicAward,
    PublicComment,
    PublicCorrection,
    PublicDelegation,
    PublicLink,
    PublicProvider,
    PublicSection,
    PublicSignature,
)

CONFIDENTIALITY_IN_WORDS = dict(Decision.Confidentiality.choices)


@dataclass(frozen=True)
class PublicRecord:
    reference: str
    title: str
    url: str
    pdf_url: str
    form: str
    confidentiality: str
    confidentiality_code: str
    is_wholly_confidential: bool
    public_subject: str
    category: str
    decision_maker: str
    lead_officers: str
    is_force_business: bool
    chief_officer_approved_on: datetime.date | None
    received_on: datetime.date | None
    decided_on: datetime.date | None
    signed_on: datetime.date | None
    published_on: datetime.date | None
    late_publication_reason: str
    summary_label: str
    decided_label: str
    signed_label: str
    published_label: str
    # When the record last changed; not part of its content (see `record_fingerprint`).
    updated_at: datetime.datetime | None = None
    # Taken outside the register and recorded from the office's signed record (the page and
    # PDF say so in RECORDED_FROM_SIGNED_RECORD's words).
    recorded_from_signed_record: bool = False
    # What `decision_maker` says, as data (for the open data export): "pcc" or "delegate",
    # the Commissioner's name, or the delegate and the instrument they decided under.
    decision_maker_code: str = ""
    decision_maker_name: str = ""
    delegate_name: str = ""
    delegation_instrument: str = ""
    withheld_grounds: list[str] = field(default_factory=list)
    summary: str = ""
    declaration_of_interests: str = ""
    sections: list[PublicSection] = field(default_factory=list)
    appendices: list[PublicAppendix] = field(default_factory=list)
    comments: list[PublicComment] = field(default_factory=list)
    signatures: list[PublicSignature] = field(default_factory=list)
    awards: list[PublicAward] = field(default_factory=list)
    links: list[PublicLink] = field(default_factory=list)
    contracts: list[PublicLink] = field(default_factory=list)
    # How much of each date is known (commissioning.dates): read `record.decided` and the
    # others as a PreciseDate.
    chief_officer_approved_on_precision: str = Precision.DAY
    # False only in the preview of a record about to be published.
    is_published: bool = True
    received_on_precision: str = Precision.DAY
    decided_on_precision: str = Precision.DAY
    signed_on_precision: str = Precision.DAY
    published_on_precision: str = Precision.DAY

    chief_officer_approved = PreciseDateAttribute("chief_officer_approved_on")
    received = PreciseDateAttribute("received_on")
    decided = PreciseDateAttribute("decided_on")
    signed = PreciseDateAttribute("signed_on")
    published = PreciseDateAttribute("published_on")

    @property
    def published_text(self) -> str:
        """The date published as the record shows it: a published record whose date the
        office did not keep says so, never a date made up for it."""
        if self.published:
            return self.published.display
        return NOT_RECORDED if self.is_published else "Not yet published"

    corrections: list[PublicCorrection] = field(default_factory=list)
    # The office and the form's layout, as published (`decisions.publication.layout`): what
    # the page and PDF walk. Empty in a list of decisions.
    office: PublicOffice | None = None
    layout: list[PublicElement] = field(default_factory=list)
    # Given only when the form puts the author on the public record.
    author_name: str = ""
    author_job_role: str = ""

    @property
    def office_name(self) -> str:
        return self.office.name if self.office else ""

    @property
    def document_title(self) -> str:
        """What the form calls the record (e.g. "Executive order"); "" if it says nothing."""
        return next((e.text for e in self.layout if e.kind == ElementKind.DOCUMENT_TITLE), "")

    @property
    def groups(self) -> list:
        """The layout as the page and PDF draw it (`layout_groups`)."""
        return layout_groups(self.layout)

    providers: list[PublicProvider] = field(default_factory=list)
    delegation: PublicDelegation | None = None
    # The decision's figures (`decisions.publication.money`); None in a list of decisions and
    # for a record that shows none (wholly confidential, or its papers restricted).
    money: PublicMoney | None = None
    # In a list of decisions (`listed_rows`): the value the public may see (None when not
    # recorded, withheld, or the record shows no figures), for the list to show beside it.
    listed_value: Decimal | None = None
    # A record whose papers are restricted (Confidentiality.RESTRICTED): its summary and
    # decision maker are public, with why the rest is not.
    papers_restricted_because: str = ""
    papers_exemption: str = ""
    papers_exemption_other: str = ""
    papers_public_interest: str = ""

    @property
    def provenance(self) -> str:
        """Where the record came from, where that needs saying (RECORDED_FROM_SIGNED_RECORD)."""
        return RECORDED_FROM_SIGNED_RECORD if self.recorded_from_signed_record else ""

    @property
    def published_late(self) -> bool:
        return bool(self.late_publication_reason)

    @property
    def title_line(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def papers_are_restricted(self) -> bool:
        return self.confidentiality_code == Decision.Confidentiality.RESTRICTED

    @property
    def listing_text(self) -> str:
        """What a list of decisions says about this one."""
        return self.public_subject if self.is_wholly_confidential else self.summary


VOLATILE_FIELDS = {"updated_at"}


def record_fingerprint(record: PublicRecord) -> str:
    """A hash of everything the public sees in a record: an ETag and a PDF cache key."""
    content = {
        name: value
        for name, value in dataclasses.asdict(record).items()
        if name not in VOLATILE_FIELDS
    }
    encoded = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _maker_data(row) -> dict[str, str]:
    """Who decided, from a decision's listed values (`LISTED_FIELDS`): the Commissioner, or
    the delegate and the instrument they decided under. A delegate's delegation is read by a
    join, so a decision without one has no delegate's name."""
    if (
        row["decision_maker"] == Decision.Maker.DELEGATE
        and row["delegation__delegate_name"] is not None
    ):
        return {
            "decision_maker_code": Decision.Maker.DELEGATE.value,
            "decision_maker_name": "",
            "delegate_name": row["delegation__delegate_name"],
            "delegation_instrument": row["delegation__instrument"],
        }
    return {
        "decision_maker_code": Decision.Maker.PCC.value,
        "decision_maker_name": row["decision_maker_name"],
        "delegate_name": "",
        "delegation_instrument": "",
    }


def _decision_maker_in_words(maker: dict[str, str]) -> str:
    """`_maker_data` as the record says it."""
    if maker["decision_maker_code"] == Decision.Maker.DELEGATE:
        return f"{maker['delegate_name']}, under {maker['delegation_instrument']}"
    name = maker["decision_maker_name"]
    return f"{name}, Police and Crime Commissioner" if name else "Police and Crime Commissioner"


# Every field a list of decisions shows (`listed_rows`, `listed_record`), and nothing else. A
# decision read whole is twice the data of this; on a page of twenty search results the rest
# cost about a third of a millisecond in the database and as much again in building the rows.
# What every public surface says of a decision taken outside the register and recorded from the
# office's signed record (an import): the register did not take its signatures, and the signed
# copy, which may carry handwriting, is never published.
RECORDED_FROM_SIGNED_RECORD = (
    "Recorded from the office's signed record; the signed copy is held by the office."
)

LISTED_FIELDS = (
    "reference",
    "title",
    "confidentiality",
    "public_subject",
    "summary",
    "received_on",
    "decided_on",
    "signed_on",
    "published_on",
    "received_on_precision",
    "decided_on_precision",
    "signed_on_precision",
    "published_on_precision",
    "chief_officer_approved_on_precision",
    "late_publication_reason",
    "updated_at",
    "lead_officers",
    "is_force_business",
    "chief_officer_approved_on",
    "decision_maker",
    "decision_maker_name",
    "template__name",
    "template__summary_label",
    "template__decided_label",
    "template__signed_label",
    "template__published_label",
    "category__name",
    "delegation__delegate_name",
    "delegation__instrument",
    "recorded_from_signed_record",
    "status",
)


def listed_rows(decisions: models.QuerySet) -> models.QuerySet:
    """What a list shows of these decisions (published ones, already filtered, ordered and
    sliced to a page): for each, its `LISTED_FIELDS` as one row (a dict) for `listed_record`,
    in one query.

    Rows, not model instances: making a decision, its form, category and delegation for each
    of twenty search results cost about 50 µs a result, as much as building and drawing it.
    The list is filtered, ordered and counted before this, so its count reads keys alone,
    with no join. Each row also has `listed_value`, the value the public may see
    (`public_value`: null when withheld or for a record that shows no figures)."""
    value = F("public_value") if "public_value" in decisions.query.annotations else public_value()
    return decisions.annotate(listed_value=value).values(*LISTED_FIELDS, "listed_value")


# What `public_record` reads of the decision itself. The rest (its search text, above all,
# which holds the whole public record again) is left in the database.
RECORD_FIELDS = (
    *LISTED_FIELDS,
    "declaration_of_interests",
    "author_name",
    "author_job_role",
    "papers_restricted",
    "papers_exemption",
    "papers_exemption_other",
    "papers_public_interest",
    "delegation__delegate_role",
    "delegation__instrument_reference",
    "delegation__instrument_url",
    "delegation__starts_on",
    "delegation__ends_on",
    "delegation__made_under",
)

# What the record's layout is read from: the layout it was published with, or its form's
# (for a preview before publication), and the office's crest.
LAYOUT_FIELDS = (
    "template__numbering",
    "template__received_label",
    "template__office__name",
    "template__office__logo",
    "template__office__logo_description",
    "template__office__address",
    "template__office__approval_statement",
    "published_layout__layout",
)


@dataclass(frozen=True)
class PublicPart:
    """One kind of row a public record is made of: the decision's relation to it, the
    attribute `public_record` finds its rows in, how to ask for them (in the record's order,
    with what the record reads of them) and the lookup that names their decision."""

    relation: str
    attribute: str
    rows: Callable[[], models.QuerySet]
    owner: str
    # One of the figures' parts: read only for a decision that has figures (`has_figures`).
    figures: bool = False


PUBLIC_PARTS = (
    PublicPart(
        "sections",
        "public_sections",
        lambda: DecisionSection.objects.order_by("position"),
        "decision_id",
    ),
    PublicPart(
        "appendices", "public_appendices", lambda: Appendix.objects.order_by("pk"), "decision_id"
    ),
    PublicPart(
        "comments",
        "public_comments",
        lambda: StatutoryComment.objects.order_by("pk"),
        "decision_id",
    ),
    PublicPart("awards", "public_awards", lambda: Award.objects.order_by("pk"), "decision_id"),
    # The values of the form's own fields and of the elements a decision has no column for.
    PublicPart(
        "field_values",
        "public_field_values",
        lambda: FieldValue.objects.order_by("pk"),
        "decision_id",
    ),
    # A voided signature no longer stands.
    PublicPart(
        "signatures",
        "live_signatures",
        lambda: Signature.objects.filter(voided_at__isnull=True).order_by("signed_at", "pk"),
        "decision_id",
    ),
    # Links to published decisions, each with the reference and title it shows, and to
    # decisions outside the register (`_links_shown`).
    PublicPart("links_out", "public_links_out", lambda: _links_shown(), "from_decision_id"),
    PublicPart(
        "provider_links",
        "public_provider_links",
        lambda: DecisionProvider.objects.annotate(provider_name=F("provider__name")).order_by("pk"),
        "decision_id",
    ),
    # Corrections of a record taken on paper, with their reasons.
    PublicPart(
        "corrections",
        "public_corrections",
        lambda: Correction.objects.order_by("made_on", "pk"),
        "decision_id",
    ),
    # The decision's figures, withheld as a whole (`decisions.publication.money`).
    PublicPart(
        "money_records",
        "public_money_records",
        lambda: DecisionMoney.objects.order_by("pk"),
        "decision_id",
        figures=True,
    ),
    PublicPart(
        "yearly_figures",
        "public_yearly_figures",
        lambda: YearlyFigure.objects.order_by("year"),
        "decision_id",
        figures=True,
    ),
    PublicPart(
        "funding_sources",
        "public_funding_sources",
        lambda: FundingSource.objects.annotate(partner_name=F("partner__name")).order_by("pk"),
        "decision_id",
        figures=True,
    ),
    PublicPart(
        "contracts",
        "public_contracts",
        lambda: Contract.objects.only("reference", "title", "status").order_by(
            "ends_on", "reference"
        ),
        "decisions",
    ),
)


def _links_shown() -> models.QuerySet:
    """A decision's links the public sees: to a published decision in the register, and to one
    outside it. A link made to a reference the register did not hold then is read as the
    register's record when it holds one now (shown only once published, like any link to
    it); otherwise as the reference, title, date and address it was given."""
    registered = Decision.objects.filter(reference=OuterRef("to_reference"))
    return (
        DecisionLink.objects.annotate(
            shown_reference=Coalesce(F("to_decision__reference"), F("to_reference")),
            shown_status=Coalesce(
                F("to_decision__status"), Subquery(registered.values("status")[:1])
            ),
            shown_title=Coalesce(F("to_decision__title"), Subquery(registered.values("title")[:1])),
        )
        .filter(Q(shown_status=Decision.Status.PUBLISHED) | Q(shown_status__isnull=True))
        .order_by("kind", "pk")
    )


def _record_decisions() -> models.QuerySet:
    """Published decisions with what `public_record` reads of each, its parts aside."""
    return (
        Decision.objects.published()
        .select_related(
            "template", "template__office", "category", "delegation", "published_layout"
        )
        .only(*RECORD_FIELDS, *LAYOUT_FIELDS)
        .annotate(has_figures=figures_recorded())
    )


def public_decisions() -> models.QuerySet:
    """Published decisions with everything `public_record` reads, fetched in a few queries
    however many decisions there are (for the feed and the open data export)."""
    return _record_decisions().prefetch_related(
        *(
            Prefetch(part.relation, queryset=part.rows(), to_attr=part.attribute)
            for part in PUBLIC_PARTS
        )
    )


def public_record_of(reference: str) -> PublicRecord | None:
    """The public record of the published decision with this reference (None if there is
    none), as a public page and PDF build it: the decision in one query, then each of its
    parts in one.

    Read through `public_decisions()` this took about 8 ms at 100,000 decisions, most of it
    Django building the SQL of seven prefetches for one decision and joining each to the
    decisions to order it. Here each part's SQL is compiled once per process, with the key
    left as a parameter, and run as a raw query of its model (which converts each column as
    Django would, on SQLite as on PostgreSQL): about 4 ms."""
    try:
        decision = _record_decisions().get(reference=reference)
    except Decision.DoesNotExist:
        return None
    for part in PUBLIC_PARTS:
        if part.figures and not decision.has_figures:
            setattr(decision, part.attribute, [])  # most decisions: no query for none
            continue
        sql, params = precompiled.bound(
            f"public_part_{part.attribute}",
            lambda key, part=part: part.rows().filter(**{part.owner: key}),
            precompiled.KEY_PLACEHOLDER,
            decision.pk,
        )
        model = Decision._meta.get_field(part.relation).related_model
        setattr(decision, part.attribute, list(model.objects.raw(sql, params)))
    return public_record(decision)


def _part_rows(decision: Decision, relation: str) -> list:
    """The rows of one of the decision's parts: those read with it, or else read now."""
    part = next(each for each in PUBLIC_PARTS if each.relation == relation)
    rows = getattr(decision, part.attribute, None)
    if rows is None:
        rows = list(part.rows().filter(**{part.owner: decision.pk}))
    return rows


def listed_values(decision: Decision) -> dict:
    """A decision's `LISTED_FIELDS`, as `listed_rows` reads them: a field of a related row
    (`template__name`) is None when there is no such row."""
    values = {}
    for name in LISTED_FIELDS:
        value = decision
        for step in name.split("__"):
            value = getattr(value, step) if value is not None else None
        values[name] = value
    return values


def listed_record(row, resolving: tuple | None = None) -> PublicRecord:
    """What a list of decisions shows of one: its public record without its sections,
    appendices, comments, signatures, awards, links and contracts, built from its listed
    values (`LISTED_FIELDS`: a row of `listed_rows`, or `listed_values`).

    `resolving` is the script prefix and URLconf the record's links are made with; a list
    reads them once for all its rows."""
    reference = row["reference"]
    if resolving is None:
        resolving = get_script_prefix(), get_urlconf()
    confidentiality = row["confidentiality"]
    is_wholly_confidential = confidentiality == Decision.Confidentiality.CONFIDENTIAL
    header = {
        "reference": reference,
        "title": row["title"],
        "url": reference_path("decisions:detail", reference, *resolving),
        "pdf_url": reference_path("decisions:pdf", reference, *resolving),
        "confidentiality": CONFIDENTIALITY_IN_WORDS.get(confidentiality, confidentiality),
        "confidentiality_code": confidentiality,
        "is_wholly_confidential": is_wholly_confidential,
        "public_subject": row["public_subject"],
        "received_on": row["received_on"],
        "decided_on": row["decided_on"],
        "signed_on": row["signed_on"],
        "published_on": row["published_on"],
        "received_on_precision": row["received_on_precision"],
        "decided_on_precision": row["decided_on_precision"],
        "signed_on_precision": row["signed_on_precision"],
        "published_on_precision": row["published_on_precision"],
        "late_publication_reason": row["late_publication_reason"],
        "summary_label": row["template__summary_label"],
        "decided_label": row["template__decided_label"],
        "signed_label": row["template__signed_label"],
        "published_label": row["template__published_label"],
        "updated_at": row["updated_at"],
        "recorded_from_signed_record": row["recorded_from_signed_record"],
        "is_published": row["status"] == Decision.Status.PUBLISHED,
    }
    maker = _maker_data(row)
    if confidentiality == Decision.Confidentiality.RESTRICTED:
        # Its summary and who decided it are public; with why the papers are not (added by
        # `public_record`), and nothing else.
        return PublicRecord(
            **header,
            form=row["template__name"],
            category="",
            decision_maker=_decision_maker_in_words(maker),
            **maker,
            lead_officers="",
            is_force_business=False,
            chief_officer_approved_on=None,
            summary=row["summary"],
        )
    if is_wholly_confidential:
        # Listed with its reference, title, one-line subject and dates; nothing more, not even
        # who decided it or its category.
        return PublicRecord(
            **header,
            form="",
            category="",
            decision_maker="",
            lead_officers="",
            is_force_business=False,
            chief_officer_approved_on=None,
        )
    return PublicRecord(
        **header,
        form=row["template__name"],
        category=row["category__name"] or "",
        decision_maker=_decision_maker_in_words(maker),
        **maker,
        lead_officers=row["lead_officers"],
        is_force_business=row["is_force_business"],
        chief_officer_approved_on=row["chief_officer_approved_on"],
        chief_officer_approved_on_precision=row["chief_officer_approved_on_precision"],
        summary=row["summary"],
        listed_value=row.get("listed_value"),
    )


def public_record(decision: Decision, *, parts: bool = True) -> PublicRecord:
    """Build the public view of a decision from its public fields only.

    With `parts=False`, what a list of decisions shows (`listed_record`): the record without
    its sections, appendices, comments, signatures, awards, links and contracts (so without
    the queries that fetch them)."""
    listed = listed_record(listed_values(decision))
    if not parts:
        return listed
    layout = record_layout(decision)
    office = public_office(decision, layout)
    if listed.is_wholly_confidential:
        return dataclasses.replace(
            listed, office=office, layout=public_layout(layout["elements"], listed, {})
        )
    delegation = _public_delegation(decision)
    if listed.papers_are_restricted:
        return dataclasses.replace(
            listed,
            office=office,
            layout=public_layout(layout["elements"], listed, {}),
            delegation=delegation,
            papers_restricted_because=decision.papers_restricted_because,
            papers_exemption=decision.papers_exemption,
            papers_exemption_other=decision.papers_exemption_other,
            papers_public_interest=decision.papers_public_interest,
        )
    reference = decision.reference
    section_rows = _part_rows(decision, "sections")
    appendix_rows = _part_rows(decision, "appendices")
    numbers = section_numbers([section.part for section in section_rows], layout["numbering"])
    sections = [
        PublicSection(
            number=number,
            heading=section.heading,
            part=section.part,
            text="" if section.is_withheld else section.text,
            is_withheld=section.is_withheld,
            withheld_because=section.exemption_in_words,
            public_interest_statement=(
                section.public_interest_statement if section.is_withheld else ""
            ),
            exemption=section.exemption if section.is_withheld else "",
            exemption_other=section.exemption_other if section.is_withheld else "",
            release_on=section.release_on if section.is_withheld else None,
        )
        for number, section in zip(numbers, section_rows, strict=True)
    ]
    appendices = [
        PublicAppendix(
            title=appendix.title,
            is_withheld=appendix.is_withheld,
            withheld_because=appendix.exemption_in_words,
            public_interest_statement=(
                appendix.public_interest_statement if appendix.is_withheld else ""
            ),
            download_url=(
                appendix_url(reference, appendix.pk)
                if appendix.file and not appendix.is_withheld
                else ""
            ),
            file_name=(
                appendix.file.name.rsplit("/", 1)[-1]
                if appendix.file and not appendix.is_withheld
                else ""
            ),
            file_size=_published_file_size(appendix),
            release_on=appendix.release_on if appendix.is_withheld else None,
        )
        for appendix in appendix_rows
    ]
    withheld_grounds = _distinct(
        [part.exemption_in_words for part in section_rows if part.is_withheld]
        + [part.exemption_in_words for part in appendix_rows if part.is_withheld]
    )
    comments = [
        PublicComment(
            role=comment.get_role_display(),
            person=comment.person,
            text=comment.text,
            made_on=comment.made_on,
        )
        for comment in _part_rows(decision, "comments")
    ]
    awards = [
        PublicAward(
            recipient=award.recipient,
            amount=award.amount,
            purpose=award.purpose,
            applications=award.applications,
            funded=award.funded,
            conditions=award.conditions,
            crime_reduction=award.crime_reduction,
        )
        for award in _part_rows(decision, "awards")
    ]
    values = {value.name: value for value in _part_rows(decision, "field_values")}
    withheld_grounds = _distinct(
        withheld_grounds
        + [value.exemption_in_words for value in values.values() if value.is_withheld]
        + [
            row.exemption_in_words
            for row in _part_rows(decision, "money_records")
            if row.is_withheld
        ]
    )
    record = dataclasses.replace(
        listed,
        office=office,
        withheld_grounds=withheld_grounds,
        declaration_of_interests=decision.declaration_of_interests,
        sections=sections,
        appendices=appendices,
        comments=comments,
        signatures=public_signatures(decision),
        awards=awards,
        links=_public_links(decision),
        providers=[
            PublicProvider(name=link.provider_name, role=link.role_in_words, role_code=link.role)
            for link in _part_rows(decision, "provider_links")
        ],
        delegation=delegation,
        contracts=[
            PublicLink(
                kind="",
                reference=contract.reference,
                title=contract.title,
                url=contract_url(contract.reference),
            )
            for contract in _part_rows(decision, "contracts")
            if contract.status != Contract.Status.PLANNED
        ],
        corrections=[
            PublicCorrection(made_on=correction.made_on, reason=correction.reason)
            for correction in _part_rows(decision, "corrections")
        ],
        money=public_money(
            _part_rows(decision, "money_records"),
            _part_rows(decision, "yearly_figures"),
            _part_rows(decision, "funding_sources"),
        ),
    )
    if any(e["kind"] == ElementKind.AUTHOR and e["public"] for e in layout["elements"]):
        record = dataclasses.replace(
            record, author_name=decision.author_name, author_job_role=decision.author_job_role
        )
    author = ", ".join(part for part in (record.author_name, record.author_job_role) if part)
    return dataclasses.replace(
        record,
        layout=public_layout(
            layout["elements"],
            record,
            values,
            author=author,
            approval_statement=layout["office"]["approval_statement"],
        ),
    )


def unrecorded_required(decision: Decision, record: PublicRecord | None = None) -> list[str]:
    """The labels of the required public elements the record leaves empty, without saying
    they are not recorded: publication is refused while there are any. `record` is the
    decision's public record when the caller has built it already."""
    record = record or public_record(decision)
    return [element.label for element in record.layout if required_and_empty(element, record)]


def record_layout(decision: Decision) -> dict:
    """The layout a record is drawn with: the one it was published with, or else (a preview
    before publication) its form's as it is now."""
    try:
        kept = decision.published_layout
    except ObjectDoesNotExist:
        kept = None
    if kept is not None:
        return kept.layout
    return decision.template.layout_data()


def public_office(decision: Decision, layout: dict) -> PublicOffice:
    """The office as the record names it, with its crest (and what the crest shows) as they
    are now."""
    named = layout["office"]
    office = decision.template.office
    logo = office.logo_data_uri() if office and office.pk == named["id"] else ""
    return PublicOffice(
        name=office_name(layout),
        address=named["address"],
        logo=logo,
        logo_description=office.logo_description if logo else "",
    )


def _published_file_size(appendix: Appendix) -> int | None:
    """The size of a published appendix's file, or None (withheld, no file, or not found in
    the storage: the page still shows the link, without a size)."""
    if appendix.is_withheld or not appendix.file:
        return None
    try:
        return appendix.file.size
    except OSError:
        return None


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _public_links(decision: Decision) -> list[PublicLink]:
    links = []
    for link in _part_rows(decision, "links_out"):
        in_register = link.shown_status is not None
        links.append(
            PublicLink(
                kind=link.get_kind_display(),
                reference=link.shown_reference,
                title=link.shown_title if in_register else link.to_title,
                url=decision_url(link.shown_reference) if in_register else link.to_url,
                date=None if in_register else link.to_date,
                outside_register=not in_register,
            )
        )
    return links


def _public_delegation(decision: Decision) -> PublicDelegation | None:
    """The delegation a delegate decided under, and those it was made under."""
    if decision.decision_maker != Decision.Maker.DELEGATE or not decision.delegation_id:
        return None
    chain = [_delegation_in_public(each) for each in decision.delegation.chain()]
    return dataclasses.replace(chain[0], made_under=chain[1:])


def _delegation_in_public(delegation: Delegation) -> PublicDelegation:
    return PublicDelegation(
        delegate_name=delegation.delegate_name,
        delegate_role=delegation.delegate_role,
        instrument=delegation.instrument,
        instrument_reference=delegation.instrument_reference,
        instrument_url=delegation.instrument_url,
        starts_on=delegation.starts_on,
        ends_on=delegation.ends_on,
    )


def public_signatures(decision: Decision) -> list[PublicSignature]:
    """Who signed the record, and when: names, capacities and dates only.

    The sign-off workflow records each signature as a `Signature`; the public sees the live
    ones (a voided signature no longer stands) by name, capacity and date, nothing of the
    account or fingerprint behind them. A record without any (an older or imported one)
    shows the decision maker's signature line from the record itself, as the office's form
    does.
    """
    signatures = [
        PublicSignature(
            name=signature.name,
            role=signature.capacity,
            signed_on=signature.signed_on,
            how=signature.get_method_display(),
            step=signature.step,
        )
        for signature in _part_rows(decision, "signatures")
    ]
    if signatures:
        return signatures
    if decision.signed_on or decision.decision_maker_name:
        name = (
            decision.delegation.delegate_name
            if decision.decision_maker == Decision.Maker.DELEGATE and decision.delegation_id
            else decision.decision_maker_name
        )
        return [
            PublicSignature(
                name=name,
                role="Decision maker",
                signed_on=decision.signed_on,
                signed_on_precision=decision.signed_on_precision,
            )
        ]
    return []
