"""A picture of status by theme, drawn on the server as SVG: no JavaScript, no chart library.

Readable without colour: each status has its own fill pattern as well as its colour (the
colours are the status tags'), every segment wide enough carries its count, the legend shows
the patterns with their names, and the page puts the same figures in a table under it.
"""

from dataclasses import dataclass

from ..models import Status
from ..reporting import STATUS_ORDER, MatrixRow

WIDTH = 960
LABEL_WIDTH = 300
BAR_WIDTH = WIDTH - LABEL_WIDTH - 60  # room on the right for the row's total
ROW_HEIGHT = 40
BAR_HEIGHT = 26
TOP = 10
LEGEND_ROW = 30
LEGEND_COLUMNS = 4
MAX_LABEL_CHARS = 38
# Narrower than this, a segment's count would not fit inside it; the table still has it.
MIN_WIDTH_FOR_COUNT = 26

# (fill colour, pattern) per status: the tag colours of static/css/app.css, and a pattern
# that tells the statuses apart in greyscale print or for people who do not see the colours.
STYLES = {
    Status.OFF_TRACK: ("#f4d7d7", "crosshatch"),
    Status.AT_RISK: ("#ffee80", "diagonal"),
    Status.NOT_STARTED: ("#cecece", "dots"),
    Status.ON_TRACK: ("#cfe4dc", "plain"),
    Status.COMPLETED: ("#d2e2f1", "horizontal"),
    Status.DEFERRED: ("#ddd6ec", "vertical"),
    Status.CANCELLED: ("#ffffff", "backslash"),
}


@dataclass
class Segment:
    status: Status
    count: int
    x: float
    width: float

    @property
    def pattern_id(self) -> str:
        return f"chart-pattern-{self.status.value}"

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def count_box_x(self) -> float:
        return self.label_x - 11

    @property
    def show_count(self) -> bool:
        return self.width >= MIN_WIDTH_FOR_COUNT


@dataclass
class Bar:
    label: str
    full_label: str
    total: int
    y: float
    segments: list[Segment]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT / 2 + 5

    @property
    def count_box_y(self) -> float:
        return self.y + 4

    @property
    def total_x(self) -> float:
        return LABEL_WIDTH + sum(s.width for s in self.segments) + 8


@dataclass
class LegendItem:
    status: Status
    x: float
    y: float

    @property
    def pattern_id(self) -> str:
        return f"chart-pattern-{self.status.value}"

    @property
    def text_x(self) -> float:
        return self.x + 36

    @property
    def text_y(self) -> float:
        return self.y + 15


@dataclass
class Pattern:
    status: Status
    fill: str
    kind: str

    @property
    def id(self) -> str:
        return f"chart-pattern-{self.status.value}"


@dataclass
class StatusChart:
    bars: list[Bar]
    legend: list[LegendItem]
    patterns: list[Pattern]
    width: int
    height: int
    label_width: int
    bar_height: int

    @property
    def label_x(self) -> int:
        return self.label_width - 10

    @property
    def empty(self) -> bool:
        return not self.bars


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def status_by_theme(rows: list[MatrixRow]) -> StatusChart:
    """Stacked horizontal bars, one per theme row of reporting.theme_matrix."""
    longest = max((row.counts.total for row in rows), default=0) or 1
    scale = BAR_WIDTH / longest
    bars = []
    for i, row in enumerate(rows):
        x = float(LABEL_WIDTH)
        segments = []
        for status in STATUS_ORDER:
            count = row.counts.of(status)
            if count:
                segments.append(Segment(status, count, x, count * scale))
                x += count * scale
        bars.append(
            Bar(_short(row.label), row.label, row.counts.total, TOP + i * ROW_HEIGHT, segments)
        )
    legend_top = TOP + len(rows) * ROW_HEIGHT + 20
    column_width = WIDTH / LEGEND_COLUMNS
    legend = [
        LegendItem(
            status,
            (i % LEGEND_COLUMNS) * column_width,
            legend_top + (i // LEGEND_COLUMNS) * LEGEND_ROW,
        )
        for i, status in enumerate(STATUS_ORDER)
    ]
    legend_rows = -(-len(STATUS_ORDER) // LEGEND_COLUMNS)
    return StatusChart(
        bars=bars,
        legend=legend,
        patterns=[Pattern(status, *STYLES[status]) for status in STATUS_ORDER],
        width=WIDTH,
        height=int(legend_top + legend_rows * LEGEND_ROW + 10),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )
