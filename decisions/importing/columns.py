"""The columns of a decision file, and the words its values may be written in."""

import re

from commissioning.importing import Columns, normalise_header, squash
from decisions.models import (
    CommentRole,
    Confidentiality,
    DecisionMaker,
    DecisionStatus,
    Exemption,
    LinkKind,
    ProviderRole,
    WorkflowStep,
)

SECTION_ATTRIBUTES = {
    "heading": ["heading", "title"],
    "part": ["part"],
    "text": ["text", "content", "body"],
    "withheld": ["withheld", "iswithheld"],
    "exemption": ["exemption", "foiexemption"],
    "exemption_other": ["exemptionother", "otherexemption"],
    "public_interest": ["publicinterest", "publicintereststatement", "publicinteresttest"],
    "release_on": ["releaseon", "releasedate", "mayBeReleasedFrom"],
}
SECTION_WORDS = {
    normalise_header(name): attribute
    for attribute, names in SECTION_ATTRIBUTES.items()
    for name in [attribute, *names]
}

COMMENT_ROLES = {
    "treasurer": CommentRole.TREASURER,
    "monitoring_officer": CommentRole.MONITORING_OFFICER,
    "chief_officer": CommentRole.CHIEF_OFFICER,
}
COMMENT_ROLE_WORDS = {
    "treasurer": "treasurer",
    "chieffinanceofficer": "treasurer",
    "monitoringofficer": "monitoring_officer",
    "chiefexecutive": "monitoring_officer",
    "chiefexecutiveandmonitoringofficer": "monitoring_officer",
    "chiefofficer": "chief_officer",
    "chiefconstable": "chief_officer",
}


def _comment_aliases() -> dict[str, list[str]]:
    aliases = {}
    for prefix in COMMENT_ROLES:
        words = prefix.replace("_", " ")
        aliases[f"{prefix}_comment"] = [
            f"{words} comments",
            f"comments from the {words}",
            f"comment from the {words}",
        ]
        aliases[f"{prefix}_name"] = [f"{words} name", f"{words} person"]
        aliases[f"{prefix}_comment_on"] = [
            f"{words} comment date",
            f"{words} commented on",
            f"{words} comments date",
        ]
    return aliases


# A record's figures (`decisions.importing.money`).
MONEY_COLUMNS = {
    "value": ["total value", "decision value", "value (£)", "total cost", "cost"],
    "spend_type": ["capital or revenue", "spend type", "expenditure type", "type of spend"],
    "budget": ["budget line", "funded from", "budget it is met from", "budget source"],
    "value_withheld": ["figures withheld", "value is withheld"],
    "value_exemption": ["value withheld under", "figures exemption"],
    "value_exemption_other": ["value other exemption"],
    "value_public_interest": ["value public interest", "figures public interest"],
}

