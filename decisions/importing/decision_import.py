"""The import of decision records: each record checked, then the file written in one go."""

import datetime

from django.core.exceptions import ValidationError

from commissioning.importing import (
    Checker,
    Import,
    PlannedRow,
    Problem,
    Record,
    squash,
)
from contracts.models import Contract
from decisions.importing.columns import (
    CONFIDENTIALITY_WORDS,
    DECISION_FIELD_KEYS,
    DECISION_FILE_COLUMNS,
    MAKER_WORDS,
    STATUS_WORDS,
    heading_key,
)
from decisions.importing.flattening import flatten_decision
from decisions.importing.parts import PartChecks
from decisions.importing.sections import (
    NewTemplate,
    SectionChecks,
    derived_confidentiality,
    wholly_confidential_placeholder,
)
from decisions.importing.signatures import SignatureChecks
from decisions.importing.writing import DecisionDraft, DecisionWriter
from decisions.models import (
    Confidentiality,
    Decision,
    DecisionCategory,
    DecisionMaker,
    DecisionStatus,
    DecisionTemplate,
    Delegation,
)

IMPORTED_DELEGATION_SCOPE = (
    "Not recorded. This delegation was added when historic decisions citing it were imported; "
    "its instrument sets out what the delegate may decide."
)


class DecisionImport(SectionChecks, PartChecks, SignatureChecks, DecisionWriter, Import):
    """Decision records from a CSV or JSON file."""

    noun = "decision"
    columns = DECISION_FILE_COLUMNS
    required = {"reference": "reference", "title": "title"}
    container = "decisions"

    def prepare(self) -> None:
        self.drafts: list[DecisionDraft] = []
        self.new_categories: dict[str, DecisionCategory] = {}
        self.new_templates: dict[str, NewTemplate] = {}
        self.new_delegations: dict[tuple[str, str], tuple[Delegation, list[Record]]] = {}

    def json_record(self, number: int, item: dict) -> Record:
        return flatten_decision(number, item, self.warnings, self.problems)

    def load_register(self, records: list[Record]) -> None:

        references = {
            str(record.values.get("reference", "")).strip()
            for record in records
            if record.has("reference")
        }
        self.existing_references = set(
            Decision.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        self.file_references = references
        linked = {
            str(value).strip()
            for record in records
            for key, value in record.values.items()
            if key.startswith("link_") and key.endswith("_reference") and isinstance(value, str)
        }
        self.linked_decisions = {
            decision.reference: decision
            for decision in Decision.objects.filter(reference__in=linked - references)
        }
        self.templates = list(DecisionTemplate.objects.prefetch_related("sections"))
        self.template_names = {squash(t.name): t for t in self.templates}
        self.categories = {squash(c.name): c for c in DecisionCategory.objects.all()}
        self.delegations = list(Delegation.objects.all())
        wanted = set()
        for record in records:
            wanted.update(Checker(record, [], []).items("contracts"))
        self.contracts = {c.reference: c for c in Contract.objects.filter(reference__in=wanted)}

    def check_record(self, record: Record, seen: dict[str, int]) -> None:
        check = Checker(record, self.problems, self.warnings)
        plan = self.plan_row(check, seen)
        reference, title = plan.reference, plan.title

        dates = {
            key: check.date(key)
            for key in (
                "received_on",
                "decided_on",
                "signed_on",
                "published_on",
                "chief_officer_approved_on",
                "delegation_starts_on",
            )
        }
        maker = check.choice(
            "decision_maker", MAKER_WORDS, accepted="pcc or delegate", default=DecisionMaker.PCC
        )
        force_business = check.flag("force_business")
        if force_business is None:
            # A date of approval by the Chief Officer only exists for force business.
            force_business = dates["chief_officer_approved_on"] is not None
        status = self.check_status(check, dates["published_on"])

        sections = self.check_sections(check)
        stated = check.choice(
            "confidentiality",
            CONFIDENTIALITY_WORDS,
            accepted="non-confidential, partly confidential or confidential",
        )
        # A wholly confidential record as the public sees it (and as the register's own export
        # gives it) has no sections: it is kept confidential behind one withheld placeholder.
        placeholder = []
        if stated == Confidentiality.CONFIDENTIAL and not sections:
            section = wholly_confidential_placeholder()
            placeholder = [(section, heading_key(section.heading))]
        confidentiality = derived_confidentiality([s for s, _key in sections + placeholder])
        if stated and stated != confidentiality and not check.failed:
            check.error(
                "confidentiality",
                f"The file says {Confidentiality(stated).label.lower()}, but its sections make "
                f"it {Confidentiality(confidentiality).label.lower()}: mark each withheld "
                "section with its exemption, or correct this column.",
            )

        decision = Decision(
            reference=reference,
            title=title,
            author_name=check.text("author_name"),
            author_job_role=check.text("author_job_role"),
            lead_officers=check.text("lead_officers"),
            decision_maker=maker or DecisionMaker.PCC,
            decision_maker_name=check.text("decision_maker_name"),
            is_force_business=bool(force_business),
            chief_officer_approved_on=dates["chief_officer_approved_on"],
            received_on=dates["received_on"],
            decided_on=dates["decided_on"],
            signed_on=dates["signed_on"],
            published_on=dates["published_on"],
            late_publication_reason=check.text("late_publication_reason"),
            summary=check.text("summary"),
            public_subject=check.text("public_subject"),
            declaration_of_interests=check.text("declaration_of_interests"),
            confidentiality=confidentiality,
            status=status or DecisionStatus.APPROVED,
            # An imported decision was taken outside the register: its public record says it
            # was recorded from the office's signed record, unless the file says otherwise.
            recorded_from_signed_record=check.flag("recorded_from_signed_record") is not False,
        )
        check.model_errors(
            decision,
            fields=DECISION_FIELD_KEYS,
            constraints={
                "chief_officer_only_for_force_business": "chief_officer_approved_on",
                "signed_after_decided": "signed_on",
                "decided_after_received": "decided_on",
                "confidential_has_public_subject": "public_subject",
            },
            exclude=["template", "author", "category", "delegation", "search_document"],
        )
        template = self.check_template(check, reference, sections, plan)
        sections = sections + placeholder
        category = self.check_category(check, plan)
        delegation = None
        if maker == DecisionMaker.DELEGATE:
            delegation = self.check_delegation(check, dates, plan)
        comments = self.check_comments(check)
        awards = self.check_awards(check)
        links = self.check_links(check, reference)
        signature, signature_kind = self.check_signature(check, decision, delegation)
        signatures = self.check_listed_signatures(check, decision, delegation)
        if signature is not None and signatures:
            check.error("signatures", "Give the signature or a list of signatures, not both.")
        contracts = []
        for contract_reference in check.items("contracts"):
            contract = self.contracts.get(contract_reference)
            if contract is None:
                check.error("contracts", f"No contract has the reference {contract_reference}.")
            else:
                contracts.append(contract)
        if check.failed:
            return

        draft = DecisionDraft(
            record=record,
            decision=decision,
            final_status=status,
            template=template,
            category=category,
            delegation=delegation,
            sections=sections,
            comments=comments,
            signature=signature,
            signature_kind=signature_kind,
            contracts=contracts,
            signatures=signatures,
            awards=awards,
            links=links,
        )
        self.drafts.append(draft)
        self.describe(plan, draft)
        self.rows.append(plan)

    def check_status(self, check: Checker, published_on: datetime.date | None) -> str:
        default = DecisionStatus.PUBLISHED if published_on else DecisionStatus.APPROVED
        status = check.choice(
            "status",
            STATUS_WORDS,
            accepted="published, approved, not approved, withdrawn or superseded",
            default=default,
        )
        if (
            status == DecisionStatus.PUBLISHED
            and published_on is None
            and not check.has("published_on")
        ):
            check.error("published_on", "A published record needs the date it was published.")
        if status in {DecisionStatus.APPROVED, DecisionStatus.NOT_APPROVED} and published_on:
            check.error(
                "status",
                f"The record has a publication date but the status {check.text('status')!r}: "
                "say published, or leave the status empty.",
            )
        return status or default

    def check_category(self, check: Checker, plan: PlannedRow) -> DecisionCategory | None:
        name = check.text("category")
        if not name:
            return None
        existing = self.categories.get(squash(name))
        if existing is not None:
            return existing
        if squash(name) not in self.new_categories:
            category = DecisionCategory(name=name)
            try:
                category.full_clean(exclude=["slug"])
            except ValidationError as invalid:
                for messages in invalid.message_dict.values():
                    for message in messages:
                        check.error("category", message)
                return None
            self.new_categories[squash(name)] = category
            plan.actions.append(f"New category {name!r}")
        return self.new_categories[squash(name)]

    def check_delegation(self, check: Checker, dates: dict, plan: PlannedRow) -> Delegation | None:
        instrument = check.text("delegation_instrument")
        name = check.text("delegate_name")
        if not instrument:
            check.error(
                "delegation_instrument",
                "A decision taken under delegation must cite the delegation: give its "
                "instrument (the scheme or letter, with its paragraph).",
            )
            return None
        matches = [d for d in self.delegations if squash(d.instrument) == squash(instrument)]
        if name:
            matches = [d for d in matches if squash(d.delegate_name) == squash(name)]
        if len(matches) > 1 and dates["decided_on"]:
            decided = dates["decided_on"]
            in_force = [
                d
                for d in matches
                if d.starts_on <= decided and (d.ends_on is None or d.ends_on >= decided)
            ]
            matches = in_force or matches
        if matches:
            delegation = max(matches, key=lambda d: d.starts_on)
            plan.actions.append(f"Decided by {delegation}")
            return delegation
        if not name:
            check.error(
                "delegate_name",
                f"No delegation in the register cites {instrument!r}: give the delegate's "
                "name so that one can be recorded.",
            )
            return None
        key = (squash(instrument), squash(name))
        if key not in self.new_delegations:
            delegation = Delegation(
                delegate_name=name,
                delegate_role=check.text("delegate_role"),
                instrument=instrument,
                scope=IMPORTED_DELEGATION_SCOPE,
                starts_on=dates["delegation_starts_on"],
            )
            self.new_delegations[key] = (delegation, [])
            plan.actions.append(f"New delegation: {name} under {instrument}")
        else:
            plan.actions.append(f"Decided by {name} under {instrument}")
        self.new_delegations[key][1].append(check.record)
        delegation = self.new_delegations[key][0]
        first = dates["delegation_starts_on"] or dates["decided_on"] or dates["signed_on"]
        if first and (delegation.starts_on is None or first < delegation.starts_on):
            delegation.starts_on = first
        return delegation

    def settle(self) -> None:
        """Check what the file's records create together: delegations need a start date."""
        for delegation, records in self.new_delegations.values():
            if delegation.starts_on is None:
                for record in records:
                    Checker(record, self.problems, self.warnings).error(
                        "delegation_starts_on",
                        "The delegation is new to the register and needs the date it took "
                        "effect: give delegation_starts_on, or the date of the decision.",
                    )
                continue
            try:
                delegation.full_clean(exclude=["delegate"])
            except ValidationError as invalid:
                for field_name, messages in invalid.message_dict.items():
                    key = {"delegate_role": "delegate_role", "delegate_name": "delegate_name"}
                    for message in messages:
                        Checker(records[0], self.problems, self.warnings).error(
                            key.get(field_name, "delegation_instrument"), message
                        )
        for new in self.new_templates.values():
            for section in new.sections.values():
                section.template = new.template
                try:
                    section.full_clean(exclude=["template"], validate_unique=False)
                except ValidationError as invalid:
                    self.problems.append(
                        Problem(None, "", f"Form {new.template.name!r}: {invalid.messages[0]}")
                    )
        super().settle()
