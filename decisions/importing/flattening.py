"""A decision in a JSON file, nested, flattened to the keys of a CSV row."""

import re

from commissioning.importing import Problem, Record, normalise_header
from decisions.importing.columns import (
    AWARD_FIELDS,
    COMMENT_ROLE_WORDS,
    CORRECTION_FIELDS,
    DECISION_FILE_COLUMNS,
    LINK_FIELDS,
    MADE_UNDER_FIELDS,
    PROVIDER_FIELDS,
    SECTION_WORDS,
    SIGNATURE_FIELDS,
    SIGNATURE_KEYS,
)
from decisions.importing.money import money_list

# What /decisions.json says in the public record's words (its provenance): read as what it
# is, not as a field to import. The provenance comes in as `recorded_from_signed_record`. And
# what the export says that the import has no use for: the names of the own fields whose
# values were withheld (the export gives no value), and the office, which comes with the form.
EXPORTED_IN_WORDS = frozenset({"provenance", "withheld_fields", "office"})
# A correction in the public record's words, as the export gives it (PublicCorrection).
CORRECTION_IN_WORDS = re.compile(r"^\s*Corrected on (?P<made_on>[^:]+):\s*(?P<reason>.*)$", re.S)


def corrections_as_objects(value):
    """The "corrections" list with each correction given in words read as an object with its
    date and reason; one in other words keeps them all as its reason (and is then refused for
    want of a date, at its place in the file)."""
    if not isinstance(value, list):
        return value
    objects = []
    for each in value:
        if isinstance(each, str):
            words = CORRECTION_IN_WORDS.match(each)
            each = words.groupdict() if words else {"reason": each}
        objects.append(each)
    return objects


def flatten_decision(number: int, item: dict, warnings: list[Problem], problems: list[Problem]):
    """A JSON decision as a Record with the same keys as a CSV row.

    Sections, comments and the signature may be nested; their labels are JSON paths.
    """
    record = Record(row=number)

    def put(key: str, value, label: str) -> None:
        record.values[key] = value
        record.labels[key] = label

    def put_object(item: dict, label: str, keys: dict[str, str], ignored=()) -> None:
        """Each attribute of a nested object under the key `keys` gives its normalised name;
        one not there (nor `ignored`) is not a field, and a warning. Labels are JSON paths."""
        for attribute_name, attribute_value in item.items():
            attribute = normalise_header(attribute_name)
            if attribute in ignored:
                continue
            if attribute not in keys:
                warnings.append(
                    Problem(number, f"{label}.{attribute_name}", "Not a field this import knows.")
                )
                continue
            put(keys[attribute], attribute_value, f"{label}.{attribute_name}")

    def put_listed(name: str, value, noun: str, fields: tuple[str, ...], words: dict) -> None:
        """A list of objects (sections, awards, links, signatures) under `{noun}_{index}_{field}`
        keys.
        Each of `fields` is named by its path in the file even when an object leaves it out,
        so that a missing one is reported there."""
        if not isinstance(value, list):
            problems.append(Problem(number, name, f"{noun.capitalize()}s must be a list."))
            return
        for index, listed in enumerate(value, start=1):
            if not isinstance(listed, dict):
                problems.append(
                    Problem(number, f"{name}[{index}]", f"Each {noun} must be an object.")
                )
                continue
            for field_name in fields:
                put(f"{noun}_{index}_{field_name}", "", f"{name}[{index}].{field_name}")
            keys = {word: f"{noun}_{index}_{field_name}" for word, field_name in words.items()}
            put_object(listed, f"{name}[{index}]", keys)

    for name, value in item.items():
        normalised = normalise_header(name)
        if normalised == "sections":
            put_listed(name, value, "section", (), SECTION_WORDS)
        elif normalised == "comments":
            if not isinstance(value, list):
                problems.append(Problem(number, name, "Comments must be a list."))
                continue
            for index, comment in enumerate(value, start=1):
                label = f"{name}[{index}]"
                if not isinstance(comment, dict):
                    problems.append(Problem(number, label, "Each comment must be an object."))
                    continue
                role = COMMENT_ROLE_WORDS.get(normalise_header(comment.get("role", "")))
                if role is None:
                    problems.append(
                        Problem(
                            number,
                            f"{label}.role",
                            f"{comment.get('role', '')!r} is not treasurer, monitoring_officer "
                            "or chief_officer.",
                        )
                    )
                    continue
                if f"{role}_comment" in record.values:
                    problems.append(
                        Problem(number, f"{label}.role", "There is already a comment in this role.")
                    )
                    continue
                record.values[f"{role}_comment"] = ""
                keys = {
                    "text": f"{role}_comment",
                    "comment": f"{role}_comment",
                    "person": f"{role}_name",
                    "name": f"{role}_name",
                    "madeon": f"{role}_comment_on",
                    "date": f"{role}_comment_on",
                }
                put_object(comment, label, keys, ignored=("role",))
                record.labels.setdefault(f"{role}_comment", f"{label}.text")
        elif normalised == "signature" and isinstance(value, dict):
            keys = {
                word: SIGNATURE_KEYS[field_name] for word, field_name in SIGNATURE_FIELDS.items()
            }
            put_object(value, name, keys)
        elif normalised == "awards":
            put_listed(
                name,
                value,
                "award",
                ("recipient", "amount", "purpose", "applications", "funded"),
                AWARD_FIELDS,
            )
        elif money_list(normalised):
            noun, fields = money_list(normalised)
            put_listed(name, value, noun, tuple(dict.fromkeys(fields.values())), fields)
        elif normalised == "links":
            put_listed(name, value, "link", ("kind", "reference"), LINK_FIELDS)
        elif normalised == "providers":
            put_listed(name, value, "provider", ("name", "role", "role_other"), PROVIDER_FIELDS)
        elif normalised == "delegationmadeunder":
            put_listed(
                name,
                value,
                "madeunder",
                ("delegate_name", "instrument", "starts_on", "ends_on"),
                MADE_UNDER_FIELDS,
            )
        elif normalised == "signatures":
            # Several signatures, as the register's own export gives them: each names the
            # step of the sign-off it was given at (under `listed_signature_keys`).
            put_listed(name, value, "signature", (), SIGNATURE_FIELDS)
        elif normalised == "corrections":
            put_listed(
                name,
                corrections_as_objects(value),
                "correction",
                ("made_on", "reason"),
                CORRECTION_FIELDS,
            )
        elif normalised in EXPORTED_IN_WORDS:
            continue
        else:
            key = DECISION_FILE_COLUMNS.key(name)
            if key is None:
                warnings.append(Problem(number, name, "Not a field this import knows: ignored."))
                continue
            put(key, value, name)
    return record
