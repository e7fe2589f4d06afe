"""What a checked decision file will create, in words, and writing it."""

from dataclasses import dataclass, field

from simple_history.utils import update_change_reason

from commissioning.importing import PlannedRow, Record
from commissioning.money import pounds
from decisions.importing.columns import heading_key
from decisions.importing.money import MoneyDraft
from decisions.importing.parts import PlannedLink
from decisions.importing.sections import exemption_label
from decisions.models import (
    Award,
    Correction,
    Decision,
    DecisionCategory,
    DecisionMaker,
    DecisionProvider,
    DecisionSection,
    DecisionStatus,
    DecisionTemplate,
    Delegation,
    FieldValue,
    LinkKind,
    RecordLayout,
    Signature,
    StatutoryComment,
    WorkflowStep,
)
from decisions.publication import public_search_text
from decisions.workflow import content_hash


@dataclass
class DecisionDraft:
    record: Record
    decision: Decision
    final_status: str
    template: DecisionTemplate
    category: DecisionCategory | None
    delegation: Delegation | None
    sections: list[tuple[DecisionSection, str]]  # section, heading key
    comments: list[StatutoryComment]
    signature: Signature | None
    signature_kind: str
    contracts: list
    # The signatures of a "signatures" list, each with its kind (electronic or wet).
    signatures: list[tuple[Signature, str]] = field(default_factory=list)
    # The grants or awards of an "awards" list.
    awards: list[Award] = field(default_factory=list)
    # The links of a "links" list.
    links: list[PlannedLink] = field(default_factory=list)
    # The providers of a "providers" list, each in its role.
    providers: list[DecisionProvider] = field(default_factory=list)
    # The values of the form's own fields (and of the report's date and author), by name.
    values: list[FieldValue] = field(default_factory=list)
    # The corrections of a "corrections" list, made after the decision.
    corrections: list[Correction] = field(default_factory=list)
    # The record's figures (`decisions.importing.money`), if it gives any.
    money: MoneyDraft | None = None


