"""A public record laid out as its form: the office, and the form's elements in order, each
with its label, part and value, built from the public record only.

`public_layout` is given the form's layout as data (`DecisionTemplate.layout_data`, or the
copy kept when the decision was published), the public record built so far, and the
decision's own field values. It keeps the public elements only; a withheld value contributes
its label and the reason it is withheld, never its text. The page and both PDFs walk the
result through `layout_groups`.
"""

from dataclasses import dataclass, field

from decisions.models.layout import (
    CONFIDENTIAL_KINDS,
    ROW_KINDS,
    ElementKind,
    FieldType,
    Numbering,
    value_in_words,
)

NOT_RECORDED = "Not recorded"

# Rows drawn whether or not the record gives a value (saying "Not recorded"), as the
# register's first form always drew them; any other element is left out when empty unless
# the form requires it.
ALWAYS_DRAWN = frozenset(
    {
        ElementKind.TITLE,
        ElementKind.REFERENCE,
        ElementKind.DECISION_MAKER,
        ElementKind.FORCE_BUSINESS,
        ElementKind.DECIDED,
        ElementKind.STATUS,
        ElementKind.PUBLISHED,
        ElementKind.SUMMARY,
        ElementKind.DOCUMENT_TITLE,
        ElementKind.PROTECTIVE_MARKING,
        ElementKind.APPROVAL,
        ElementKind.WORDING,
    }
)


@dataclass(frozen=True)
class PublicOffice:
    name: str
    address: str = ""
    logo: str = ""  # a data: address of the crest, or ""
    logo_description: str = ""


@dataclass(frozen=True)
class PublicElement:
    """One element of the record, as the public sees it."""

    kind: str
    label: str
    part: str = ""
    text: str = ""  # the form's printed wording here
    value: str = ""  # the value in words, for a row or one of the form's own fields
    name: str = ""  # what the value is held under (an own field's name, or the kind)
    type: str = ""  # an own field's type (FieldType), or the value kind's
    stored: str = ""  # the value as stored, for the open data export
    not_recorded: bool = False
    is_withheld: bool = False
    withheld_because: str = ""
    public_interest_statement: str = ""
    # For a block of sections: the sections it draws, grouped by their own part if it has
    # none (so the register's first form reads as it always has).
    sections: list = field(default_factory=list)
    required: bool = False

    @property
    def is_row(self) -> bool:
        return self.kind in ROW_KINDS or (
            self.kind == ElementKind.FIELD and self.type != FieldType.LONG_TEXT
        )


@dataclass(frozen=True)
class LayoutGroup:
    """What the page draws in one go: a part's heading where a part begins, then either a run
    of rows (one summary list) or one block."""

    part_heading: str = ""
    in_part: bool = False
    rows: list[PublicElement] = field(default_factory=list)
    block: PublicElement | None = None


def section_numbers(parts: list[str], numbering: str) -> list[int | None]:
    """The number of each section, given each one's part in order."""
    if numbering == Numbering.NONE:
        return [None] * len(parts)
    if numbering == Numbering.PER_PART:
        counts: dict[str, int] = {}
        numbers: list[int | None] = []
        for part in parts:
            counts[part] = counts.get(part, 0) + 1
            numbers.append(counts[part])
        return numbers
    return list(range(1, len(parts) + 1))


def layout_groups(layout: list[PublicElement]) -> list[LayoutGroup]:
    groups: list[LayoutGroup] = []
    part = ""
    for element in layout:
        heading = element.part if element.part and element.part != part else ""
        part = element.part
        if element.is_row and groups and groups[-1].block is None and not heading:
            groups[-1].rows.append(element)
            continue
        groups.append(
            LayoutGroup(
                part_heading=heading,
                in_part=bool(part),
                rows=[element] if element.is_row else [],
                block=None if element.is_row else element,
            )
        )
    return groups


def _row_value(kind: str, record, author: str) -> str:
    """The value of a built-in row, from the public record."""
    if kind == ElementKind.TITLE:
        return record.title
    if kind == ElementKind.REFERENCE:
        return record.reference
    if kind == ElementKind.CATEGORY:
        return record.category
    if kind == ElementKind.LEAD_OFFICERS:
        return record.lead_officers
    if kind == ElementKind.DECISION_MAKER:
        return record.decision_maker
    if kind == ElementKind.AUTHOR:
        return author
    if kind == ElementKind.STATUS:
        return record.confidentiality
    if kind == ElementKind.FORCE_BUSINESS:
        if not record.is_force_business:
            return "Not applicable"
        return _date(record.chief_officer_approved)
    # As precisely as each is known (a day, a month or a year: commissioning.dates).
    dates = {
        ElementKind.RECEIVED: record.received,
        ElementKind.DECIDED: record.decided,
        ElementKind.PUBLISHED: record.published,
    }
    if kind in dates:
        return _date(dates[kind])
    return ""


def _date(value) -> str:
    """A PreciseDate in words ("15 March 2021", "March 2021", "2021"), or nothing."""
    return value.display if value else ""


