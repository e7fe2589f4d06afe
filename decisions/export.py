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
  decision's reference. Only links to published decisions are given, as on the public page,
  and links to decisions outside the register, with their `title`, `date` and `url`.

- A round of grants recorded as a whole gives no recipient: its `applications`, `funded` and
  total `amount`.

- A provider the decision concerns directly gives its `name`, its `role` (`preferred_bidder`,
  `created`, `funded`, `contracted` or `other`) and, for another role, `role_other`.

- A decision whose papers are restricted (confidentiality `restricted`) gives its summary, its
  decision maker and why the papers are restricted (`papers_exemption`,
  `papers_exemption_other`, `papers_public_interest`), and nothing else of the record.

- A delegate's delegation gives its instrument, `delegation_instrument_reference`,
  `delegation_instrument_url`, `delegation_starts_on` and `delegation_ends_on`, and the
  delegations it was made under (`delegation_made_under`, the nearest first).

- The form the record was made on (`form`) and the office whose record it is (`office`, as
  the record was published; the import takes the office from the form).
- The author and job role, when the form puts them on the public record.
- The values of the form's own public fields, and of the report's date and author and the
  protective marking, under their names (`"plan_priority": "Reducing reoffending"`), as stored
  (a date with its precision: "2021", "2021-03" or "2021-03-15"; an amount as "1250.00"). A
  value recorded as not recorded is null; a withheld one is left out and named in
  `withheld_fields`. An element the public does not see is not there at all.

- `value`: the decision's value in pounds, as a number (`25000.5`); null when it is not
  recorded, when its figures are withheld, and for a wholly confidential record or one whose
  papers are restricted. Beside it, where recorded: `spend_type` (`capital`, `revenue` or
  `both`), `budget`, `yearly_values` (`[{"year": "2025/26", "amount": "40000.00"}]`, by
  financial year from April) and `funding` (`[{"funder": ..., "amount": ..., "percentage":
  ...}]`, amounts as strings of pounds and pence). Withheld figures give `value_withheld`,
  `value_exemption` (with `value_exemption_other`) and `value_public_interest`, the funders'
  names and no amounts.
- A grant or award also gives its `conditions` and `crime_reduction` (why it serves crime
  reduction), where recorded.

