"""The office a form belongs to: its name, crest or logo, address and printed wording.

One install may hold the records of more than one office (a joint arrangement, a mayoral
office, a successor body), so the office is data a form points at, not a setting. A form
with no office falls back to the `OFFICE_NAME` setting.
"""

import base64
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

# A crest is drawn at the top of every page and PDF of the office's records, inline: kept
# small so that the page stays light.
LOGO_MAX_BYTES = 100 * 1024

LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}

# What an SVG may not hold: anything that runs, or reaches outside the file. An SVG shown in
# an <img> runs nothing, but the file could also be opened on its own.
SVG_REFUSED = re.compile(
    rb"<\s*script|<\s*foreignObject|<\s*!ENTITY|<\s*iframe|<\s*embed|<\s*object"
    rb"|\son[a-z]+\s*=|javascript:|(?:xlink:)?href\s*=\s*[\"']\s*(?!#)",
    re.IGNORECASE,
)


def logo_kind(content: bytes) -> str:
    """ "png", "jpeg" or "svg" for an image a crest may be; "" for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = content[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in content[:4096].lower():
        return "svg"
    return ""


def validate_logo(file) -> None:
    """A crest or logo: a PNG, JPEG or plain SVG of at most LOGO_MAX_BYTES."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            f"The image is {file.size // 1024} KB: it can be at most {LOGO_MAX_BYTES // 1024} KB."
        )
    file.seek(0)
    content = file.read()
    file.seek(0)
    kind = logo_kind(content)
    if not kind:
        raise ValidationError("Upload the crest or logo as a PNG, JPEG or SVG image.")
    if kind == "svg" and SVG_REFUSED.search(content):
        raise ValidationError(
            "This SVG holds a script, an event handler or a link to another file: "
            "save it as a plain drawing, or upload a PNG."
        )


def logo_path(instance: "Office", filename: str) -> str:
    return f"offices/{filename}"


class Office(models.Model):
    """An office whose records the register holds."""

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="As it heads its records, e.g. Office of the Police and Crime Commissioner "
        "for Warwickshire.",
    )
    logo = models.FileField(
        "crest or logo",
        upload_to=logo_path,
        blank=True,
        validators=[validate_logo],
        help_text=f"A PNG, JPEG or SVG image of at most {LOGO_MAX_BYTES // 1024} KB.",
    )
    logo_description = models.CharField(
        "what the crest shows",
        max_length=200,
        blank=True,
        help_text="For people who cannot see it. Leave empty if the office's name beside "
        "it says all there is.",
    )
    address = models.TextField(blank=True, help_text="One line of the address a line.")
    approval_statement = models.TextField(
        "standard approval statement",
        blank=True,
        help_text="The wording the office's forms print where the decision maker approves, "
        "e.g. 'I hereby approve the recommendation above.'",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def logo_data_uri(self) -> str:
        """The crest as a data: address, for a page or PDF to draw without another request;
        "" when there is none (or its file is missing)."""
        if not self.logo:
            return ""
        try:
            with self.logo.open("rb") as file:
                content = file.read(LOGO_MAX_BYTES + 1)
        except OSError:
            return ""
        kind = logo_kind(content)
        if not kind or len(content) > LOGO_MAX_BYTES:
            return ""
        encoded = base64.b64encode(content).decode("ascii")
        return f"data:{LOGO_TYPES[kind]};base64,{encoded}"


def office_name(layout: dict) -> str:
    """The name of the office a layout (`DecisionTemplate.layout_data`) names, or for a form
    that names none, the install's `OFFICE_NAME`."""
    return layout["office"]["name"] or settings.OFFICE_NAME
