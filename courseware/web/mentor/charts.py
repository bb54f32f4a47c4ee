"""Chart geometry for the mentor pages, computed here so that templates only place what they are given.

Every chart is inline SVG or a shaded table drawn from numbers: no script, no network call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


def _fmt(value: float) -> str:
    return f"{value:.1f}"


# ---------------------------------------------------------------------------- area bars


@dataclass(frozen=True)
class AreaBarRow:
    """One area's row: where its label, track, bar, cohort marker and value text go."""

    label: str
    learner: float | None
    cohort: float | None
    y: int  # top of the row
    bar_width: str | None  # None: no answers in this area
    below_cohort: bool
    marker_x: str | None  # None: no cohort average


@dataclass(frozen=True)
class AreaBars:
    """Horizontal 0-100 bars, one per knowledge area, with a tick at the cohort's average."""

    rows: tuple[AreaBarRow, ...]
    ticks: tuple[tuple[int, str], ...]  # (value, x)
    left: int
    width: int
    view_width: int
    height: int


AREA_ROW, AREA_LEFT, AREA_WIDTH, AREA_RIGHT = 34, 122, 200, 150


def area_bars(areas: Sequence[tuple[str, float | None, float | None]]) -> AreaBars:
    """Geometry for (label, learner score, cohort average) rows."""
    def x(value: float) -> str:
        return _fmt(AREA_LEFT + value * AREA_WIDTH / 100)

    rows = tuple(
        AreaBarRow(
            label=label, learner=learner, cohort=cohort, y=i * AREA_ROW + 8,
            bar_width=_fmt(max(learner, 0) * AREA_WIDTH / 100) if learner is not None else None,
            below_cohort=learner is not None and cohort is not None and learner < cohort,
            marker_x=x(cohort) if cohort is not None else None,
        )
        for i, (label, learner, cohort) in enumerate(areas)
    )
    return AreaBars(rows, tuple((tick, x(tick)) for tick in (0, 25, 50, 75, 100)), AREA_LEFT, AREA_WIDTH,
                    AREA_LEFT + AREA_WIDTH + AREA_RIGHT, len(rows) * AREA_ROW + 34)


# ---------------------------------------------------------------------------- completion steps


@dataclass(frozen=True)
class StepDot:
    """A completion: where it is drawn and what its tooltip says."""

    x: str
    y: str
    count: int
    when: datetime


@dataclass(frozen=True)
class StepChart:
    """Modules completed over time as a step line from ``start`` to ``end``."""

    points: str
    dots: tuple[StepDot, ...]
    total: int
    start: datetime
    end: datetime
    width: int = 520
    height: int = 150
    left: int = 34
    top: int = 8
    right: int = 10

    @property
    def baseline(self) -> int:
        """The y of the 0 line."""
        return self.height - 28


def step_chart(steps: Sequence[tuple[datetime, int]], total: int, start: datetime, end: datetime) -> StepChart:
    """Geometry for (when, modules completed by then) steps over [start, end]."""
    chart = StepChart("", (), total, start, end)
    plot_h, plot_w = chart.baseline - chart.top, chart.width - chart.left - chart.right
    t0, span, top_count = start.timestamp(), max(end.timestamp() - start.timestamp(), 1), max(total, 1)
    dots = tuple(
        StepDot(_fmt(chart.left + (when.timestamp() - t0) / span * plot_w), _fmt(chart.baseline - count / top_count * plot_h),
                count, when)
        for when, count in steps
    )
    y = str(chart.baseline)
    points = [f"{chart.left},{y}"]
    for dot in dots:
        points += [f"{dot.x},{y}", f"{dot.x},{dot.y}"]
        y = dot.y
    points.append(f"{chart.width - chart.right},{y}")
    return StepChart(" ".join(points), dots, total, start, end)


# ---------------------------------------------------------------------------- confusion matrix shading


@dataclass(frozen=True)
class MatrixCell:
    """One count of an expected × given matrix and its shade (alpha 0 means unshaded)."""

    count: int
    alpha: float
    diagonal: bool

    @property
    def dark(self) -> bool:
        """Whether the shade is dark enough to need light text (never, with the shades ``shade`` gives)."""
        return self.alpha > MAX_ALPHA


# The shade is #2f6fae over white at this opacity at most: the page's ink (#1d2430) still reads at 4.8:1 on the
# darkest cell (WCAG AA asks 4.5:1).  White text would need an opacity of 0.98 or more, so every cell keeps the ink.
MAX_ALPHA = 0.75


def shade(count: int, largest: int, diagonal: bool) -> MatrixCell:
    """A cell shaded in proportion to the largest count of its matrix (a faint floor so 1 still shows)."""
    alpha = round(0.08 + (MAX_ALPHA - 0.08) * count / largest, 2) if count and largest else 0.0
    return MatrixCell(count, alpha, diagonal)