DECISION_COLUMNS = {
    "reference": ["decision reference", "decision reference number", "reference number", "ref"],
    "title": ["decision title"],
    "form": ["template", "decision form", "form name"],
    "reference_format": [],
    "category": [],
    "author_name": ["author"],
    "author_job_role": ["author job title", "author role"],
    "lead_officers": ["lead officer", "lead officer(s)"],
    "decision_maker": ["decision taken by"],
    "decision_maker_name": ["name of the decision maker", "commissioner name"],
    "delegate_name": ["delegate"],
    "delegate_role": ["delegate job title"],
    "delegation_instrument": ["delegation", "instrument", "delegated under"],
    "delegation_starts_on": ["delegation start date"],
    "delegation_ends_on": ["delegation end date"],
    "delegation_instrument_reference": ["delegation reference", "instrument reference"],
    "delegation_instrument_url": ["delegation address", "instrument address", "delegation url"],
    # A record whose papers are restricted (confidentiality "restricted"): why.
    "papers_exemption": ["restricted papers exemption", "papers restricted under"],
    "papers_exemption_other": ["restricted papers other exemption"],
    "papers_public_interest": ["restricted papers public interest", "papers public interest"],
    "force_business": ["is force business"],
    # Taken outside the register and recorded from the office's signed record: yes unless the
    # file says no (a record exported by another register, signed in its own sign-off).
    "recorded_from_signed_record": ["recorded from signed record"],
    "chief_officer_approved_on": [
        "date approved by chief officer",
        "if force business date approved by chief officer",
    ],
    "received_on": ["date received"],
    "decided_on": ["decision date", "date of decision", "date", "date decided"],
    "signed_on": ["date signed", "signature date"],
    "published_on": ["date published", "publication date"],
    "status": ["record status"],
    "confidentiality": ["confidentiality status"],
    "late_publication_reason": ["why published late"],
    "summary": ["decision summary", "executive summary"],
    "public_subject": ["subject", "public subject"],
    "declaration_of_interests": ["declaration of interest", "declarations of interest"],
    "signed_by": ["signatory", "signature name"],
    "signature": ["signature as recorded", "signature note"],
    "signature_kind": ["signature type"],
    "signed_as": ["signature capacity", "signatory capacity"],
    "signature_signed_on": ["signature signed on"],
    "signature_step": ["signature step"],
    "contracts": ["contract references"],
    **_comment_aliases(),
    **MONEY_COLUMNS,
}


def section_key(normalised: str) -> str | None:
    """section_3_heading and friends ("Section 3 heading" works too)."""
    match = re.fullmatch(r"section(\d+)([a-z]+)", normalised)
    if not match or int(match[1]) < 1:
        return None
    attribute = SECTION_WORDS.get(match[2])
    return f"section_{int(match[1])}_{attribute}" if attribute else None


# A column or key the import does not know otherwise may be one of the form's own fields, by
# its name: kept under this prefix and matched once the record's form is known
# (`DecisionImport.check_own_fields`), or ignored then with a warning.
OWN_FIELD = "own:"


def own_field_key(normalised: str) -> str | None:
    return f"{OWN_FIELD}{normalised}" if normalised[:1].isalpha() else None


DECISION_FILE_COLUMNS = Columns(DECISION_COLUMNS, [section_key, own_field_key])

STATUS_WORDS = {
    "published": DecisionStatus.PUBLISHED,
    "approved": DecisionStatus.APPROVED,
    "decided": DecisionStatus.APPROVED,
    "signed": DecisionStatus.APPROVED,
    "not approved": DecisionStatus.NOT_APPROVED,
    "rejected": DecisionStatus.NOT_APPROVED,
    "withdrawn": DecisionStatus.WITHDRAWN,
    "superseded": DecisionStatus.SUPERSEDED,
}
MAKER_WORDS = {
    "pcc": DecisionMaker.PCC,
    "commissioner": DecisionMaker.PCC,
    "policeandcrimecommissioner": DecisionMaker.PCC,
    "thepoliceandcrimecommissioner": DecisionMaker.PCC,
    "delegate": DecisionMaker.DELEGATE,
    "delegation": DecisionMaker.DELEGATE,
    "officerunderdelegation": DecisionMaker.DELEGATE,
    "anofficerunderdelegation": DecisionMaker.DELEGATE,
}
CONFIDENTIALITY_WORDS = {
    "non": Confidentiality.NON,
    "nonconfidential": Confidentiality.NON,
    "none": Confidentiality.NON,
    "public": Confidentiality.NON,
    "partly": Confidentiality.PARTLY,
    "partlyconfidential": Confidentiality.PARTLY,
    "partconfidential": Confidentiality.PARTLY,
    "confidential": Confidentiality.CONFIDENTIAL,
    "whollyconfidential": Confidentiality.CONFIDENTIAL,
    "restricted": Confidentiality.RESTRICTED,
    "publicsummarypapersrestricted": Confidentiality.RESTRICTED,
    "publicsummaryrestrictedpapers": Confidentiality.RESTRICTED,
}
SIGNATURE_KINDS = {"electronic": "electronic", "wet": "wet", "wetsignature": "wet"}
# The steps of the sign-off that record a signature, by code or by name.
SIGNATURE_STEPS = {
    **{
        step.value: step
        for step in (
            WorkflowStep.SIGN_OFF,
            WorkflowStep.COMMENT,
            WorkflowStep.APPROVE_FORCE_BUSINESS,
            WorkflowStep.APPROVE,
            WorkflowStep.DECLINE,
        )
    },
    "treasurer": WorkflowStep.SIGN_OFF,
    "monitoring_officer": WorkflowStep.COMMENT,
    "chief_officer": WorkflowStep.APPROVE_FORCE_BUSINESS,
}
SIGNATURE_STEP_CODES = "sign_off, comment, approve_force_business, approve or decline"

