"""The year's picture drawn on the server as SVG, as charts.py draws status by theme.

Three small panels one above the other (open, overdue, at risk), each named in words at its
top, with a bar per point and the number written above it: nothing is told by colour alone
(the fills also differ in pattern), and the page gives the same figures in a table. All three
panels share one scale, so overdue and at risk read as parts of the open actions.
"""

from dataclasses import dataclass

from .year import YearPoint

WIDTH = 640
LEFT = 4
# A plan's year has twelve month ends (thirteen when it starts mid-month); a shorter run so
# far keeps the bars the width they will have, drawn from the left.
MIN_COLUMNS = 12
LABEL_ROOM = 26  # the panel's name above its bars
NUMBER_ROOM = 20  # the numbers above the tallest bar
BAR_MAX = 64
PANEL_GAP = 14
AXIS_ROOM = 42  # month names, and the year under the first and each January

# (key, words, fill, pattern): the tag colours of static/css/app.css, as in charts.STYLES.
SERIES = (
    ("open", "Open", "#d2e2f1", "plain"),
    ("overdue", "Overdue", "#f4d7d7", "crosshatch"),
    ("at_risk", "At risk or off track, not overdue", "#ffee80", "diagonal"),
)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def label_y(self) -> float:
        return self.y - 5


@dataclass
class Panel:
    key: str
    words: str
    fill: str
    pattern: str
    top: float
    baseline: float
    bars: list[Bar]
    latest: int

    @property
    def pattern_id(self) -> str:
        return f"year-pattern-{self.key}"

    @property
    def label_y(self) -> float:
        return self.top + 18


@dataclass
class Tick:
    x: float
    month: str
    year: str  # under the first point and each January, else ""


@dataclass
class YearChart:
    points: list[YearPoint]
    panels: list[Panel]
    ticks: list[Tick]
    width: int
    height: int
    right: int
    axis_y: float

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def last_day(self):
        return self.points[-1].day

    @property
    def month_y(self) -> float:
        return self.axis_y + 18

    @property
    def year_y(self) -> float:
        return self.axis_y + 36

    @property
    def trend(self) -> str:
        """The chart's text alternative: where each line started and ended, and the worst."""
        first, last = self.points[0], self.points[-1]
        said = (
            f"From {first.day:%-d %B %Y} to {last.day:%-d %B %Y}: open actions went from "
            f"{first.open} to {last.open}, overdue from {first.overdue} to {last.overdue}, "
            f"at risk or off track and not overdue from {first.at_risk} to {last.at_risk}."
        )
        worst = max(self.points, key=lambda p: (p.overdue, p.day))
        if worst.overdue and worst is not last:
            said += f" Overdue was highest, {worst.overdue}, on {worst.day:%-d %B %Y}."
        return said


def year_chart(points: list[YearPoint]) -> YearChart:
    columns = max(len(points), MIN_COLUMNS)
    column = (WIDTH - LEFT) / columns
    bar_width = column * 0.62
    top_count = max((p.open for p in points), default=0) or 1
    panel_height = LABEL_ROOM + NUMBER_ROOM + BAR_MAX
    panels = []
    for i, (key, words, fill, pattern) in enumerate(SERIES):
        top = i * (panel_height + PANEL_GAP)
        baseline = top + panel_height
        bars = []
        for n, point in enumerate(points):
            count = getattr(point, key)
            height = BAR_MAX * count / top_count
            x = LEFT + n * column + (column - bar_width) / 2
            bars.append(Bar(x, baseline - height, bar_width, height, count))
        latest = getattr(points[-1], key) if points else 0
        panels.append(Panel(key, words, fill, pattern, top, baseline, bars, latest))
    axis_y = len(SERIES) * (panel_height + PANEL_GAP) - PANEL_GAP
    ticks = [
        Tick(
            LEFT + n * column + column / 2,
            f"{point.day:%b}",
            f"{point.day:%Y}" if n == 0 or point.day.month == 1 else "",
        )
        for n, point in enumerate(points)
    ]
    return YearChart(
        points=points,
        panels=panels,
        ticks=ticks,
        width=WIDTH,
        height=int(axis_y + AXIS_ROOM),
        right=WIDTH - LEFT,
        axis_y=axis_y,
    )