def _has_content(kind: str, record) -> bool:
    """Whether a built-in block has anything to show."""
    content = {
        ElementKind.SUMMARY: record.summary,
        ElementKind.DECLARATION: record.declaration_of_interests,
        ElementKind.COMMENTS: record.comments,
        ElementKind.SIGNATURES: record.signatures or record.provenance,
        ElementKind.AWARDS: record.awards,
        ElementKind.CONTRACTS: record.contracts,
        ElementKind.APPENDICES: record.appendices,
        ElementKind.LINKS: record.links,
    }
    return bool(content.get(kind, True))


def public_layout(
    elements: list[dict],
    record,
    values: dict,
    *,
    author: str = "",
    approval_statement: str = "",
) -> list[PublicElement]:
    """The public elements of a record, in the form's order.

    `elements` is the layout's data, `record` the public record built so far (its sections
    already numbered), `values` the decision's `FieldValue` rows by name, and `author` the
    author and job role in words. A wholly confidential record keeps only the elements its
    listing may show (`CONFIDENTIAL_KINDS`)."""
    claimed = {
        element["part"]
        for element in elements
        if element["kind"] == ElementKind.SECTIONS and element["part"] and element["public"]
    }
    laid_out = []
    for data in elements:
        kind = data["kind"]
        if not data["public"]:
            continue
        if record.is_wholly_confidential and kind not in CONFIDENTIAL_KINDS:
            continue
        # What the decision holds here, over the form's own: the element is made once (the
        # whole register's export makes tens of thousands of them).
        held: dict = {"text": data["text"]}
        stored = values.get(data["name"]) if data["name"] else None
        if kind in (ElementKind.FIELD, ElementKind.REPORT_DATE, ElementKind.REPORT_AUTHOR):
            held.update(_value_held(data, stored))
        elif kind == ElementKind.PROTECTIVE_MARKING:
            held.update(_value_held(data, stored))
            if not held.get("value") and not held.get("is_withheld"):
                held.update(value=data["text"], not_recorded=False)
        elif kind in ROW_KINDS:
            value = _row_value(kind, record, author)
            held.update(value=value, not_recorded=not value and _not_recorded(stored))
        elif kind == ElementKind.SECTIONS:
            held["sections"] = [
                section
                for section in record.sections
                if (section.part == data["part"] if data["part"] else section.part not in claimed)
            ]
        elif kind == ElementKind.APPROVAL:
            held["text"] = data["text"] or approval_statement
        elif kind in (ElementKind.SUMMARY, ElementKind.DECLARATION):
            held["not_recorded"] = _not_recorded(stored)
        element = PublicElement(
            kind=kind,
            label=data["label"],
            part=data["part"],
            name=data["name"],
            required=data["required"],
            **held,
        )
        if not _drawn(element, data, record):
            continue
        laid_out.append(element)
    return laid_out


def _not_recorded(stored) -> bool:
    return stored is not None and stored.is_not_recorded


def _value_held(data: dict, stored) -> dict:
    """For an element whose value the decision holds as a `FieldValue`: its value in words,
    or the reason it is withheld (and nothing of its text)."""
    field_type = data["type"] or FieldType.TEXT
    if stored is None:
        return {"type": field_type}
    if stored.is_withheld:
        return {
            "type": field_type,
            "is_withheld": True,
            "withheld_because": stored.exemption_in_words,
            "public_interest_statement": stored.public_interest_statement,
        }
    return {
        "type": field_type,
        "value": value_in_words(field_type, stored.value),
        "stored": stored.value,
        "not_recorded": stored.is_not_recorded,
    }


def _drawn(element: PublicElement, data: dict, record) -> bool:
    """Whether the element is drawn: it has something to show, or it is always drawn, or the
    form requires it (then an empty one says "Not recorded")."""
    if element.kind in ALWAYS_DRAWN or data["required"] or element.not_recorded:
        return element.kind != ElementKind.APPROVAL or bool(element.text)
    if element.is_withheld:
        return True
    if element.is_row or element.kind == ElementKind.FIELD:
        return bool(element.value)
    if element.kind == ElementKind.SECTIONS:
        return bool(element.sections)
    if element.kind == ElementKind.WORDING:
        return bool(element.text)
    return _has_content(element.kind, record)


def required_and_empty(element: PublicElement, record) -> bool:
    """Whether a required element gives nothing, and does not say it is not recorded."""
    if not element.required or element.not_recorded or element.is_withheld:
        return False
    if element.kind == ElementKind.SUMMARY:
        return not record.summary
    if element.kind == ElementKind.DECLARATION:
        return not record.declaration_of_interests
    if element.kind == ElementKind.SECTIONS:
        return not element.sections
    if element.kind in (ElementKind.APPROVAL, ElementKind.WORDING, ElementKind.DOCUMENT_TITLE):
        return not element.text
    if element.kind in ROW_KINDS or element.kind == ElementKind.FIELD:
        return not element.value
    return not _has_content(element.kind, record)