# The fields of one grant or award in a JSON record's "awards" list, as the export writes them
# and under other names a file might give them.
AWARD_FIELDS = {
    "recipient": "recipient",
    "to": "recipient",
    "amount": "amount",
    "value": "amount",
    "purpose": "purpose",
    "for": "purpose",
    "conditions": "conditions",
    "crimereduction": "crime_reduction",
    "howitservescrimereduction": "crime_reduction",
    # A round of grants recorded as a whole: no recipient, its counts and total.
    "applications": "applications",
    "applicationsreceived": "applications",
    "bids": "applications",
    "funded": "funded",
    "applicationsfunded": "funded",
    "total": "amount",
}

# The fields of one provider in a JSON record's "providers" list: a provider the decision
# concerns directly, and its role.
PROVIDER_FIELDS = {
    "name": "name",
    "provider": "name",
    "role": "role",
    "roleother": "role_other",
}
PROVIDER_ROLE_WORDS = {normalise_header(value): value for value in ProviderRole.values} | {
    normalise_header(label): value for value, label in ProviderRole.choices
}

# The fields of one delegation in a "delegation_made_under" list: a delegation the decision's
# own was made under, the nearest first.
MADE_UNDER_FIELDS = {
    normalise_header(name): name
    for name in (
        "delegate_name",
        "delegate_role",
        "instrument",
        "instrument_reference",
        "instrument_url",
        "starts_on",
        "ends_on",
    )
}


# The fields of one correction in a JSON record's "corrections" list: a fix to the record made
# after it was decided, when and why. The export gives each in the public record's words
# ("Corrected on 3 March 2026: reason"), which the import reads as these two.
CORRECTION_FIELDS = {
    "madeon": "made_on",
    "on": "made_on",
    "date": "made_on",
    "reason": "reason",
    "text": "reason",
}


# The fields of one link in a JSON record's "links" list: how the decision stands to another
# decision, named by its reference.
LINK_FIELDS = {
    "kind": "kind",
    "reference": "reference",
    "to": "reference",
    "decision": "reference",
    # For a decision outside the register.
    "title": "title",
    "date": "date",
    "url": "url",
    "address": "url",
}
LINK_KIND_WORDS = {normalise_header(value): value for value in LinkKind.values} | {
    normalise_header(label): value for value, label in LinkKind.choices
}


# A signature object's fields in a JSON file, and what each is called among the record's keys.
SIGNATURE_FIELDS = {
    "signedby": "signed_by",
    "by": "signed_by",
    "name": "signed_by",
    "kind": "kind",
    "type": "kind",
    "note": "note",
    "asrecorded": "note",
    "text": "note",
    "signedas": "signed_as",
    "capacity": "signed_as",
    "signedon": "signed_on",
    "date": "signed_on",
    "step": "step",
}
# The single signature's keys (a CSV's columns, or a JSON record's "signature" object).
SIGNATURE_KEYS = {
    "signed_by": "signed_by",
    "note": "signature",
    "kind": "signature_kind",
    "signed_as": "signed_as",
    "signed_on": "signature_signed_on",
    "step": "signature_step",
}


