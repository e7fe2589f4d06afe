"""Withholding: the exemptions an office cites, and the rules every withholdable part keeps."""

from django.db import models
from django.db.models import Q

from commissioning.constraints import ChecksChangedConstraints, choice_valid


class Exemption(models.TextChoices):
    """Freedom of Information Act 2000 exemptions an office most often cites."""

    S43_1 = "s43_1", "Section 43(1): trade secrets"
    S43_2 = "s43_2", "Section 43(2): commercial interests"
    S40 = "s40", "Section 40: personal information"
    S41 = "s41", "Section 41: information provided in confidence"
    S31 = "s31", "Section 31: law enforcement"
    S44 = "s44", "Section 44: prohibitions on disclosure"
    OTHER = "other", "Another exemption"


EXEMPTION_WORDS = {
    Exemption.S43_1: ("section 43(1)", "trade secrets"),
    Exemption.S43_2: ("section 43(2)", "commercial interests"),
    Exemption.S40: ("section 40", "personal information"),
    Exemption.S41: ("section 41", "information provided in confidence"),
    Exemption.S31: ("section 31", "law enforcement"),
    Exemption.S44: ("section 44", "prohibitions on disclosure"),
}

# Qualified exemptions: withholding under them needs a public-interest statement.
QUALIFIED_EXEMPTIONS = [Exemption.S43_1, Exemption.S43_2, Exemption.S31]


def withholding_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules shared by every withholdable part (a section, an appendix)."""
    return [
        models.CheckConstraint(
            condition=Q(is_withheld=False) | ~Q(exemption=""),
            name=f"{prefix}_withheld_needs_exemption",
            violation_error_message="Choose the exemption that applies to withheld content.",
        ),
        models.CheckConstraint(
            condition=Q(is_withheld=True) | Q(exemption=""),
            name=f"{prefix}_exemption_only_when_withheld",
            violation_error_message="Only withheld content cites an exemption.",
        ),
        models.CheckConstraint(
            condition=~Q(exemption=Exemption.OTHER) | ~Q(exemption_other=""),
            name=f"{prefix}_other_exemption_named",
            violation_error_message="Name the exemption.",
        ),
        models.CheckConstraint(
            condition=~Q(exemption__in=QUALIFIED_EXEMPTIONS) | ~Q(public_interest_statement=""),
            name=f"{prefix}_qualified_needs_public_interest",
            violation_error_message=(
                "This exemption is subject to the public interest test: "
                "say why the public interest favours withholding."
            ),
        ),
        choice_valid("exemption", Exemption, f"{prefix}_exemption_valid", or_blank=True),
    ]


class Withholdable(ChecksChangedConstraints):
    is_withheld = models.BooleanField("withhold from publication", default=False)
    exemption = models.CharField(max_length=10, choices=Exemption.choices, blank=True)
    exemption_other = models.CharField("other exemption", max_length=200, blank=True)
    public_interest_statement = models.TextField(blank=True)
    release_on = models.DateField(
        "may be released from",
        null=True,
        blank=True,
        help_text="The date after which the reason for withholding no longer applies.",
    )

    class Meta:
        abstract = True

    @property
    def exemption_in_words(self) -> str:
        """How a withheld part is described to the public."""
        if not self.is_withheld:
            return ""
        return exemption_in_words(self.exemption, self.exemption_other)


def exemption_in_words(exemption: str, exemption_other: str) -> str:
    """How the public is told why something is withheld."""
    if exemption == Exemption.OTHER:
        return f"Withheld under {exemption_other}"
    section, reason = EXEMPTION_WORDS[exemption]
    return f"Withheld under {section} of the Freedom of Information Act 2000: {reason}"


def restriction_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules of a record whose papers are restricted (`RestrictedPapers`): as a withheld
    part's, with the reason always stated."""
    return [
        models.CheckConstraint(
            condition=Q(papers_restricted=False) | ~Q(papers_exemption=""),
            name=f"{prefix}_restricted_needs_exemption",
            violation_error_message="Choose the exemption under which the papers are restricted.",
        ),
        models.CheckConstraint(
            condition=Q(papers_restricted=True) | Q(papers_exemption=""),
            name=f"{prefix}_papers_exemption_only_when_restricted",
            violation_error_message="Only restricted papers cite an exemption.",
        ),
        models.CheckConstraint(
            condition=~Q(papers_exemption=Exemption.OTHER) | ~Q(papers_exemption_other=""),
            name=f"{prefix}_papers_other_exemption_named",
            violation_error_message="Name the exemption.",
        ),
        models.CheckConstraint(
            condition=Q(papers_restricted=False) | ~Q(papers_public_interest=""),
            name=f"{prefix}_restricted_needs_public_interest",
            violation_error_message=(
                "Say why the public interest favours restricting the papers: the public "
                "record shows this statement."
            ),
        ),
        choice_valid(
            "papers_exemption", Exemption, f"{prefix}_papers_exemption_valid", or_blank=True
        ),
    ]


class RestrictedPapers(models.Model):
    """A record published with its summary and decision maker while its papers (sections,
    appendices, comments, everything else) are restricted, for a stated reason with a
    public-interest statement: between a partly confidential record and a wholly
    confidential one."""

    papers_restricted = models.BooleanField(
        "publish the summary only, restricting the papers", default=False
    )
    papers_exemption = models.CharField(
        "exemption the papers are restricted under",
        max_length=10,
        choices=Exemption.choices,
        blank=True,
    )
    papers_exemption_other = models.CharField("other exemption", max_length=200, blank=True)
    papers_public_interest = models.TextField(
        "public-interest statement for the restricted papers", blank=True
    )

    class Meta:
        abstract = True

    @property
    def papers_restricted_because(self) -> str:
        if not self.papers_restricted:
            return ""
        return exemption_in_words(self.papers_exemption, self.papers_exemption_other)