Not given, because the import has nowhere to put them yet: appendices (their files are
downloads of their own), and the labels a form gives its dates and summary.
"""

import json

from commissioning.dates import PreciseDate
from commissioning.money import amount
from decisions.models import CommentRole, LinkKind, SignatureMethod
from decisions.publication import (
    PublicDelegation,
    PublicLink,
    PublicRecord,
    PublicSection,
    PublicSignature,
    public_decisions,
    public_record,
)
from decisions.publication.money import PublicMoney

COMMENT_ROLE_CODES = {label: value for value, label in CommentRole.choices}
LINK_KIND_CODES = {label: value for value, label in LinkKind.choices}
SIGNATURE_KINDS = {label: value for value, label in SignatureMethod.choices}
# Decisions read at a time for the whole export.
EXPORT_CHUNK = 1000


def _date(value) -> str | None:
    """A date at its precision (a PreciseDate gives "2021" or "2021-03"), as the importer
    reads it back: nothing is made more precise than the record."""
    return value.iso if isinstance(value, PreciseDate) else value.isoformat() if value else None


def _without_empty(item: dict) -> dict:
    return {key: value for key, value in item.items() if value not in ("", None, [], {})}


def exported_decision(record: PublicRecord) -> dict:
    """One published decision as the importer reads it."""
    dates = {
        "received_on": _date(record.received),
        "decided_on": _date(record.decided),
        "signed_on": _date(record.signed),
        "published_on": _date(record.published),
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
        # In the words of the public page and PDF; the importer reads the flag above.
        "provenance": record.provenance,
    }
    if record.is_wholly_confidential:
        return {**_without_empty(head), "value": None}
    maker = {"decision_maker": record.decision_maker_code}
    if record.delegate_name:
        maker.update(
            delegate_name=record.delegate_name,
            delegation_instrument=record.delegation_instrument,
        )
        if record.delegation is not None:
            maker.update(_delegation(record.delegation, "delegation_"))
            maker["delegate_role"] = record.delegation.delegate_role
            maker["delegation_made_under"] = [
                _without_empty(
                    {
                        "delegate_name": parent.delegate_name,
                        "delegate_role": parent.delegate_role,
                        "instrument": parent.instrument,
                        **_delegation(parent, ""),
                    }
                )
                for parent in record.delegation.made_under
            ]
    else:
        maker["decision_maker_name"] = record.decision_maker_name
    if record.papers_are_restricted:
        return _without_empty(
            {
                **head,
                "form": record.form,
                "office": record.office.name,
                **maker,
                "summary": record.summary,
                "papers_exemption": record.papers_exemption,
                "papers_exemption_other": record.papers_exemption_other,
                "papers_public_interest": record.papers_public_interest,
            }
        ) | {"value": None}
    item = {
        **head,
        "form": record.form,
        "office": record.office.name,
        "category": record.category,
        **maker,
        "author_name": record.author_name,
        "author_job_role": record.author_job_role,
        "lead_officers": record.lead_officers,
        "force_business": record.is_force_business,
        "chief_officer_approved_on": _date(record.chief_officer_approved),
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
                    "applications": award.applications,
                    "funded": award.funded,
                    "conditions": award.conditions,
                    "crime_reduction": award.crime_reduction,
                }
            )
            for award in record.awards
        ],
        "contracts": [contract.reference for contract in record.contracts],
        "links": [_link(link) for link in record.links],
        "providers": [
            _without_empty(
                {
                    "name": provider.name,
                    "role": provider.role_code,
                    "role_other": provider.role if provider.role_code == "other" else "",
                }
            )
            for provider in record.providers
        ],
    }
    # Only signatures the register holds: one the record shows from its own fields says how
    # it was signed in no words, and importing the record shows it again.
    item["signatures"] = [_signature(signature) for signature in record.signatures if signature.how]
    item["corrections"] = [correction.in_words for correction in record.corrections]
    item["withheld_fields"] = [e.name for e in record.layout if e.type and e.is_withheld]
    item = _without_empty(item)
    item.update(money_values(record.money))
    item.update(field_values(record))
    item["force_business"] = record.is_force_business
    return item


def money_values(money: PublicMoney | None) -> dict:
    """The record's figures (`PublicMoney`): `value` always, in pounds as a number (null when
    not recorded or withheld), and the rest where recorded."""
    if money is None:
        return {"value": None}
    # A JSON number: a float holds pounds and pence exactly to the register's trillion.
    value = None if money.value is None else float(money.value)
    figures = {
        "value_withheld": money.is_withheld,
        "value_exemption": money.exemption,
        "value_exemption_other": money.exemption_other,
        "value_public_interest": money.public_interest_statement,
        "spend_type": money.spend_type_code,
        "budget": money.budget,
        "yearly_values": [
            {"year": year.financial_year, "amount": amount(year.amount)} for year in money.years
        ],
        "funding": [
            _without_empty(
                {
                    "funder": funder.name,
                    "amount": amount(funder.amount),
                    "percentage": None if funder.percentage is None else f"{funder.percentage}",
                }
            )
            for funder in money.funders
        ],
    }
    return {"value": value, **_without_empty({k: v for k, v in figures.items() if v is not False})}


def field_values(record: PublicRecord) -> dict[str, str | None]:
    """The record's public values held by name (`PublicElement.type` is set for them): the
    form's own fields, the report's date and author, the protective marking. A value not
    recorded is None; a withheld one, or one the record does not give, is left out."""
    values: dict[str, str | None] = {}
    for element in record.layout:
        if not element.type or element.is_withheld:
            continue
        if element.not_recorded:
            values[element.name] = None
        elif element.stored:
            values[element.name] = element.stored
    return values


def _link(link: PublicLink) -> dict:
    item = {"kind": LINK_KIND_CODES.get(link.kind, link.kind), "reference": link.reference}
    if link.outside_register:
        item.update(
            _without_empty({"title": link.title, "date": _date(link.date), "url": link.url})
        )
    return item


def _delegation(delegation: PublicDelegation, prefix: str) -> dict:
    return {
        f"{prefix}instrument_reference": delegation.instrument_reference,
        f"{prefix}instrument_url": delegation.instrument_url,
        f"{prefix}starts_on": _date(delegation.starts_on),
        f"{prefix}ends_on": _date(delegation.ends_on),
    }


def _section(section: PublicSection) -> dict:
    if section.is_withheld:
        fields = {
            "heading": section.heading,
            "part": section.part,
            "exemption": section.exemption,
            "exemption_other": section.exemption_other,
            "public_interest": section.public_interest_statement,
            # The date it may be released from, which the public record states.
            "release_on": _date(section.release_on),
        }
    else:
        fields = {"heading": section.heading, "part": section.part, "text": section.text}
    return {**_without_empty(fields), "withheld": section.is_withheld}


def _signature(signature: PublicSignature) -> dict:
    return _without_empty(
        {
            "signed_by": signature.name,
            "signed_as": signature.role,
            "signed_on": _date(signature.signed),
            "kind": SIGNATURE_KINDS.get(signature.how, ""),
            "step": signature.step,
        }
    )


def published_decisions_export(decisions=None, **metadata) -> dict:
    """Every published decision of `decisions` (by default all, in order of publication):
    `{**metadata, "decisions": [...]}`. The importer reads the list and ignores the rest."""
    if decisions is None:
        # Read a chunk at a time, each with its parts (Django prefetches per chunk): the
        # whole register's decisions and parts held at once took over a gigabyte.
        decisions = (
            public_decisions()
            .order_by("published_on", "decided_on", "reference")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
    records = [exported_decision(public_record(decision)) for decision in decisions]
    return {**metadata, "decisions": records}


def published_decisions_json(decisions=None, **metadata) -> bytes:
    document = published_decisions_export(decisions, **metadata)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
