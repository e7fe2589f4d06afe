"""The timeline picture: contracts as bars over time, so officers see what runs out when.

`build_timeline` lays the picture out in plain numbers (SVG user units); the template
draws it. Each contract is a row: its original term, then each extension or variation as a
differently drawn segment, with the dates of the decisions about it marked. Rows are grouped
by provider or by lot; procurement phases get rows of their own, and a line marks today.
The same facts are listed in a table beside the picture for screen readers.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

WIDTH = 960
LABEL_WIDTH = 300
RIGHT_MARGIN = 16
AXIS_HEIGHT = 32
ROW_HEIGHT = 30
GROUP_HEIGHT = 30
BAR_HEIGHT = 14
LABEL_CHARACTERS = 42

GROUPINGS = {"provider": "Provider", "lot": "Lot"}


def long_date(day: datetime.date) -> str:
    """'31 March 2024'. Formatted directly: Django's date_format looks up the locale's
    formats on every call, and the timeline writes several dates for each of its rows."""
    return f"{day:%-d %B %Y}"


def shorten(text: str, length: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass
class Segment:
    kind: str  # "term", "extension", "variation" or "phase"
    start: datetime.date
    end: datetime.date
    x: float = 0
    width: float = 0
    description: str = ""
    shown: bool = True  # False when it lies wholly outside the years drawn


@dataclass
class Marker:
    kind: str  # "decision", "notice" or "service-start"
    on: datetime.date
    description: str
    x: float = 0
    points: str = ""
    shown: bool = True


@dataclass
class Row:
    label: str
    full_label: str
    segments: list[Segment] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    y: float = 0
    bar_y: float = 0
    text_y: float = 0
    contract: object = None
    phase: object = None


@dataclass
class Group:
    label: str
    rows: list[Row] = field(default_factory=list)
    y: float = 0
    text_y: float = 0


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    groups: list[Group]
    ticks: list[Tick]
    start: datetime.date
    end: datetime.date
    today: datetime.date
    today_x: float | None
    width: int = WIDTH
    height: float = 0
    chart_top: float = AXIS_HEIGHT
    label_width: int = LABEL_WIDTH

    @property
    def contract_rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows if row.contract is not None]

    @property
    def phase_rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows if row.phase is not None]

    @property
    def is_empty(self) -> bool:
        return not any(group.rows for group in self.groups)


def contract_row(contract, decisions: Iterable) -> Row:
    """A contract's bar: its original term, then each extension or variation in turn.

    A term known to the month or the year is drawn over the whole period it names; a term
    whose start or end is not recorded has no bar, and its row says so."""
    changes = sorted(contract.extensions.all(), key=lambda e: (e.created_at, e.pk))
    original_end = changes[0].previous_ends if changes else contract.ends
    starts = contract.starts
    row = Row(
        label=shorten(f"{contract.reference} {contract.title}"),
        full_label=f"{contract.reference} {contract.title} ({provider_name(contract)})",
        contract=contract,
    )
    if starts and original_end:
        row.segments.append(
            Segment(
                "term",
                starts.first_day,
                max(original_end.last_day, starts.first_day),
                description=f"Term {starts} to {original_end}",
            )
        )
    for change in changes:
        start = min(change.previous_ends_on, change.new_ends_on)
        end = max(change.previous_ends_on, change.new_ends_on)
        row.segments.append(
            Segment(
                change.kind,
                start,
                end,
                description=(
                    f"{change.get_kind_display()} from {change.previous_ends} "
                    f"to {long_date(change.new_ends_on)}: {change.basis.label}"
                ),
            )
        )
    mark_decisions(
        row,
        [
            (each.reference, each.decided.first_day, str(each.decided))
            for each in decisions
            if each.decided
        ],
    )
    return row


def mark_decisions(row: Row, decisions: Iterable[tuple[str, datetime.date, str]]) -> None:
    """A diamond on `row` for each decision, given as its reference, the day it was taken
    and that date in words; a decision named twice is marked once."""
    seen = set()
    for reference, day, words in decisions:
        if reference not in seen:
            seen.add(reference)
            row.markers.append(Marker("decision", day, f"Decision {reference}, {words}"))


def provider_name(contract) -> str:
    return contract.provider.name if contract.provider_id else "provider not recorded"


def phase_row(phase) -> Row:
    row = Row(
        label=shorten(f"{phase.name} ({phase.programme})"),
        full_label=f"{phase.programme}: {phase.name}",
        phase=phase,
    )
    if phase.starts and phase.ends:
        row.segments.append(
            Segment(
                "phase",
                phase.starts.first_day,
                max(phase.ends.last_day, phase.starts.first_day),
                description=f"Procurement {phase.starts} to {phase.ends}",
            )
        )
    if phase.prior_information_notice:
        row.markers.append(
            Marker(
                "notice",
                phase.prior_information_notice.first_day,
                f"Prior Information Notice, {phase.prior_information_notice}",
            )
        )
    if phase.service_starts:
        row.markers.append(
            Marker(
                "service-start",
                phase.service_starts.first_day,
                f"New services start, {phase.service_starts}",
            )
        )
    return row


def group_label(contract, group_by: str) -> tuple[tuple, str]:
    """The sort key and the heading of the group a contract belongs to."""
    if group_by == "lot":
        lot = contract.lot
        if lot is None:
            return ((1, "", 0), "No lot")
        phase = lot.phase
        return (
            (0, f"{phase.programme}/{phase.name}", lot.number),
            f"{phase.programme}, {phase.name}: {lot}",
        )
    if not contract.provider_id:
        return ((1, "", 0), "Provider not recorded")
    return ((0, contract.provider.name.lower(), 0), str(contract.provider))


def build_timeline(
    contracts: Iterable,
    phases: Iterable = (),
    *,
    group_by: str = "provider",
    today: datetime.date,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> Timeline:
    """Lay out the picture. Contracts need their provider, lot, extensions and decisions.

    `window` (start, end) fixes the years drawn; bars are cut at its edges and markers
    outside it are left out of the picture (the table still lists them). Without a window
    the picture spans every date given.
    """
    groups: dict[tuple, Group] = {}
    for contract in contracts:
        decisions = list(contract.decisions.all()) + [
            e.authorising_decision for e in contract.extensions.all() if e.authorising_decision
        ]
        key, label = group_label(contract, group_by)
        groups.setdefault(key, Group(label=label)).rows.append(contract_row(contract, decisions))
    ordered = [groups[key] for key in sorted(groups)]
    phase_rows = [
        phase_row(phase) for phase in phases if phase.starts_on or phase.service_starts_on
    ]
    if phase_rows:
        ordered.append(Group(label="Procurement phases", rows=phase_rows))
    return lay_out(ordered, today=today, window=window)


def lay_out(
    ordered: list[Group],
    *,
    today: datetime.date,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> Timeline:
    """Place the groups' rows, their bars and markers, the years and today in the picture.
    The public page of a contract draws its one row this way too."""
    if window:
        start, end = window
    else:
        dates = [today]
        for group in ordered:
            for row in group.rows:
                dates.extend(d for s in row.segments for d in (s.start, s.end))
                dates.extend(m.on for m in row.markers)
        start = datetime.date(min(dates).year, 1, 1)
        end = datetime.date(max(dates).year + 1, 1, 1)
    span = (end - start).days or 1
    chart_width = WIDTH - LABEL_WIDTH - RIGHT_MARGIN

    def x(day: datetime.date) -> float:
        day = min(max(day, start), end)
        return round(LABEL_WIDTH + (day - start).days / span * chart_width, 1)

    y = AXIS_HEIGHT
    for group in ordered:
        group.y = y
        group.text_y = y + GROUP_HEIGHT * 0.65
        y += GROUP_HEIGHT
        for row in group.rows:
            row.y = y
            row.bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
            row.text_y = y + ROW_HEIGHT * 0.62
            for segment in row.segments:
                segment.shown = segment.start < end and segment.end >= start
                segment.x = x(segment.start)
                segment.width = max(round(x(segment.end) - segment.x, 1), 2)
            for marker in row.markers:
                marker.shown = start <= marker.on < end
                marker.x = x(marker.on)
                middle = row.y + ROW_HEIGHT / 2
                half = 6
                marker.points = (
                    f"{marker.x},{middle - half} {marker.x + half},{middle} "
                    f"{marker.x},{middle + half} {marker.x - half},{middle}"
                )
            y += ROW_HEIGHT

    years = range(start.year, end.year + 1)
    step = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    ticks = [Tick(x(datetime.date(year, 1, 1)), str(year)) for year in years if year % step == 0]
    today_x = x(today) if start <= today <= end else None
    return Timeline(
        groups=ordered,
        ticks=ticks,
        start=start,
        end=end,
        today=today,
        today_x=today_x,
        height=y + 8,
    )
