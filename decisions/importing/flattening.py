"""A decision in a JSON file, nested, flattened to the keys of a CSV row."""

from commissioning.importing import Problem, Record, normalise_header
from decisions.importing.columns import (
    AWARD_FIELDS,
    COMMENT_ROLE_WORDS,
    DECISION_FILE_COLUMNS,
    LINK_FIELDS,
    SECTION_WORDS,
    SIGNATURE_FIELDS,
    SIGNATURE_KEYS,
)


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
            put_listed(name, value, "award", ("recipient", "amount", "purpose"), AWARD_FIELDS)
        elif normalised == "links":
            put_listed(name, value, "link", ("kind", "reference"), LINK_FIELDS)
        elif normalised == "signatures":
            # Several signatures, as the register's own export gives them: each names the
            # step of the sign-off it was given at (under `listed_signature_keys`).
            put_listed(name, value, "signature", (), SIGNATURE_FIELDS)
        else:
            key = DECISION_FILE_COLUMNS.key(name)
            if key is None:
                warnings.append(Problem(number, name, "Not a field this import knows: ignored."))
                continue
            put(key, value, name)
    return record
