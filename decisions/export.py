"""The public export of all published decisions, as JSON the decision importer reads.

`/decisions.json` is the register's open data: every published decision in the shape
`decisions.importing.DecisionImport` takes (see examples/decisions.json), so that the export
of one install, imported into an empty one, reproduces its public records. Each record is
written from its `PublicRecord` alone, never from a `Decision`: what is withheld from the
public pages is withheld here too.

- A withheld section gives its heading, `"withheld": true`, the exemption's code and the
  public-interest statement, and no text.
- A wholly confidential decision gives its reference, title, one-line subject, dates, status
  and confidentiality, and nothing else: no form, no sections. The importer records such a
  file entry as wholly confidential (see `importing.wholly_confidential_placeholder`).
- A signature the record shows only because the decision maker's name and the date are on
  the record itself (not a signature the register holds) is left out: importing the record
  shows the same line again.

- A grant or award gives its recipient, its amount as a string of pounds and pence
  (`"25000.00"`, so that no reader rounds it through a float) and its purpose.

- A link to another decision gives its kind (`follows`, `supersedes` or `amends`) and the other
  decision's reference. Only links to published decisions are given, as on the public page.

Not given, because the import has nowhere to put them yet: appendices (their files are
downloads of their own), and the labels a form gives its dates and summary.
"""

import json

from decisions.models import CommentRole, LinkKind, SignatureMethod
from decisions.publication import (
    PublicRecord,
    PublicSection,
    PublicSignature,
    public_decisions,
    public_record,
)

COMMENT_ROLE_CODES = {label: value for value, label in CommentRole.choices}
LINK_KIND_CODES = {label: value for value, label in LinkKind.choices}
SIGNATURE_KINDS = {label: value for value, label in SignatureMethod.choices}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _without_empty(item: dict) -> dict:
    return {key: value for key, value in item.items() if value not in ("", None, [], {})}


def exported_decision(record: PublicRecord) -> dict:
    """One published decision as the importer reads it."""
    dates = {
        "received_on": _date(record.received_on),
        "decided_on": _date(record.decided_on),
        "signed_on": _date(record.signed_on),
        "published_on": _date(record.published_on),
    }
    head = {
        "reference": record.reference,
        "title": record.title,
        "status": "published",
        "confidentiality": record.confidentiality_code,
        "public_subject": record.public_subject,
        **dates,
        "late_publication_reason": record.late_publication_reason,
        "recorded_from_signed_record": record.recorded_from_signed_record,
    }
    if record.is_wholly_confidential:
        return _without_empty(head)
    maker = {"decision_maker": record.decision_maker_code}
    if record.delegate_name:
        maker.update(
            delegate_name=record.delegate_name,
            delegation_instrument=record.delegation_instrument,
        )
    else:
        maker["decision_maker_name"] = record.decision_maker_name
    item = {
        **head,
        "form": record.form,
        "category": record.category,
        **maker,
        "lead_officers": record.lead_officers,
        "force_business": record.is_force_business,
        "chief_officer_approved_on": _date(record.chief_officer_approved_on),
        "summary": record.summary,
        "declaration_of_interests": record.declaration_of_interests,
        "sections": [_section(section) for section in record.sections],
        "comments": [
            _without_empty(
                {
                    "role": COMMENT_ROLE_CODES.get(comment.role, comment.role),
                    "person": comment.person,
                    "text": comment.text,
                    "made_on": _date(comment.made_on),
                }
            )
            for comment in record.comments
        ],
        "awards": [
            _without_empty(
                {
                    "recipient": award.recipient,
                    "amount": str(award.amount),
                    "purpose": award.purpose,
                }
            )
            for award in record.awards
        ],
        "contracts": [contract.reference for contract in record.contracts],
        "links": [
            {"kind": LINK_KIND_CODES.get(link.kind, link.kind), "reference": link.reference}
            for link in record.links
        ],
    }
    # Only signatures the register holds: one the record shows from its own fields says how
    # it was signed in no words, and importing the record shows it again.
    item["signatures"] = [_signature(signature) for signature in record.signatures if signature.how]
    item = _without_empty(item)
    item["force_business"] = record.is_force_business
    return item


def _section(section: PublicSection) -> dict:
    if section.is_withheld:
        fields = {
            "heading": section.heading,
            "part": section.part,
            "exemption": section.exemption,
            "exemption_other": section.exemption_other,
            "public_interest": section.public_interest_statement,
        }
    else:
        fields = {"heading": section.heading, "part": section.part, "text": section.text}
    return {**_without_empty(fields), "withheld": section.is_withheld}


def _signature(signature: PublicSignature) -> dict:
    return _without_empty(
        {
            "signed_by": signature.name,
            "signed_as": signature.role,
            "signed_on": _date(signature.signed_on),
            "kind": SIGNATURE_KINDS.get(signature.how, ""),
            "step": signature.step,
        }
    )


def published_decisions_export() -> dict:
    """Every published decision, in order of publication: `{"decisions": [...]}`."""
    decisions = public_decisions().order_by("published_on", "decided_on", "reference")
    return {"decisions": [exported_decision(public_record(decision)) for decision in decisions]}


def published_decisions_json() -> bytes:
    return json.dumps(published_decisions_export(), ensure_ascii=False, indent=2).encode("utf-8")
