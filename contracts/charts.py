"""Spend charts drawn on the server: horizontal bars in SVG, with the table beside them.

The table (`Chart.bars`) is the content; the picture is a view of it for those who can see
it, with its own title and description (role="img"). Each bar's label sits above it and its
amount after it, so the text stays readable when the picture is shrunk to a phone's width.
Contracts with no recorded value are never drawn as £0: a chart counts them apart
(`not_recorded`), and its table says how many there are.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from commissioning.money import pounds

WIDTH = 400  # the picture's own units; it is drawn at the width of its column
LABEL_HEIGHT = 18  # the label's line above each bar
BAR_HEIGHT = 16
ROW_GAP = 12
AMOUNT_ROOM = 130  # after the longest bar, for "£12,345,678.00"
LABEL_CHARACTERS = 46  # a longer label is cut short in the picture (the table has it whole)
BAR_COLOUR = "#1d70b8"  # GOV.UK blue
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    """One group's spend: what the contracts with a recorded value add up to."""

    label: str
    amount: Decimal
    contracts: int  # with a recorded value, counted in `amount`
    annual_only: int = 0  # of those, how many count their annual value (no total recorded)
    groups: int = 1  # how many groups this bar stands for ("Other providers" holds several)


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: the ids of the picture's title and description
    title: str  # "Spend by provider"
    group_heading: str  # the table's first column: "Provider"
    bars: list[Bar] = field(default_factory=list)
    not_recorded: int = 0  # contracts with no recorded value, counted apart

    @property
    def total(self) -> Decimal:
        return sum((bar.amount for bar in self.bars), Decimal(0))

    @property
    def contracts(self) -> int:
        return sum(bar.contracts for bar in self.bars)

    @property
    def annual_only(self) -> int:
        return sum(bar.annual_only for bar in self.bars)

    def svg(self) -> SafeString:
        return draw(self)


def top_with_others(bars: list[Bar], keep: int, others: str) -> list[Bar]:
    """The `keep` largest bars, largest first, and one bar summing the rest, labelled
    `others` with how many groups it holds ("Other providers (12)")."""
    ordered = sorted(bars, key=lambda bar: (-bar.amount, bar.label))
    if len(ordered) <= keep + 1:
        return ordered
    rest = ordered[keep:]
    groups = sum(bar.groups for bar in rest)
    combined = Bar(
        label=f"{others} ({groups})",
        amount=sum((bar.amount for bar in rest), Decimal(0)),
        contracts=sum(bar.contracts for bar in rest),
        annual_only=sum(bar.annual_only for bar in rest),
        groups=groups,
    )
    return [*ordered[:keep], combined]


def latest_with_earlier(bars: list[Bar], keep: int, earlier: str) -> list[Bar]:
    """Bars in time order (as given), the last `keep` of them after one bar summing the
    earlier ones, labelled `earlier`."""
    if len(bars) <= keep + 1:
        return bars
    combined = top_with_others(bars[:-keep], 0, earlier)[0]
    return [replace(combined, label=earlier), *bars[-keep:]]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def draw(chart: Chart) -> SafeString:
    """The chart as an inline SVG picture: a labelled bar per row of its table, each as long
    as its amount is against the largest."""
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = max(len(chart.bars), 1) * row_height
    largest = max((bar.amount for bar in chart.bars), default=Decimal(0))
    room = WIDTH - AMOUNT_ROOM
    rows = []
    for index, bar in enumerate(chart.bars):
        top = index * row_height
        length = 0 if not largest else max(float(bar.amount / largest) * room, 1.0)
        rows.append(
            (
                top + LABEL_HEIGHT - 5,
                _cut(bar.label),
                top + LABEL_HEIGHT,
                f"{length:.1f}",
                BAR_HEIGHT,
                f"{length + 6:.1f}",
                top + LABEL_HEIGHT + BAR_HEIGHT - 3,
                pounds(bar.amount),
            )
        )
    description = (
        f"{len(chart.bars)} bars, one for each row of the table that follows, "
        f"largest {pounds(largest)}. "
        + (
            f"{chart.not_recorded} contract{' has' if chart.not_recorded == 1 else 's have'} "
            "no recorded value and no bar."
            if chart.not_recorded
            else ""
        )
    ).strip()
    bars = format_html_join(
        "",
        '<text x="0" y="{}">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" fill="' + BAR_COLOUR + '"></rect>'
        '<text x="{}" y="{}">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" aria-describedby="{}-desc" '
        'focusable="false" font-size="14" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart.key,
        chart.key,
        TEXT_COLOUR,
        chart.key,
        chart.title,
        chart.key,
        description,
        bars,
    )