def listed_signature_keys(number: int) -> dict[str, str]:
    """The keys of the `number`th signature of a JSON record's "signatures" list."""
    return {name: f"signature_{number}_{name}" for name in SIGNATURE_KEYS}


EXEMPTION_CODES = ", ".join(Exemption.values[:-1]) + " or other"
EXEMPTION_WORDS = {
    "tradesecrets": Exemption.S43_1,
    "commercialinterests": Exemption.S43_2,
    "commerciallysensitive": Exemption.S43_2,
    "personalinformation": Exemption.S40,
    "personaldata": Exemption.S40,
    "informationprovidedinconfidence": Exemption.S41,
    "providedinconfidence": Exemption.S41,
    "lawenforcement": Exemption.S31,
    "prohibitionsondisclosure": Exemption.S44,
    "statutoryprohibition": Exemption.S44,
    "other": Exemption.OTHER,
}


def parse_exemption(value: str) -> str | None:
    """s43_2, s.43(2), Section 43(2) or "commercial interests" all mean the same exemption."""
    key = normalise_header(value)
    if key in EXEMPTION_WORDS:
        return EXEMPTION_WORDS[key]
    key = key.removeprefix("section").removeprefix("s").removesuffix("foia")
    match = re.fullmatch(r"(\d\d)(\d*)(foia)?", key)
    if not match:
        return None
    section, subsection = match[1], match[2]
    if section == "43":
        return {"1": Exemption.S43_1, "2": Exemption.S43_2}.get(subsection)
    return {"40": Exemption.S40, "41": Exemption.S41, "31": Exemption.S31, "44": Exemption.S44}.get(
        section
    )


_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*|[a-z])[.)]\s+", re.IGNORECASE)


def heading_key(heading: str) -> str:
    """Headings compared loosely: "1. Background information:" matches "Background information"."""
    return squash(_NUMBERING.sub("", heading)).rstrip(" :.")


def guess_reference_format(reference: str) -> str:
    """A reference scheme guessed from one reference: WPCC3-0058 gives WPCC3-{number:04}.

    A four-digit year becomes {year}; the longest other run of digits is the number.
    """
    runs = list(re.finditer(r"\d+", reference))
    if not runs:
        return reference.replace("{", "{{").replace("}", "}}") + "-{number}"
    year = None
    if len(runs) > 1:
        year = next((run for run in runs if re.fullmatch(r"(19|20)\d\d", run[0])), None)
    candidates = [run for run in runs if run is not year]
    number = max(candidates, key=lambda run: len(run[0]))
    result, last = "", 0
    for run in sorted([r for r in (year, number) if r is not None], key=lambda r: r.start()):
        result += reference[last : run.start()].replace("{", "{{").replace("}", "}}")
        if run is year:
            result += "{year}"
        else:
            digits = run[0]
            result += f"{{number:0{len(digits)}}}" if digits.startswith("0") else "{number}"
        last = run.end()
    return result + reference[last:].replace("{", "{{").replace("}", "}}")


DECISION_FIELD_KEYS = {
    "reference": "reference",
    "title": "title",
    "author_name": "author_name",
    "author_job_role": "author_job_role",
    "lead_officers": "lead_officers",
    "decision_maker": "decision_maker",
    "decision_maker_name": "decision_maker_name",
    "is_force_business": "force_business",
    "chief_officer_approved_on": "chief_officer_approved_on",
    "received_on": "received_on",
    "decided_on": "decided_on",
    "signed_on": "signed_on",
    "published_on": "published_on",
    "late_publication_reason": "late_publication_reason",
    "summary": "summary",
    "public_subject": "public_subject",
    "declaration_of_interests": "declaration_of_interests",
    "status": "status",
    "confidentiality": "confidentiality",
    "papers_exemption": "papers_exemption",
    "papers_exemption_other": "papers_exemption_other",
    "papers_public_interest": "papers_public_interest",
}
