"""The parts of a decision's public record (`decisions.publication.record.PublicRecord`), each
made only of what the public may see: its sections, appendices, statutory comments,
signatures, corrections, awards, links, providers and delegation."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from commissioning.dates import PreciseDateAttribute, Precision
from decisions.models import AwardedTo


@dataclass(frozen=True)
class PublicSection:
    number: int | None  # None on a form whose sections are not numbered
    heading: str
    part: str
    text: str  # empty when withheld
    is_withheld: bool
    withheld_because: str = ""
    public_interest_statement: str = ""
    # The exemption's code (and, for "other", its name): what `withheld_because` says, as data.
    exemption: str = ""
    exemption_other: str = ""
    # When a withheld part may be released (the office's plan, not a promise); None if unset.
    release_on: datetime.date | None = None


# What a file's format is called, by its extension, as GOV.UK names attachments.
FILE_FORMATS = {
    "pdf": "PDF",
    "doc": "MS Word Document",
    "docx": "MS Word Document",
    "xls": "MS Excel Spreadsheet",
    "xlsx": "MS Excel Spreadsheet",
    "odt": "OpenDocument Text",
    "ods": "OpenDocument Spreadsheet",
    "csv": "CSV",
    "txt": "Plain text",
}


def file_format(name: str) -> str:
    """The format of a file called `name`, in words ("PDF"); "" when it has no extension."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return ""
    return FILE_FORMATS.get(extension.lower(), extension.upper())


def file_size_in_words(size: int) -> str:
    """A file's size as GOV.UK writes it: "812 bytes", "240 KB", "1.4 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class PublicAppendix:
    title: str
    is_withheld: bool
    withheld_because: str = ""
    public_interest_statement: str = ""
    download_url: str = ""  # empty when withheld or when there is no file
    file_name: str = ""
    file_size: int | None = None  # bytes; None when withheld, with no file, or unreadable
    release_on: datetime.date | None = None  # of a withheld appendix, as for a section

    @property
    def format_and_size(self) -> str:
        """What a link to the file says of it: "PDF, 240 KB" (either alone when that is all
        that is known; "" for none)."""
        parts = [file_format(self.file_name)]
        if self.file_size is not None:
            parts.append(file_size_in_words(self.file_size))
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class PublicComment:
    role: str
    person: str
    text: str
    made_on: datetime.date | None


@dataclass(frozen=True)
class PublicSignature:
    name: str
    role: str
    signed_on: datetime.date | None
    how: str = ""  # e.g. "Signed electronically" or "Wet signature held in the office"
    step: str = ""  # the sign-off step's code, e.g. "sign_off" (what `role` signed as)
    signed_on_precision: str = Precision.DAY

    signed = PreciseDateAttribute("signed_on")


@dataclass(frozen=True)
class PublicCorrection:
    """A transcription fix to a record taken on paper: when, and why (never by whom)."""

    made_on: datetime.date
    reason: str

    @property
    def in_words(self) -> str:
        """What every public surface says of it: 'Corrected on 3 March 2026: reason'."""
        return f"Corrected on {self.made_on.day} {self.made_on:%B %Y}: {self.reason}"


@dataclass(frozen=True)
class PublicAward(AwardedTo):
    recipient: str  # empty for a round of grants recorded as a whole
    amount: Decimal  # for a round, its total
    purpose: str
    applications: int | None = None  # a round's applications, and how many were funded
    funded: int | None = None
    conditions: str = ""
    crime_reduction: str = ""  # why it serves crime reduction


@dataclass(frozen=True)
class PublicLink:
    kind: str
    reference: str
    title: str
    url: str  # the register's page; for a decision outside it, the address given, if any
    date: datetime.date | None = None  # given for a decision outside the register
    outside_register: bool = False


@dataclass(frozen=True)
class PublicProvider:
    """A provider the decision concerns directly, and its role."""

    name: str
    role: str  # in words
    role_code: str = ""


@dataclass(frozen=True)
class PublicDelegation:
    """The delegation a delegate decided under, as the public sees it: who, under which
    instrument, from when to when, and the delegations it was made under (nearest first)."""

    delegate_name: str
    delegate_role: str
    instrument: str
    instrument_reference: str
    instrument_url: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    made_under: list["PublicDelegation"] = field(default_factory=list)
