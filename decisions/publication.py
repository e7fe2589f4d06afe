"""What the public may see: the one place public output is built from.

Pages, PDFs, feeds and exports take a `PublicRecord` (or a `PublicContract`), never a model
instance. Each is made from an explicit allow-list of fields. A withheld part contributes its
heading and the reason it is withheld, never its text, and a wholly confidential decision
contributes its reference, title, one-line subject and dates only. So there is nothing
confidential in the output to hide: it was never put there.

The module also holds the publishing steps that change what the public sees after a decision
is first published: releasing a withheld part once its release date has passed, which
republishes the record.
"""

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, OuterRef, Prefetch, Subquery
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commissioning import precompiled
from commissioning.reversing import reference_path
from contracts.models import Contract, Extension, ProcurementPhase
from decisions.models import (
    Appendix,
    Award,
    Decision,
    DecisionCategory,
    DecisionLink,
    DecisionSection,
    DecisionTemplate,
    Delegation,
    LinkKind,
    Signature,
    StatutoryComment,
    Withholdable,
    WorkflowOutcome,
    WorkflowStep,
)

# The Specified Information Order: contracts over this value are published in full; at or
# below it, the public list gives only the value, the parties and the purpose.
FULL_LISTING_THRESHOLD = Decimal("10000")
CONFIDENTIALITY_IN_WORDS = dict(Decision.Confidentiality.choices)


# -- decisions ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RecordVersion:
    """What a public page needs to answer a conditional request without building the record:
    an ETag that changes whenever anything the public record is made from changes, and the
    time of that change (Last-Modified)."""

    etag: str
    last_modified: datetime.datetime | None


