"""A record laid out as its form for the office's staff: the staff decision page and the
internal PDF walk the same layout as the public page (the one the decision was published
with, or its form's), in the form's order, with its labels, parts and numbering.

Unlike the public layout (`decisions.publication.layout`), it is read from the decision
itself and keeps everything: elements not on the public record (marked so), withheld values
and sections with their text (marked withheld). What the decision holds that its form has no
place for (a summary, comments, appendices) is listed after the form's own elements, so that
staff never lose sight of it.
"""

from dataclasses import dataclass, field

from decisions.models.layout import ROW_KINDS, ElementKind, FieldType, value_in_words
from decisions.publication.layout import layout_groups, section_numbers

# Blocks the staff see even when the form has no place for them, when the decision holds
# something there (the concerns and appendices always: staff add to them from the page).
KEPT_BLOCKS = (
    ElementKind.SUMMARY,
    ElementKind.SECTIONS,
    ElementKind.DECLARATION,
    ElementKind.COMMENTS,
    ElementKind.AWARDS,
    ElementKind.APPENDICES,
    ElementKind.CONTRACTS,
)

KEPT_LABELS = {
    ElementKind.SUMMARY: "Summary",
    ElementKind.SECTIONS: "",
    ElementKind.DECLARATION: "Declaration of interests",
    ElementKind.COMMENTS: "Comments from the",
    ElementKind.AWARDS: "Grants and awards",
    ElementKind.APPENDICES: "Appendices",
    ElementKind.CONTRACTS: "What the decision concerns",
}


@dataclass
class StaffSection:
    number: int | None
    section: object  # a DecisionSection


@dataclass
class StaffElement:
    """One element of the record as staff see it."""

    kind: str
    label: str
    part: str = ""
    text: str = ""  # the form's printed wording
    value: str = ""  # a row's value, or an own field's, in words
    type: str = ""
    is_public: bool = True
    not_recorded: bool = False
    is_withheld: bool = False
    withheld_because: str = ""
    public_interest_statement: str = ""
    sections: list[StaffSection] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        return self.kind in ROW_KINDS or (
            self.kind == ElementKind.FIELD and self.type != FieldType.LONG_TEXT
        )


def _date(value) -> str:
    return value.display if value else ""


def _row_value(kind: str, decision) -> str:
    """A built-in row's value, from the decision (the decision maker and the force-business
    row are drawn by the templates, which add the delegation)."""
    if kind == ElementKind.TITLE:
        return decision.title
    if kind == ElementKind.REFERENCE:
        return decision.reference
    if kind == ElementKind.CATEGORY:
        return str(decision.category or "")
    if kind == ElementKind.AUTHOR:
        return ", ".join(part for part in (decision.author_name, decision.author_job_role) if part)
    if kind == ElementKind.LEAD_OFFICERS:
        return decision.lead_officers
    if kind == ElementKind.STATUS:
        return decision.get_confidentiality_display()
    dates = {
        ElementKind.RECEIVED: decision.received,
        ElementKind.DECIDED: decision.decided,
        ElementKind.PUBLISHED: decision.published,
    }
    return _date(dates.get(kind))


def _numbered(sections: list, numbering: str) -> list[StaffSection]:
    numbers = section_numbers([section.part for section in sections], numbering)
    return [
        StaffSection(number, section) for section, number in zip(sections, numbers, strict=True)
    ]


def values_by_name(decision) -> dict:
    """The decision's own values (`FieldValue`) by name: its form's own fields, and the
    elements marked "not recorded". A decision read with `has_values` (as
    `for_workspace_page` reads it) that has none costs no query for them."""
    if getattr(decision, "has_values", True) is False:
        return {}
    return {value.name: value for value in decision.field_values.all()}


def staff_layout(layout: dict, decision, values: dict, sections: list) -> dict:
    """The record's elements in the form's order (`groups`, as `layout_groups` groups them),
    what the decision holds that the form has no place for (`beyond`), and whether the date
    received and the author have no row of the form's (`received_apart`, `author_apart`).

    `layout` is the layout's data (`decisions.publication.record_layout`), `values` the
    decision's `FieldValue` rows by name, `sections` its sections in order."""
    numbered = _numbered(sections, layout["numbering"])
    elements = layout["elements"]
    claimed = {e["part"] for e in elements if e["kind"] == ElementKind.SECTIONS and e["part"]}
    placed: set[str] = set()
    shown: set[int] = set()  # the sections drawn by the layout's blocks of sections
    laid_out = []
    concerns = (ElementKind.CONTRACTS, ElementKind.LINKS)
    for data in elements:
        kind = data["kind"]
        if kind in concerns and placed.intersection(concerns):
            # One block lists all the decision concerns (contracts and linked decisions):
            # a form with both elements has it drawn once, at the first.
            placed.add(kind)
            continue
        placed.add(kind)
        element = StaffElement(
            kind=kind,
            label=data["label"],
            part=data["part"],
            text=data["text"],
            type=data["type"],
            is_public=data["public"],
        )
        stored = values.get(data["name"]) if data["name"] else None
        if data["type"]:
            if stored is not None:
                element.value = value_in_words(data["type"], stored.value)
                element.not_recorded = stored.is_not_recorded
                element.is_withheld = stored.is_withheld
                element.withheld_because = stored.exemption_in_words if stored.is_withheld else ""
                element.public_interest_statement = stored.public_interest_statement
            if kind == ElementKind.PROTECTIVE_MARKING and not element.value:
                element.value = data["text"]
        elif kind in ROW_KINDS:
            element.value = _row_value(kind, decision)
            element.not_recorded = bool(stored and stored.is_not_recorded)
        elif kind == ElementKind.SECTIONS:
            element.sections = [
                each
                for each in numbered
                if (
                    each.section.part == data["part"]
                    if data["part"]
                    else each.section.part not in claimed
                )
            ]
            shown.update(id(each) for each in element.sections)
        elif kind == ElementKind.APPROVAL:
            element.text = data["text"] or layout["office"]["approval_statement"]
        elif kind in (ElementKind.SUMMARY, ElementKind.DECLARATION):
            element.not_recorded = bool(stored and stored.is_not_recorded)
        laid_out.append(element)
    placed.discard(ElementKind.SECTIONS)
    if ElementKind.LINKS in placed:
        placed.add(ElementKind.CONTRACTS)  # the concerns block lists the linked decisions
    beyond = [
        StaffElement(kind=kind, label=KEPT_LABELS[kind])
        for kind in KEPT_BLOCKS
        if kind not in placed
    ]
    for element in beyond:
        if element.kind == ElementKind.SECTIONS:
            element.sections = [each for each in numbered if id(each) not in shown]
    beyond = [element for element in beyond if _holds(element, decision)]
    return {
        "groups": layout_groups(laid_out),
        "beyond": beyond,
        # The office's own bookkeeping, shown apart when the form has no row for it.
        "received_apart": ElementKind.RECEIVED not in placed,
        "author_apart": ElementKind.AUTHOR not in placed,
    }


def _holds(element: StaffElement, decision) -> bool:
    """Whether the decision holds something for a block its form has no place for."""
    if element.kind == ElementKind.SUMMARY:
        return bool(decision.summary)
    if element.kind == ElementKind.DECLARATION:
        return bool(decision.declaration_of_interests)
    if element.kind == ElementKind.SECTIONS:
        return bool(element.sections)
    if element.kind == ElementKind.COMMENTS:
        return bool(decision.comments.all())
    if element.kind == ElementKind.AWARDS:
        return bool(decision.awards.all())
    return True
