"""Forms as data: an office's decision form (its reference scheme, the sign-offs it needs, its
labels and sections), and the categories decisions are filed under.

A decision's sections are copied from its form when it is created: changing the form later
never rewrites a decision already made on it.
"""

import re
import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from decisions.models.layout import LayoutEditing, Numbering, default_layout_data
from decisions.models.offices import Office


class DecisionCategory(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "decision categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class DecisionTemplate(LayoutEditing, models.Model):
    """An office's decision form, as data an administrator edits: its office, its layout
    (`elements`, see `decisions.models.layout`), its sections and their numbering, the
    sign-offs it needs and its reference scheme."""

    Numbering = Numbering

    name = models.CharField(max_length=200, unique=True)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forms",
        help_text="Whose records are made on this form. Empty: the install's own office.",
    )
    numbering = models.CharField(
        "numbering of sections",
        max_length=20,
        choices=Numbering.choices,
        default=Numbering.CONTINUOUS,
    )
    description = models.TextField(blank=True)
    reference_format = models.CharField(
        max_length=60,
        help_text=(
            "How references are written: {number}, {number:04} (zero-padded to 4 digits), "
            "{year} and {yy}. For example WPCC3-{number:04} or {number:03}/{year}."
        ),
    )
    requires_treasurer = models.BooleanField("Treasurer's comments required", default=True)
    requires_monitoring_officer = models.BooleanField(
        "Chief Executive and Monitoring Officer's comments required", default=True
    )
    requires_chief_officer_for_force_business = models.BooleanField(
        "Chief Officer's approval required for force business", default=True
    )
    awards_grants = models.BooleanField(
        "records grants or awards",
        default=False,
        help_text="For forms on which one decision awards several grants.",
    )
    received_label = models.CharField(max_length=60, default="Date received")
    decided_label = models.CharField(max_length=60, default="Date")
    signed_label = models.CharField(max_length=60, default="Date signed")
    published_label = models.CharField(max_length=60, default="Date published")
    summary_label = models.CharField(max_length=60, default="Decision summary")
    is_active = models.BooleanField("offered for new decisions", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "decision form"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            fields = [
                field
                for _, field, _, _ in string.Formatter().parse(self.reference_format)
                if field is not None
            ]
            self.reference_pattern()
            self.format_reference(1, timezone.localdate().year)
        except (KeyError, ValueError, IndexError, re.error) as error:
            raise ValidationError(
                {"reference_format": f"This format cannot be used: {error}."}
            ) from None
        if fields.count("number") != 1:
            raise ValidationError(
                {"reference_format": "The format must contain {number} exactly once."}
            )

    def layout_data(self) -> dict:
        """The form's whole layout as plain data: its office, the numbering of its sections
        and its elements in order (each as `FormElement.as_data`). A form not yet laid out
        has the register's first layout, with its own labels. What publication keeps with a
        decision (`RecordLayout`), and what every record is drawn from. A form with no
        office names none: its records are headed with `OFFICE_NAME` as it is when drawn."""
        elements = [element.as_data() for element in self.elements.all()]
        office = self.office
        return {
            "office": {
                "id": office.pk if office else None,
                "name": office.name if office else None,
                "address": office.address if office else "",
                "approval_statement": office.approval_statement if office else "",
                "logo_description": office.logo_description if office else "",
            },
            "numbering": self.numbering,
            "elements": elements or default_layout_data(self),
        }

    def format_reference(self, number: int, year: int) -> str:
        return self.reference_format.format(number=number, year=year, yy=f"{year % 100:02}")

    def reference_pattern(self) -> re.Pattern:
        """A regular expression matching this scheme's references, capturing the number."""
        pattern = ""
        for literal, field, _spec, _conv in string.Formatter().parse(self.reference_format):
            pattern += re.escape(literal)
            if field is None:
                continue
            if field == "number":
                pattern += r"(?P<number>\d+)"
            elif field == "year":
                pattern += r"(?P<year>\d{4})"
            elif field == "yy":
                pattern += r"(?P<yy>\d{2})"
            else:
                raise KeyError(field)
        return re.compile(f"^{pattern}$")

    def next_reference(self, year: int | None = None) -> str:
        """The next free reference in this scheme, e.g. WPCC3-0059 after WPCC3-0058.

        Numbering runs per year when the scheme contains the year.
        """
        year = year or timezone.localdate().year
        pattern = self.reference_pattern()
        yearly = "{year" in self.reference_format or "{yy" in self.reference_format
        # References are unique across every form, so every decision is looked at: the model
        # is reached through this form's decisions, as decisions.models.decision imports this.
        decisions = self.decisions.model.objects
        highest = 0
        for reference in decisions.values_list("reference", flat=True).iterator():
            match = pattern.match(reference)
            if not match:
                continue
            groups = match.groupdict()
            if yearly and (
                ("year" in groups and int(groups["year"]) != year)
                or ("yy" in groups and int(groups["yy"]) != year % 100)
            ):
                continue
            highest = max(highest, int(groups["number"]))
        candidate = highest + 1
        while decisions.filter(reference=self.format_reference(candidate, year)).exists():
            candidate += 1
        return self.format_reference(candidate, year)


class TemplateSection(models.Model):
    template = models.ForeignKey(
        DecisionTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(
        max_length=200, blank=True, help_text="Empty for a section the form prints without one."
    )
    part = models.CharField(
        max_length=100,
        blank=True,
        help_text="A part of the form the section sits in, e.g. 'Supporting information'.",
    )
    guidance = models.TextField(blank=True)
    is_mandatory = models.BooleanField("must be completed", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="templatesection_unique_position"
            ),
            models.UniqueConstraint(
                fields=["template", "heading"],
                condition=~models.Q(heading=""),
                name="templatesection_unique_heading",
                violation_error_message="The form has a section with this heading already.",
            ),
        ]

    def __str__(self) -> str:
        return self.heading or f"Section {self.position} (no heading)"
