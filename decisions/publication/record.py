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

from django.db import models
from django.db.models import F, Prefetch
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from commissioning.speed import precompiled
from commissioning.speed.reversing import reference_path
from contracts.models import Contract
from decisions.models import (
    Appendix,
    Award,
    Decision,
    DecisionLink,
    DecisionSection,
    Signature,
    StatutoryComment,
)

CONFIDENTIALITY_IN_WORDS = dict(Decision.Confidentiality.choices)


@dataclass(frozen=True)
class PublicSection:
    number: int
    heading: str
    part: str
    text: str  # empty when withheld
    is_withheld: bool
    withheld_because: str = ""
    public_interest_statement: str = ""
    # The exemption's code (and, for "other", its name): what `withheld_because` says, as data.
    exemption: str = ""
    exemption_other: str = ""


@dataclass(frozen=True)
class PublicAppendix:
    title: str
    is_withheld: bool
    withheld_because: str = ""
    public_interest_statement: str = ""
    download_url: str = ""  # empty when withheld or when there is no file
    file_name: str = ""


@dataclass(frozen=True)
class PublicComment:
    role: str
    person: str
    text: str
    made_on: datetime.date | None


@dataclass(frozen=True)
class PublicSignature:
    name: str
    role: str
    signed_on: datetime.date | None
    how: str = ""  # e.g. "Signed electronically" or "Wet signature held in the office"
    step: str = ""  # the sign-off step's code, e.g. "sign_off" (what `role` signed as)


@dataclass(frozen=True)
class PublicAward:
    recipient: str
    amount: Decimal
    purpose: str


@dataclass(frozen=True)
class PublicLink:
    kind: str
    reference: str
    title: str
    url: str


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


def decision_url(reference: str) -> str:
    return reference_path("decisions:detail", reference, get_script_prefix(), get_urlconf())


def decision_pdf_url(reference: str) -> str:
    return reference_path("decisions:pdf", reference, get_script_prefix(), get_urlconf())


def appendix_url(reference: str, appendix_id: int) -> str:
    return reverse("decisions:appendix", kwargs={"reference": reference, "pk": appendix_id})


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
)


def listed_rows(decisions: models.QuerySet) -> models.QuerySet:
    """What a list shows of these decisions (published ones, already filtered, ordered and
    sliced to a page): for each, its `LISTED_FIELDS` as one row (a dict) for `listed_record`,
    in one query.

    Rows, not model instances: making a decision, its form, category and delegation for each
    of twenty search results cost about 50 µs a result, as much as building and drawing it.
    The list is filtered, ordered and counted before this, so its count reads keys alone,
    with no join."""
    return decisions.values(*LISTED_FIELDS)


# What `public_record` reads of the decision itself. The rest (its search text, above all,
# which holds the whole public record again) is left in the database.
RECORD_FIELDS = (*LISTED_FIELDS, "declaration_of_interests")


@dataclass(frozen=True)
class PublicPart:
    """One kind of row a public record is made of: the decision's relation to it, the
    attribute `public_record` finds its rows in, how to ask for them (in the record's order,
    with what the record reads of them) and the lookup that names their decision."""

    relation: str
    attribute: str
    rows: Callable[[], models.QuerySet]
    owner: str


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
    # A voided signature no longer stands.
    PublicPart(
        "signatures",
        "live_signatures",
        lambda: Signature.objects.filter(voided_at__isnull=True).order_by("signed_at", "pk"),
        "decision_id",
    ),
    # Links to published decisions only, each with the reference and title it shows.
    PublicPart(
        "links_out",
        "public_links_out",
        lambda: (
            DecisionLink.objects.filter(to_decision__status=Decision.Status.PUBLISHED)
            .annotate(to_reference=F("to_decision__reference"), to_title=F("to_decision__title"))
            .order_by("kind", "pk")
        ),
        "from_decision_id",
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


def _record_decisions() -> models.QuerySet:
    """Published decisions with what `public_record` reads of each, its parts aside."""
    return (
        Decision.objects.published()
        .select_related("template", "category", "delegation")
        .only(*RECORD_FIELDS)
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
        "late_publication_reason": row["late_publication_reason"],
        "summary_label": row["template__summary_label"],
        "decided_label": row["template__decided_label"],
        "signed_label": row["template__signed_label"],
        "published_label": row["template__published_label"],
        "updated_at": row["updated_at"],
        "recorded_from_signed_record": row["recorded_from_signed_record"],
    }
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
    maker = _maker_data(row)
    return PublicRecord(
        **header,
        form=row["template__name"],
        category=row["category__name"] or "",
        decision_maker=_decision_maker_in_words(maker),
        **maker,
        lead_officers=row["lead_officers"],
        is_force_business=row["is_force_business"],
        chief_officer_approved_on=row["chief_officer_approved_on"],
        summary=row["summary"],
    )


def public_record(decision: Decision, *, parts: bool = True) -> PublicRecord:
    """Build the public view of a decision from its public fields only.

    With `parts=False`, what a list of decisions shows (`listed_record`): the record without
    its sections, appendices, comments, signatures, awards, links and contracts (so without
    the queries that fetch them)."""
    listed = listed_record(listed_values(decision))
    if not parts or listed.is_wholly_confidential:
        return listed
    reference = decision.reference
    section_rows = _part_rows(decision, "sections")
    appendix_rows = _part_rows(decision, "appendices")
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
        )
        for number, section in enumerate(section_rows, start=1)
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
        PublicAward(recipient=award.recipient, amount=award.amount, purpose=award.purpose)
        for award in _part_rows(decision, "awards")
    ]
    return dataclasses.replace(
        listed,
        withheld_grounds=withheld_grounds,
        declaration_of_interests=decision.declaration_of_interests,
        sections=sections,
        appendices=appendices,
        comments=comments,
        signatures=public_signatures(decision),
        awards=awards,
        links=_public_links(decision),
        contracts=[
            PublicLink(kind="", reference=contract.reference, title=contract.title, url="")
            for contract in _part_rows(decision, "contracts")
            if contract.status != Contract.Status.PLANNED
        ],
    )


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _public_links(decision: Decision) -> list[PublicLink]:
    return [
        PublicLink(
            kind=link.get_kind_display(),
            reference=link.to_reference,
            title=link.to_title,
            url=decision_url(link.to_reference),
        )
        for link in _part_rows(decision, "links_out")
    ]


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
            signed_on=timezone.localtime(signature.signed_at).date(),
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
        return [PublicSignature(name=name, role="Decision maker", signed_on=decision.signed_on)]
    return []


def public_search_text(decision: Decision) -> str:
    """The text the public search may match: the public record's words, nothing withheld."""
    record = public_record(decision)
    parts = [record.reference, record.title, record.public_subject]
    if not record.is_wholly_confidential:
        parts.extend([record.category, record.decision_maker, record.lead_officers])
        parts.append(record.summary)
        parts.extend(f"{s.heading} {s.text}" for s in record.sections)
        parts.extend(a.title for a in record.appendices)
        parts.extend(c.text for c in record.comments)
        parts.extend(f"{a.recipient} {a.purpose}" for a in record.awards)
    return "\n".join(part for part in parts if part)


def public_index() -> list[tuple[str, datetime.datetime]]:
    """The address of each published decision and when it last changed (for the sitemap)."""
    return [
        (decision_url(reference), updated_at)
        for reference, updated_at in Decision.objects.published()
        .order_by("-published_on", "reference")
        .values_list("reference", "updated_at")
    ]
