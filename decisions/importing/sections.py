"""A record's sections, and the form (template) they are written on."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from commissioning.importing import Checker, PlannedRow, squash
from decisions.importing.columns import (
    EXEMPTION_CODES,
    SECTION_ATTRIBUTES,
    guess_reference_format,
    heading_key,
    parse_exemption,
)
from decisions.models import (
    Confidentiality,
    DecisionSection,
    DecisionTemplate,
    Exemption,
    TemplateSection,
)


@dataclass
class NewTemplate:
    """A form to be made from the headings of the file's records."""

    template: DecisionTemplate
    sections: dict[str, TemplateSection] = field(default_factory=dict)  # by heading key
    announced: bool = False  # whether a row of the plan already says it is made


class SectionChecks:
    """The checks of a record's sections and of the form they are on (DecisionImport)."""

    def check_sections(self, check: Checker) -> list[tuple[DecisionSection, str]]:
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("section_")}
        )
        sections = []
        headings: dict[str, int] = {}
        for number in numbers:
            key = f"section_{number}_"
            if not any(check.has(key + attribute) for attribute in SECTION_ATTRIBUTES):
                continue
            # A section may have no heading: some forms print one without.
            heading = check.text(key + "heading")
            exemption_text = check.text(key + "exemption")
            exemption = ""
            if exemption_text:
                exemption = parse_exemption(exemption_text) or ""
                if not exemption:
                    check.error(
                        key + "exemption",
                        f"{exemption_text!r} is not an exemption this register knows: use "
                        f"{EXEMPTION_CODES} (naming it in {key}exemption_other).",
                    )
            withheld = check.flag(key + "withheld")
            if withheld is None:
                # Citing an exemption means the section is withheld.
                withheld = bool(exemption_text)
            section = DecisionSection(
                position=len(sections) + 1,
                heading=heading,
                part=check.text(key + "part"),
                text=check.text(key + "text"),
                is_withheld=withheld,
                exemption=exemption,
                exemption_other=check.text(key + "exemption_other"),
                public_interest_statement=check.text(key + "public_interest"),
                release_on=check.date(key + "release_on"),
            )
            if exemption_text and not exemption:
                section.exemption = ""
                section.is_withheld = False  # already reported: no second message
            check.model_errors(
                section,
                fields={
                    "heading": key + "heading",
                    "part": key + "part",
                    "text": key + "text",
                    "exemption": key + "exemption",
                    "exemption_other": key + "exemption_other",
                    "public_interest_statement": key + "public_interest",
                    "release_on": key + "release_on",
                    "is_withheld": key + "withheld",
                },
                constraints={
                    "withheld_needs_exemption": key + "exemption",
                    "exemption_only_when_withheld": key + "withheld",
                    "other_exemption_named": key + "exemption_other",
                    "qualified_needs_public_interest": key + "public_interest",
                    "exemption_valid": key + "exemption",
                },
                exclude=["decision", "template_section", "position"],
            )
            loose = heading_key(heading)
            if heading and loose in headings:
                check.error(
                    key + "heading", f"Section {headings[loose]} of this record has this heading."
                )
            headings.setdefault(loose, number)
            sections.append((section, loose))
        return sections

    def check_template(
        self, check: Checker, reference: str, sections, plan: PlannedRow
    ) -> DecisionTemplate | None:
        name = check.text("form")
        keys = [key for _section, key in sections]
        if name:
            existing = self.template_names.get(squash(name))
            if existing is not None:
                known = {heading_key(s.heading) for s in existing.sections.all()}
                for section, key in sections:
                    if key not in known:
                        check.warn(
                            "form",
                            f"The form {existing.name!r} has no section headed "
                            f"{section.heading!r}: the record keeps it as a section of its own.",
                        )
                plan.actions.append(f"On the form {existing.name!r}")
                return existing
            new = self.new_template(check, name, reference, named=True)
        else:
            wanted = set(keys)
            candidates = []
            for template in self.templates:
                headings = {heading_key(s.heading) for s in template.sections.all()}
                if wanted <= headings:
                    candidates.append((len(headings - wanted), template.name, template))
            if candidates:
                template = min(candidates, key=lambda c: (c[0], c[1]))[2]
                plan.actions.append(f"On the form {template.name!r} (its headings match)")
                return template
            new = self.new_template(check, f"Imported form ({self.filename})", reference)
        if new is None:
            return None
        for section, key in sections:
            if key not in new.sections:
                new.sections[key] = TemplateSection(
                    position=len(new.sections) + 1,
                    heading=section.heading,
                    part=section.part,
                )
        if not new.announced:
            new.announced = True
            plan.actions.append(
                f"New form {new.template.name!r} (reference scheme "
                f"{new.template.reference_format}) made from the file's headings"
            )
        else:
            plan.actions.append(f"On the new form {new.template.name!r}")
        return new.template

    def new_template(
        self, check: Checker, name: str, reference: str, *, named: bool = False
    ) -> NewTemplate | None:
        if squash(name) in self.new_templates:
            return self.new_templates[squash(name)]
        if not named:
            base, counter = name, 1
            taken = set(self.template_names)
            while squash(name) in taken:
                counter += 1
                name = f"{base} {counter}"
        reference_format = check.text("reference_format") or guess_reference_format(
            reference or "IMPORT-0001"
        )
        template = DecisionTemplate(
            name=name,
            description=(
                f"Made from the section headings of decisions imported from {self.filename}. "
                "Not offered for new decisions until an administrator turns it on."
            ),
            reference_format=reference_format,
            is_active=False,
        )
        try:
            template.full_clean()
        except ValidationError as invalid:
            for field_name, messages in invalid.message_dict.items():
                column = "reference_format" if field_name == "reference_format" else "form"
                for message in messages:
                    check.error(column, message)
            return None
        except re.error as error:
            # DecisionTemplate.clean() lets this through for a format such as {number}/{number}.
            check.error("reference_format", f"This format cannot be used: {error}.")
            return None
        new = NewTemplate(template=template)
        self.new_templates[squash(name)] = new
        return new


def exemption_label(section: DecisionSection) -> str:
    if section.exemption == Exemption.OTHER:
        return section.exemption_other
    return Exemption(section.exemption).label


WHOLLY_CONFIDENTIAL_HEADING = "Withheld"


def wholly_confidential_placeholder() -> DecisionSection:
    """The one section of a record the file gives as confidential without any sections.

    The public sees nothing of a wholly confidential record's sections, so nothing of this
    one either; staff see that the record was imported without its content.
    """
    return DecisionSection(
        position=1,
        heading=WHOLLY_CONFIDENTIAL_HEADING,
        text="",
        is_withheld=True,
        exemption=Exemption.OTHER,
        exemption_other="Not stated: imported as a wholly confidential record without content",
    )


def derived_confidentiality(sections: list[DecisionSection]) -> str:
    """What Decision.derive_confidentiality will say once the sections are saved."""
    withheld = [section.is_withheld for section in sections]
    if withheld and all(withheld):
        return Confidentiality.CONFIDENTIAL
    if any(withheld):
        return Confidentiality.PARTLY
    return Confidentiality.NON
