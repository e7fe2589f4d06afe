"""The import of decision records: each record checked, then the file written in one go."""

from django.core.exceptions import ValidationError

from commissioning.dates import PreciseDate, write_precise
from commissioning.importing import (
    Checker,
    Import,
    PlannedRow,
    Problem,
    Record,
    normalise_header,
    squash,
)
from contracts.models import Contract, Provider
from decisions.importing.columns import (
    CONFIDENTIALITY_WORDS,
    DECISION_FIELD_KEYS,
    DECISION_FILE_COLUMNS,
    MAKER_WORDS,
    OWN_FIELD,
    STATUS_WORDS,
    heading_key,
)
from decisions.importing.delegations import DelegationChecks
from decisions.importing.flattening import flatten_decision
from decisions.importing.money import MoneyChecks
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
    FieldValue,
)
from decisions.models.decision import DATES
from decisions.models.layout import clean_value


class DecisionImport(
    SectionChecks,
    PartChecks,
    MoneyChecks,
    SignatureChecks,
    DelegationChecks,
    DecisionWriter,
    Import,
):
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
        self.load_partners()

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
        named = {
            squash(value)
            for record in records
            for key, value in record.values.items()
            if key.startswith("provider_") and key.endswith("_name") and isinstance(value, str)
        }
        self.providers = {
            squash(provider.name): provider
            for provider in Provider.objects.all()
            if squash(provider.name) in named
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

        # The record's dates as precise as the file gives them (a day, a month or a year);
        # a delegation's start is a day.
        dates = {key: check.precise_date(key) for key in DATES}
        dates["delegation_starts_on"] = check.date("delegation_starts_on")
        dates["delegation_ends_on"] = check.date("delegation_ends_on")
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
            accepted="non-confidential, partly confidential, confidential or restricted",
        )
        restricted = stated == Confidentiality.RESTRICTED
        # A wholly confidential record as the public sees it (and as the register's own export
        # gives it) has no sections: it is kept confidential behind one withheld placeholder.
        placeholder = []
        if stated == Confidentiality.CONFIDENTIAL and not sections:
            section = wholly_confidential_placeholder()
            placeholder = [(section, heading_key(section.heading))]
        confidentiality = derived_confidentiality([s for s, _key in sections + placeholder])
        money = self.check_money(check)
        if (
            confidentiality == Confidentiality.NON
            and money is not None
            and money.money is not None
            and money.money.is_withheld
        ):
            confidentiality = Confidentiality.PARTLY  # as `Decision.derive_confidentiality`
        if restricted:
            confidentiality = Confidentiality.RESTRICTED
        elif stated and stated != confidentiality and not check.failed:
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
            late_publication_reason=check.text("late_publication_reason"),
            summary=check.text("summary"),
            public_subject=check.text("public_subject"),
            declaration_of_interests=check.text("declaration_of_interests"),
            confidentiality=confidentiality,
            papers_restricted=restricted,
            papers_exemption=check.text("papers_exemption") if restricted else "",
            papers_exemption_other=check.text("papers_exemption_other") if restricted else "",
            papers_public_interest=check.text("papers_public_interest") if restricted else "",
            status=status or DecisionStatus.APPROVED,
            # An imported decision was taken outside the register: its public record says it
            # was recorded from the office's signed record, unless the file says otherwise.
            recorded_from_signed_record=check.flag("recorded_from_signed_record") is not False,
        )
        for key in DATES:
            write_precise(decision, key, dates[key])
        check.model_errors(
            decision,
            fields=DECISION_FIELD_KEYS,
            constraints={
                "chief_officer_only_for_force_business": "chief_officer_approved_on",
                "signed_after_decided": "signed_on",
                "decided_after_received": "decided_on",
                "confidential_has_public_subject": "public_subject",
                "restricted_needs_exemption": "papers_exemption",
                "papers_exemption_only_when_restricted": "papers_exemption",
                "papers_other_exemption_named": "papers_exemption_other",
                "restricted_needs_public_interest": "papers_public_interest",
            },
            exclude=["template", "author", "category", "delegation", "search_document"],
        )
        template = self.check_template(check, reference, sections, plan)
        values = self.check_own_fields(check, record, template)
        sections = sections + placeholder
        category = self.check_category(check, plan)
        delegation = None
        if maker == DecisionMaker.DELEGATE:
            delegation = self.check_delegation(check, dates, plan)
        comments = self.check_comments(check)
        awards = self.check_awards(check)
        links = self.check_links(check, reference)
        providers = self.check_providers(check)
        corrections = self.check_corrections(check)
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
            values=values,
            providers=providers,
            corrections=corrections,
            money=money,
        )
        self.drafts.append(draft)
        self.describe(plan, draft)
        self.rows.append(plan)

    def check_own_fields(
        self, check: Checker, record: Record, template: DecisionTemplate | None
    ) -> list[FieldValue]:
        """The values given under the names of the form's own fields (or of the report's date
        and author, or the protective marking), each checked as its type asks. Null means not
        recorded. A name the form does not have is ignored, with a warning."""
        given = [key for key in record.values if key.startswith(OWN_FIELD)]
        if not given:
            return []
        # A form the import makes has no fields of its own yet.
        layout = template.layout_data()["elements"] if template and template.pk else []
        typed = {
            normalise_header(element["name"]): element for element in layout if element["type"]
        }
        values = []
        for key in given:
            raw = check.raw(key)
            if raw is not None and not check.text(key):
                continue  # an empty cell gives nothing
            element = typed.get(key.removeprefix(OWN_FIELD))
            if element is None:
                check.warn(key, "Not a field this import knows, nor one of the decision's form.")
                continue
            name = element["name"]
            if raw is None:
                values.append(FieldValue(name=name, is_not_recorded=True))
                continue
            try:
                value = clean_value(element["type"], check.text(key), element["choices"])
            except ValidationError as invalid:
                check.error(key, " ".join(invalid.messages))
                continue
            values.append(FieldValue(name=name, value=value))
        return values

    def check_status(self, check: Checker, published_on: PreciseDate | None) -> str:
        default = DecisionStatus.PUBLISHED if published_on else DecisionStatus.APPROVED
        status = check.choice(
            "status",
            STATUS_WORDS,
            accepted="published, approved, not approved, withdrawn or superseded",
            default=default,
        )
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
                delegation.full_clean(exclude=["delegate", "made_under"])
            except ValidationError as invalid:
                for field_name, messages in invalid.message_dict.items():
                    key = {
                        "delegate_role": "delegate_role",
                        "delegate_name": "delegate_name",
                        "instrument_reference": "delegation_instrument_reference",
                        "instrument_url": "delegation_instrument_url",
                        "ends_on": "delegation_ends_on",
                        "__all__": "delegation_ends_on",
                    }
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
