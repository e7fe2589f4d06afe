"""The text a decision holds, counted against the register's limit of a record
(commissioning.limits.RECORD_MAX_CHARACTERS): its own fields, its sections, appendices,
statutory comments and awards. The editor (decisions.forms) and the admin (decisions.admin)
count what is about to be saved, and refuse a record over the limit before anything is.
"""

from collections.abc import Iterable, Mapping

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Length

from commissioning.limits import add_parts, model_text_parts, record_too_long, text_length
from decisions.models import Appendix, Award, Decision, DecisionSection, StatutoryComment

# Copied from the decision's form, or made from the rest: not the officer's text.
SKIPPED_DECISION_FIELDS = ("search_document",)
SKIPPED_SECTION_FIELDS = ("guidance",)

# The decision's parts other than its sections, by their name in a message, with the text
# fields each counts.
OTHER_PARTS = {
    "appendices": (Appendix, ("title", "exemption_other", "public_interest_statement")),
    "statutory comments": (StatutoryComment, ("person", "text")),
    "awards": (Award, ("recipient", "purpose")),
}


def section_characters(section: DecisionSection, values: Mapping[str, object] | None = None) -> int:
    """The characters of a section's text (as `values` would change it)."""
    parts = model_text_parts(section, exclude=SKIPPED_SECTION_FIELDS, values=values)
    return sum(parts.values())


def part_characters(model, values: Mapping[str, object]) -> int:
    fields = dict(OTHER_PARTS.values())[model]
    return sum(text_length(values.get(name)) for name in fields)


def stored_other_parts(decision: Decision, skip: Iterable[str] = ()) -> dict[str, int]:
    """The characters the decision's stored appendices, comments and awards hold, by kind,
    read in one query; none for a decision not yet saved."""
    wanted = {name: part for name, part in OTHER_PARTS.items() if name not in set(skip)}
    if decision.pk is None or not wanted:
        return {}
    annotations = {}
    for index, (model, fields) in enumerate(wanted.values()):
        length = sum(
            (Coalesce(Length(name), Value(0)) for name in fields[1:]),
            Coalesce(Length(fields[0]), Value(0)),
        )
        total = (
            model.objects.filter(decision=OuterRef("pk"))
            .order_by()
            .values("decision")
            .annotate(total=Sum(length))
            .values("total")
        )
        annotations[f"part_{index}"] = Coalesce(
            Subquery(total, output_field=IntegerField()), Value(0)
        )
    row = Decision.objects.filter(pk=decision.pk).values(**annotations)
    found = row.first() or {}
    return {
        name: int(found.get(f"part_{index}") or 0)
        for index, name in enumerate(wanted)
        if found.get(f"part_{index}")
    }


def decision_parts(
    decision: Decision,
    *,
    values: Mapping[str, object] | None = None,
    sections: Iterable[tuple[DecisionSection, Mapping[str, object] | None]] | None = None,
    others: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """The characters of each part of a decision: its own fields (as `values` would change
    them), each section by its heading (the sections given, as their values would change
    them, else those stored), and its other parts (`others`, by kind, else those stored)."""
    parts = model_text_parts(decision, exclude=SKIPPED_DECISION_FIELDS, values=values)
    if sections is None:
        sections = [(section, None) for section in decision.sections.all()] if decision.pk else []
    for section, section_values in sections:
        add_parts(
            parts, section.heading or "a section", section_characters(section, section_values)
        )
    given = dict(others or {})
    for name, characters in {**stored_other_parts(decision, skip=given), **given}.items():
        add_parts(parts, name, characters)
    return parts


def decision_too_long(decision: Decision, **kwargs) -> str | None:
    """The message refusing a decision over the record limit, or None (decision_parts)."""
    return record_too_long(decision_parts(decision, **kwargs), noun="decision")