class DecisionWriter:
    """The plan of a checked decision file in words, and its writing (DecisionImport)."""

    def describe(self, plan: PlannedRow, draft: DecisionDraft) -> None:
        decision = draft.decision
        status = DecisionStatus(draft.final_status).label.lower()
        plan.actions.insert(0, f"Create decision {decision.reference} ({status})")
        if decision.decision_maker == DecisionMaker.PCC:
            name = decision.decision_maker_name
            plan.actions.append("Decided by the Commissioner" + (f", {name}" if name else ""))
        dates = [
            f"{label} {value}"
            for label, value in (
                ("received", decision.received),
                ("decided", decision.decided),
                ("signed", decision.signed),
                ("published", decision.published),
            )
            if value
        ]
        if dates:
            plan.actions.append("Dates: " + ", ".join(dates))
        sections = [section for section, _key in draft.sections]
        words = f"{len(sections)} section{'' if len(sections) == 1 else 's'}"
        withheld = [f"{s.heading} ({exemption_label(s)})" for s in sections if s.is_withheld]
        if withheld:
            words += ", withheld: " + "; ".join(withheld)
        plan.actions.append(f"{words} ({decision.get_confidentiality_display().lower()})")
        if draft.comments:
            roles = ", ".join(comment.get_role_display() for comment in draft.comments)
            plan.actions.append(f"Statutory comments: {roles}")
        signatures = [(draft.signature, draft.signature_kind)] if draft.signature else []
        for signature, kind in signatures + draft.signatures:
            how = "wet signature" if kind == "wet" else "electronic signature"
            plan.actions.append(f"Signature ({how}): {signature.name}, {signature.capacity}")
        for award in draft.awards:
            round_words = award.recipient_in_words
            to = f"to {award.recipient}" if award.recipient else f"in a{round_words[1:]}"
            plan.actions.append(f"Award: {pounds(award.amount)} {to}")
        if draft.money is not None and draft.money.in_words:
            plan.actions.append(draft.money.in_words)
        for link in draft.links:
            outside = " (not in the register)" if self.is_outside_register(link.reference) else ""
            plan.actions.append(f"{LinkKind(link.kind).label} {link.reference}{outside}")
        for each in draft.providers:
            new = "" if each.provider.pk else " (new provider)"
            plan.actions.append(f"Provider: {each.provider.name}{new}, {each.role_in_words}")
        for correction in draft.corrections:
            plan.actions.append(f"Corrected on {correction.made_on:%-d %B %Y}: {correction.reason}")
        if draft.contracts:
            references = ", ".join(contract.reference for contract in draft.contracts)
            plan.actions.append(f"Linked to contracts {references}")

    def store(self, by) -> None:
        for category in self.new_categories.values():
            self.save(category, by)
        for new in self.new_templates.values():
            self.save(new.template, by)
            for section in new.sections.values():
                section.template = new.template
                self.save(section, by)
        for delegation, _records in self.new_delegations.values():
            self.save(delegation, by)
        new = {id(delegation) for delegation, _records in self.new_delegations.values()}
        for delegation, _records in self.new_delegations.values():
            # A new delegation of the chain goes under the next one up (the nearest first).
            chain = [delegation, *getattr(delegation, "planned_made_under", [])]
            for under, made_under in zip(chain, chain[1:], strict=False):
                if id(under) in new and under.made_under_id is None:
                    under.made_under = made_under
                    self.save(under, by)
        for provider in self.providers.values():
            if provider.pk is None:
                self.save(provider, by)
        for draft in self.drafts:
            self.store_decision(draft, by)
        stored = {draft.decision.reference: draft.decision for draft in self.drafts}
        for draft in self.drafts:
            for planned in draft.links:
                link = planned.outside
                link.from_decision = draft.decision
                link.to_decision = stored.get(planned.reference) or self.linked_decisions.get(
                    planned.reference
                )
                if link.to_decision is not None:
                    link.to_title, link.to_date, link.to_url = "", None, ""
                self.save(link, by)
            self.save_under(draft.decision, "decision", draft.providers, by)

    def store_decision(self, draft: DecisionDraft, by) -> None:
        decision = draft.decision
        decision.template = draft.template
        decision.category = draft.category
        decision.delegation = draft.delegation
        published = draft.final_status == DecisionStatus.PUBLISHED
        # Recorded as decided, then published the way the register publishes any record.
        decision.status = DecisionStatus.APPROVED if published else draft.final_status
        self.save(decision, by)
        on_form = {heading_key(s.heading): s for s in draft.template.sections.all()}
        for section, key in draft.sections:
            template_section = on_form.get(key)
            section.decision = decision
            section.template_section = template_section
            if template_section is not None:
                section.part = section.part or template_section.part
                section.guidance = template_section.guidance
                section.is_mandatory = template_section.is_mandatory
            self.save(section, by)
        rows = [*draft.comments, *draft.awards, *draft.values, *draft.corrections]
        if draft.money is not None:
            rows += [draft.money.money, *draft.money.years, *draft.money.funding]
        self.save_under(decision, "decision", rows, by)
        if draft.contracts:
            self.stamp(decision, by)
            decision.contracts.add(*draft.contracts)
        self.stamp(decision, by)
        decision.refresh_confidentiality(by=by)
        signatures = [draft.signature] if draft.signature is not None else []
        signatures += [signature for signature, _kind in draft.signatures]
        for signature in signatures:
            signature.decision = decision
            if signature.step in {WorkflowStep.APPROVE, WorkflowStep.DECLINE}:
                # The decision maker's own signature: under the delegation, if delegated.
                signature.delegation = draft.delegation
            signature.content_sha256 = content_hash(decision)
            self.save(signature, by)
        if published:
            self.publish(decision, by)

    def publish(self, decision: Decision, by) -> None:
        """Put an imported record on the public register, keeping its publication date.

        Through the register's own publish step when the importer may publish; otherwise
        (a command run without --user) by setting what that step sets.
        """
        if by is not None and decision.workflow_refusal(WorkflowStep.PUBLISH, by) is None:
            # A record whose publication date the office never kept stays without one: the
            # public record says "Not recorded", never the day of the import.
            decision.publish(by=by, on=decision.published_on, date_not_recorded=True)
            # The step saves a fresh copy of the row: give its history record the reason too.
            update_change_reason(decision, self.change_reason)
            return
        decision.status = DecisionStatus.PUBLISHED
        RecordLayout.keep(decision, by=by)  # as the publish step keeps it
        decision.search_document = public_search_text(decision)
        self.save(decision, by)
