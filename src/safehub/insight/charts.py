"""Static charts (matplotlib, Agg backend) readable at a glance: SVG for pages and the report, PNG to download.

Every chart labels its bars or points with their values, so nobody needs to read an axis, and
uses the GOV.UK palette with a pattern-free design that survives greyscale printing.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402

BLUE, ORANGE, GREEN, GREY, PURPLE, BLACK = "#1d70b8", "#f47738", "#00703c", "#505a5f", "#4c2c92", "#0b0c0c"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, GREY)
_lock = threading.Lock()  # pyplot's state is global; charts are small, so draw one at a time

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": GREY, "axes.labelcolor": BLACK, "xtick.color": BLACK, "ytick.color": BLACK,
    "svg.fonttype": "none", "svg.hashsalt": "safehub",
})  # fmt: skip


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("rate", "hours"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    unit: str = "count",
    horizontal: bool = False,
    width: float = 8.0,
) -> Figure:
    """Return a grouped bar chart: one group per category, one bar per series, values written on."""
    count = max(len(series), 1)
    height = min(9.0, max(2.4, 0.2 * len(categories) * count + 0.25 * len(categories) + 1.0)) if horizontal else 3.6
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    step = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        positions = [i - 0.4 + step * (index + 0.5) for i in range(len(categories))]
        heights = [v or 0 for v in values]
        colour = PALETTE[index % len(PALETTE)]
        bars = (ax.barh(positions, heights, height=step * 0.9, color=colour, label=name) if horizontal
                else ax.bar(positions, heights, width=step * 0.9, color=colour, label=name))  # fmt: skip
        ax.bar_label(bars, labels=[shown(v, unit) for v in values], padding=3, fontsize=9)
    if horizontal:
        ax.set_yticks(range(len(categories)), labels=list(categories))
        ax.invert_yaxis()
        ax.margins(x=0.18)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
    else:
        ax.set_xticks(range(len(categories)), labels=list(categories))
        ax.margins(y=0.15)
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
        if max((len(c) for c in categories), default=0) * len(categories) > 70:
            ax.tick_params(axis="x", labelrotation=30)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
    if unit == "percent" and horizontal:
        ax.set_xlim(0, 115)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold", color=BLACK)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=9, loc="upper right" if not horizontal else "lower right")
    fig.tight_layout()
    return fig


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    unit: str = "count",
    width: float = 8.0,
) -> Figure:
    """Return a line chart over periods (months or quarters), each point's value written beside it."""
    fig = Figure(figsize=(width, 3.8), dpi=100)
    ax = fig.subplots()
    xs = list(range(len(labels)))
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour, linewidth=2, label=name)
        if index == 0:
            for x, v in points:
                ax.annotate(shown(v, unit), (x, v), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    ax.set_xticks(xs, labels=list(labels))
    ax.tick_params(axis="x", labelsize=9, labelrotation=45 if len(labels) > 6 else 0)
    if unit == "percent":
        ax.set_ylim(0, 105)
    else:
        ax.set_ylim(bottom=0)
        ax.margins(y=0.2)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold", color=BLACK)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def render(fig: Figure, fmt: str = "svg") -> bytes:
    """Return the figure as SVG or PNG bytes."""
    buffer = io.BytesIO()
    with _lock:
        fig.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else 100, metadata={"Date": None}
                    if fmt == "svg" else None)  # fmt: skip
    return buffer.getvalue()