def _newest(queryset: models.QuerySet, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


# The version queries run on every request for a public page: compiled once per process,
# with a placeholder for their one value, and prepared once per connection on PostgreSQL.
_PLACEHOLDER = "\x00value\x00"


def _run_compiled(name: str, build, value: str = _PLACEHOLDER) -> tuple | None:
    """The first row of the query `build(placeholder)` makes, run for `value`."""
    row = precompiled.fetchone(f"public_{name}", build, _PLACEHOLDER, value)
    return tuple(_as_datetime(each) for each in row) if row else None


def _as_datetime(value) -> datetime.datetime | None:
    """A timestamp from a raw row: PostgreSQL gives a datetime, SQLite a string in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
    return value


def _version(key_parts: list, values: tuple) -> RecordVersion:
    key = "|".join([*key_parts, *(value.isoformat() if value else "-" for value in values)])
    return RecordVersion(
        etag=hashlib.sha256(key.encode("utf-8")).hexdigest(),
        last_modified=max((value for value in values if value), default=None),
    )


def _record_version_query(reference: str) -> models.QuerySet:
    pk = OuterRef("pk")

    def history(model, **lookup) -> Subquery:
        return _newest(model.history.filter(**lookup), "history_date")

    stamps = {
        "record": F("updated_at"),
        "form": F("template__updated_at"),
        "record_history": history(Decision, id=pk),
        "category": history(DecisionCategory, id=OuterRef("category_id")),
        "delegation": history(Delegation, id=OuterRef("delegation_id")),
        "sections": history(DecisionSection, decision_id=pk),
        "appendices": history(Appendix, decision_id=pk),
        "comments": history(StatutoryComment, decision_id=pk),
        "awards": history(Award, decision_id=pk),
        "signatures": history(Signature, decision_id=pk),
        "links": history(DecisionLink, from_decision_id=pk),
        "linked": _newest(Decision.objects.filter(links_in__from_decision=pk), "updated_at"),
        "contracts": _newest(Contract.objects.filter(decisions=pk), "updated_at"),
    }
    return (
        Decision.objects.published()
        .filter(reference=reference)
        .order_by()
        .annotate(**{f"stamp_{name}": value for name, value in stamps.items()})
        .values_list(*(f"stamp_{name}" for name in stamps))[:1]
    )


def record_version(reference: str) -> RecordVersion | None:
    """The version of a published decision's public record, in one query; None if the
    reference is not a published decision.

    `public_record` reads the decision, its form, category and delegation, its sections,
    appendices, comments, awards, signatures and links, the decisions it links to and its
    contracts. Every one of those keeps its history (django-simple-history writes a row on
    each save and delete, a decision's contract list included) or an `updated_at`, so the
    newest of those dates, each found through an index, changes whenever the record can have
    changed. Building the record itself takes eight queries and the Python to assemble it:
    this lets an unchanged page be answered with 304, or from the page cache, without that.
    """
    row = _run_compiled("record", _record_version_query, reference)
    return _version([reference], row) if row else None


def _register_version_query(_unused: str) -> models.QuerySet:
    return (
        DecisionTemplate.objects.order_by()
        .annotate(
            decision=_newest(Decision.objects.filter(published_on__isnull=False), "updated_at"),
            form=_newest(DecisionTemplate.objects.all(), "updated_at"),
            category=_newest(DecisionCategory.history.all(), "history_date"),
            delegation=_newest(Delegation.history.all(), "history_date"),
        )
        .values_list("decision", "form", "category", "delegation")[:1]
    )


def register_version() -> RecordVersion:
    """The version of the public register's pages: it changes when a decision is published,
    changed or withdrawn (see `register_last_changed`), or when a form, category or
    delegation the listing names is changed. One query."""
    row = _run_compiled("register", _register_version_query) or (None, None, None, None)
    version = _version([], row)
    # The register's Last-Modified is the newest decision change, as the feed's is.
    return RecordVersion(etag=version.etag, last_modified=row[0])


def register_last_changed() -> datetime.datetime | None:
    """When the public register last changed.

    Counts every decision that has been published, including any since withdrawn, so that a
    withdrawal also moves the date forward.
    """
    return Decision.objects.filter(published_on__isnull=False).aggregate(latest=Max("updated_at"))[
        "latest"
    ]


# -- decisions taken off the register --------------------------------------------------------


@dataclass(frozen=True)
class NoLongerPublished:
    """What the public is told at the address of a decision that was published and has since
    been withdrawn or superseded. The address may be cited in an FOI reply or a news story, so
    it says what happened rather than "not found". It holds nothing of the record but its
    reference (which is in the address): not its title, which may be why it was withdrawn,
    nor the reason given."""

    reference: str
    superseded: bool  # False: withdrawn from publication
    on: datetime.date | None  # the day of the step, when it is recorded
    successor_reference: str = ""  # the published decision that supersedes it, if there is one
    successor_url: str = ""


def no_longer_published(reference: str) -> NoLongerPublished | None:
    """The notice for a decision once published and now withdrawn or superseded; None for
    any other reference (never published, still published, or unknown)."""
    decision = (
        Decision.objects.filter(
            reference=reference,
            published_on__isnull=False,
            status__in=[Decision.Status.WITHDRAWN, Decision.Status.SUPERSEDED],
        )
        .only("pk", "reference", "status")
        .first()
    )
    if decision is None:
        return None
    superseded = decision.status == Decision.Status.SUPERSEDED
    taken = (
        decision.workflow_events.filter(
            step=WorkflowStep.SUPERSEDE if superseded else WorkflowStep.WITHDRAW,
            outcome=WorkflowOutcome.ALLOWED,
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    successor = ""
    if superseded:
        successor = (
            DecisionLink.objects.filter(
                to_decision=decision,
                kind=LinkKind.SUPERSEDES,
                from_decision__status=Decision.Status.PUBLISHED,
            )
            .order_by("-from_decision__published_on", "-pk")
            .values_list("from_decision__reference", flat=True)
            .first()
        ) or ""
    return NoLongerPublished(
        reference=decision.reference,
        superseded=superseded,
        on=timezone.localdate(taken) if taken else None,
        successor_reference=successor,
        successor_url=decision_url(successor) if successor else "",
    )


# -- releasing withheld parts ---------------------------------------------------------------


def sections_due_for_release(today: datetime.date | None = None) -> models.QuerySet:
    """Withheld sections of published decisions whose release date has come.

    For the dashboard: each is a reminder to review and, if the reason has lapsed, release.
    """
    today = today or timezone.localdate()
    return (
        DecisionSection.objects.filter(
            is_withheld=True,
            release_on__isnull=False,
            release_on__lte=today,
            decision__status=Decision.Status.PUBLISHED,
        )
        .select_related("decision")
        .order_by("release_on", "decision__reference", "position")
    )


def appendices_due_for_release(today: datetime.date | None = None) -> models.QuerySet:
    """Withheld appendices of published decisions whose release date has come."""
    today = today or timezone.localdate()
    return (
        Appendix.objects.filter(
            is_withheld=True,
            release_on__isnull=False,
            release_on__lte=today,
            decision__status=Decision.Status.PUBLISHED,
        )
        .select_related("decision")
        .order_by("release_on", "decision__reference", "pk")
    )


def release_section(section: DecisionSection, *, by) -> None:
    """Release a withheld section of a published decision, and republish the record."""
    _release(section, by=by)


release_section.alters_data = True


def release_appendix(appendix: Appendix, *, by) -> None:
    """Release a withheld appendix of a published decision, and republish the record."""
    _release(appendix, by=by)


release_appendix.alters_data = True


def _release(part: Withholdable, *, by) -> None:
    with transaction.atomic():
        part = type(part).objects.select_for_update().select_related("decision").get(pk=part.pk)
        decision = Decision.objects.select_for_update().get(pk=part.decision_id)
        if decision.status != Decision.Status.PUBLISHED:
            raise ValidationError("Only a part of a published decision can be released.")
        if not part.is_withheld:
            raise ValidationError("This part is not withheld: there is nothing to release.")
        if decision.is_wholly_confidential:
            # Releasing one part would publish the rest of the record (its summary, comments
            # and signatures) as well: that needs the whole record reviewed, not this step.
            raise ValidationError(
                "This decision is wholly confidential. Review the whole record before "
                "releasing any of it."
            )
        withheld_under = part.exemption_in_words
        part.is_withheld = False
        part.exemption = ""
        part.exemption_other = ""
        part.public_interest_statement = ""
        part._history_user = by
        part._change_reason = f"Released: {withheld_under}"[:100]
        part.full_clean()
        part.save()
        decision.refresh_confidentiality(by=by)
        republish(decision, by=by, reason=f"Republished after releasing {part}"[:100])


def republish(decision: Decision, *, by, reason: str = "Republished") -> None:
    """Refresh a published record's public search text after its public content changed.

    Its publication date stays the date it was first published; its `updated_at` moves on, so
    the pages' Last-Modified and ETag change with it.
    """
    if decision.status != Decision.Status.PUBLISHED:
        raise ValidationError("Only a published decision can be republished.")
    decision = Decision.objects.get(pk=decision.pk)
    decision.search_document = public_search_text(decision)
    decision._history_user = by
    decision._change_reason = reason
    decision.save()


republish.alters_data = True


# -- contracts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicParty:
    name: str
    role: str  # as the register says it, e.g. "Lead commissioner"
    role_code: str  # lead, co, funder, holder or supplier
    registration_number: str = ""
    registration_scheme: str = ""  # "company" or "charity"
    key: str = ""  # stable within this site: "office", "partner-<id>", "provider-<id>"


@dataclass(frozen=True)
class PublicExtension:
    key: str
    kind: str
    previous_ends_on: datetime.date
    new_ends_on: datetime.date
    basis: str
    reason: str
    recorded_at: datetime.datetime
    decision: PublicLink | None = None


@dataclass(frozen=True)
class PublicContract:
    key: str  # stable within this site
    reference: str
    title: str  # the purpose
    value: Decimal | None
    value_basis: str  # "total" or "annual"
    supplier: PublicParty
    commissioners: list[PublicParty]
    is_listed_in_full: bool
    description: str = ""
    department: str = ""
    lot: str = ""
    procurement_key: str = ""  # the phase this contract was let in, if any
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    review_on: datetime.date | None = None
    total_value: Decimal | None = None
    annual_value: Decimal | None = None
    irrecoverable_vat: Decimal | None = None
    route: str = ""
    route_code: str = ""
    status: str = ""
    status_code: str = ""
    supplier_is_sme: bool | None = None
    supplier_is_vcse: bool | None = None
    extensions: list[PublicExtension] = field(default_factory=list)
    decisions: list[PublicLink] = field(default_factory=list)
    recorded_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None


# The lead commissioner first, then whoever holds the contract, co-commissions or funds it.
COMMISSIONER_ORDER = {"lead": 0, "holder": 1, "co": 2, "funder": 3}


def public_contracts_queryset() -> models.QuerySet:
    """Contracts the public register lists (all but those still being planned)."""
    return (
        Contract.objects.with_parties()
        .exclude(status=Contract.Status.PLANNED)
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("authorising_decision").order_by(
                    "new_ends_on", "pk"
                ),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.published().order_by("decided_on", "reference"),
                to_attr="published_decisions",
            ),
        )
        .order_by("-starts_on", "reference")
    )


def office_party(role_code: str = "lead", role: str = "Lead commissioner") -> PublicParty:
    from django.conf import settings

    return PublicParty(name=settings.OFFICE_NAME, role=role, role_code=role_code, key="office")


def public_contract(contract: Contract) -> PublicContract:
    """The public view of a contract. At or below the threshold: value, parties and purpose."""
    provider = contract.provider
    value = contract.value
    in_full = value is None or value > FULL_LISTING_THRESHOLD
    supplier = PublicParty(
        name=provider.name,
        role="Supplier",
        role_code="supplier",
        registration_number=provider.registration_number if in_full else "",
        registration_scheme=(
            ("company" if provider.company_number else "charity")
            if in_full and provider.registration_number
            else ""
        ),
        key=f"provider-{provider.pk}",
    )
    commissioners = [
        PublicParty(
            name=commissioner.body_name,
            role=commissioner.get_role_display(),
            role_code=commissioner.role,
            key=f"partner-{commissioner.body_id}" if commissioner.body_id else "office",
        )
        for commissioner in sorted(
            contract.commissioners.all(),
            key=lambda each: (COMMISSIONER_ORDER.get(each.role, 9), each.pk),
        )
    ] or [office_party()]
    core = {
        "key": f"contract-{contract.pk}",
        "reference": contract.reference,
        "title": contract.title,
        "value": value,
        "value_basis": "total" if contract.total_value is not None else "annual",
        "supplier": supplier,
        "commissioners": commissioners,
        "is_listed_in_full": in_full,
        "recorded_at": contract.created_at,
        "updated_at": contract.updated_at,
    }
    if not in_full:
        return PublicContract(**core)
    published = getattr(contract, "published_decisions", None)
    if published is None:
        published = list(contract.decisions.published())
    published_ids = {decision.pk for decision in published}
    return PublicContract(
        **core,
        description=contract.description,
        department=contract.department,
        lot=str(contract.lot) if contract.lot_id else "",
        procurement_key=f"phase-{contract.lot.phase_id}" if contract.lot_id else "",
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        review_on=contract.review_on,
        total_value=contract.total_value,
        annual_value=contract.annual_value,
        irrecoverable_vat=contract.irrecoverable_vat,
        route=contract.get_route_display() if contract.route else "",
        route_code=contract.route,
        status=contract.get_status_display(),
        status_code=contract.status,
        supplier_is_sme=provider.is_sme,
        supplier_is_vcse=provider.is_vcse,
        extensions=[
            PublicExtension(
                key=f"extension-{extension.pk}",
                kind=extension.get_kind_display(),
                previous_ends_on=extension.previous_ends_on,
                new_ends_on=extension.new_ends_on,
                basis=extension.get_basis_display(),
                reason=extension.reason,
                recorded_at=extension.created_at,
                decision=(
                    _decision_link(extension.authorising_decision)
                    if extension.authorising_decision_id in published_ids
                    else None
                ),
            )
            for extension in contract.extensions.all()
        ],
        decisions=[_decision_link(decision) for decision in published],
    )


def _decision_link(decision: Decision) -> PublicLink:
    return PublicLink(
        kind="",
        reference=decision.reference,
        title=decision.title,
        url=decision_url(decision.reference),
    )


def public_contracts() -> list[PublicContract]:
    return [public_contract(contract) for contract in public_contracts_queryset()]


def contracts_last_changed() -> datetime.datetime | None:
    """The last change to anything the public contract data is made from, from the history."""
    from contracts.models import Commissioner, Lot, PartnerBody, Programme, Provider

    models_read = (
        Contract,
        Commissioner,
        Extension,
        Provider,
        PartnerBody,
        Programme,
        ProcurementPhase,
        Lot,
    )
    latest = [
        model.history.aggregate(latest=Max("history_date"))["latest"] for model in models_read
    ]
    latest.append(register_last_changed())
    return max((each for each in latest if each is not None), default=None)


@dataclass(frozen=True)
class PublicLot:
    number: int
    title: str
    service_area: str


@dataclass(frozen=True)
class PublicProcurement:
    """A procurement phase: one contracting process, possibly in lots."""

    key: str
    title: str
    programme: str
    rationale: str
    description: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    prior_information_notice_on: datetime.date | None
    needs_assessment_on: datetime.date | None
    service_starts_on: datetime.date | None
    route: str
    route_code: str
    lots: list[PublicLot]
    updated_at: datetime.datetime | None = None


def public_procurements(today: datetime.date | None = None) -> list[PublicProcurement]:
    """Procurement phases the public may know of: announced (a Prior Information Notice),
    under way (started), or with a contract on the register."""
    today = today or timezone.localdate()
    phases = (
        ProcurementPhase.objects.select_related("programme")
        .prefetch_related("lots")
        .filter(
            models.Q(prior_information_notice_on__isnull=False)
            | models.Q(starts_on__lte=today)
            | models.Q(lots__contracts__in=public_contracts_queryset().values("pk"))
        )
        .distinct()
        .order_by("starts_on", "pk")
    )
    return [
        PublicProcurement(
            key=f"phase-{phase.pk}",
            title=f"{phase.programme.title}: {phase.name}",
            programme=phase.programme.title,
            rationale=phase.programme.description,
            description=phase.description,
            starts_on=phase.starts_on,
            ends_on=phase.ends_on,
            prior_information_notice_on=phase.prior_information_notice_on,
            needs_assessment_on=phase.programme.needs_assessment_on,
            service_starts_on=phase.service_starts_on,
            route=phase.get_route_display() if phase.route else "",
            route_code=phase.route,
            lots=[
                PublicLot(number=lot.number, title=lot.title, service_area=lot.service_area)
                for lot in phase.lots.all()
            ],
            updated_at=phase.programme.updated_at,
        )
        for phase in phases
    ]
