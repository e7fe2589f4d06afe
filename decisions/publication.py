"""What the public may see of a decision: the one place public output is built from.

Pages, PDFs, feeds and exports take a `PublicRecord`, never a `Decision`. It is made from an
explicit allow-list of fields, and a withheld part contributes its heading and the reason it
is withheld, never its text, so there is nothing confidential to hide in the output.
"""

import datetime
from dataclasses import dataclass, field

from decisions.models import Decision


@dataclass(frozen=True)
class PublicSection:
    heading: str
    part: str
    text: str  # empty when withheld
    is_withheld: bool
    withheld_because: str = ""
    public_interest_statement: str = ""


@dataclass(frozen=True)
class PublicAppendix:
    title: str
    is_withheld: bool
    withheld_because: str = ""
    download_url: str = ""  # empty when withheld


@dataclass(frozen=True)
class PublicComment:
    role: str
    person: str
    text: str
    made_on: datetime.date | None


@dataclass(frozen=True)
class PublicAward:
    recipient: str
    amount: object
    purpose: str


@dataclass(frozen=True)
class PublicRecord:
    reference: str
    title: str
    form: str
    confidentiality: str
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
    summary: str = ""
    declaration_of_interests: str = ""
    sections: list[PublicSection] = field(default_factory=list)
    appendices: list[PublicAppendix] = field(default_factory=list)
    comments: list[PublicComment] = field(default_factory=list)
    awards: list[PublicAward] = field(default_factory=list)


def decision_maker_in_words(decision: Decision) -> str:
    if decision.decision_maker == Decision.Maker.DELEGATE and decision.delegation_id:
        delegation = decision.delegation
        return f"{delegation.delegate_name}, under {delegation.instrument}"
    name = decision.decision_maker_name
    return f"{name}, Police and Crime Commissioner" if name else "Police and Crime Commissioner"


def public_record(decision: Decision) -> PublicRecord:
    """Build the public view of a decision from its public fields only."""
    template = decision.template
    header = {
        "reference": decision.reference,
        "title": decision.title,
        "form": template.name,
        "confidentiality": decision.get_confidentiality_display(),
        "is_wholly_confidential": decision.is_wholly_confidential,
        "public_subject": decision.public_subject,
        "category": decision.category.name if decision.category_id else "",
        "decision_maker": decision_maker_in_words(decision),
        "lead_officers": decision.lead_officers,
        "is_force_business": decision.is_force_business,
        "chief_officer_approved_on": decision.chief_officer_approved_on,
        "received_on": decision.received_on,
        "decided_on": decision.decided_on,
        "signed_on": decision.signed_on,
        "published_on": decision.published_on,
        "late_publication_reason": decision.late_publication_reason,
        "summary_label": template.summary_label,
        "decided_label": template.decided_label,
        "signed_label": template.signed_label,
    }
    if decision.is_wholly_confidential:
        # Listed with its reference, title, one-line subject and dates; nothing more.
        return PublicRecord(**header)
    sections = [
        PublicSection(
            heading=section.heading,
            part=section.part,
            text="" if section.is_withheld else section.text,
            is_withheld=section.is_withheld,
            withheld_because=section.exemption_in_words,
            public_interest_statement=(
                section.public_interest_statement if section.is_withheld else ""
            ),
        )
        for section in decision.sections.all()
    ]
    appendices = [
        PublicAppendix(
            title=appendix.title,
            is_withheld=appendix.is_withheld,
            withheld_because=appendix.exemption_in_words,
        )
        for appendix in decision.appendices.all()
    ]
    comments = [
        PublicComment(
            role=comment.get_role_display(),
            person=comment.person,
            text=comment.text,
            made_on=comment.made_on,
        )
        for comment in decision.comments.all()
    ]
    awards = [
        PublicAward(recipient=award.recipient, amount=award.amount, purpose=award.purpose)
        for award in decision.awards.all()
    ]
    return PublicRecord(
        **header,
        summary=decision.summary,
        declaration_of_interests=decision.declaration_of_interests,
        sections=sections,
        appendices=appendices,
        comments=comments,
        awards=awards,
    )


def public_search_text(decision: Decision) -> str:
    """The text the public search may match: the public record's words, nothing withheld."""
    record = public_record(decision)
    parts = [record.reference, record.title, record.public_subject, record.category]
    if not record.is_wholly_confidential:
        parts.append(record.summary)
        parts.extend(f"{s.heading} {s.text}" for s in record.sections)
        parts.extend(a.title for a in record.appendices)
    return "\n".join(part for part in parts if part)
