"""Draw the report's charts as PNG files with matplotlib and Noto Sans CJK (no pyplot, no global state)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager, patheffects
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from cbec.core.regions import Ring, city_outlines

FONT_FAMILY = "Noto Sans CJK SC"
DPI = 200
WIDTH_IN = 6.6  # the A4 text width at the report's margins
COLOR = "#2b6cb0"
SECOND = "#dd6b20"
HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


class FontMissing(RuntimeError):
    """The CJK font the charts need is not installed."""


def cjk_font_path() -> str:
    """Return the file of Noto Sans CJK SC as matplotlib's font manager knows it; fail clearly if missing."""
    for entry in font_manager.fontManager.ttflist:
        if entry.name == FONT_FAMILY:
            return str(entry.fname)
    raise FontMissing(
        f"the font {FONT_FAMILY!r} is not installed: install the Debian package fonts-noto-cjk "
        "(make system-deps) so that charts can show Chinese"
    )


@contextmanager
def _style() -> Iterator[None]:
    cjk_font_path()
    with mpl.rc_context(
        {
            "font.family": [FONT_FAMILY],
            "axes.unicode_minus": False,
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        yield


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI, bbox_inches="tight", facecolor="white")
    return path


def bar_chart(path: Path, labels: Sequence[str], values: Sequence[float], title: str) -> Path:
    """Draw horizontal bars, largest on top, with their values written beside them."""
    with _style():
        figure = Figure(figsize=(WIDTH_IN, max(1.6, 0.28 * len(labels) + 0.8)))
        axes = figure.subplots()
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, values, color=COLOR)
        axes.set_yticks(positions, labels)
        axes.set_title(title, loc="left", fontsize=9)
        top = max(values, default=0) or 1
        whole = all(float(v).is_integer() for v in values)
        for y, value in zip(positions, values, strict=True):
            text = f"{value:,.0f}" if whole or value >= 100 else f"{value:,.2f}"
            axes.text(value + top * 0.01, y, text, va="center", fontsize=7)
        axes.set_xlim(0, top * 1.15)
        return _save(figure, path)


def trade_chart(
    path: Path,
    years: Sequence[int],
    totals: Sequence[float],
    reported: Sequence[float | None],
    computed: Sequence[float | None],
    labels: Mapping[str, str],
) -> Path:
    """Draw the yearly totals as bars and the reported and computed growth as lines on a second axis."""
    with _style():
        figure = Figure(figsize=(WIDTH_IN, 2.8))
        axes = figure.subplots()
        axes.bar(years, totals, color=COLOR, label=labels["total"])
        axes.set_ylabel(labels["total"])
        growth = axes.twinx()
        growth.spines["right"].set_visible(True)
        for values, color, style, name in (
            (reported, SECOND, "-o", "reported"),
            (computed, "#2f855a", "--s", "computed"),
        ):
            points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
            growth.plot(
                [p[0] for p in points], [p[1] for p in points], style, color=color, label=labels[name], markersize=4
            )
        growth.set_ylabel("%")
        axes.set_title(labels["title"], loc="left", fontsize=9)
        handles = axes.get_legend_handles_labels()[0] + growth.get_legend_handles_labels()[0]
        axes.legend(handles=handles, loc="upper left", fontsize=7, frameon=False)
        return _save(figure, path)


def _label_point(rings: list[Ring]) -> tuple[float, float]:
    """Return the centroid of a city's largest ring (where its name is written)."""

    def signed_area(ring: Ring) -> float:
        return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2

    ring = max(rings, key=lambda r: abs(signed_area(r)))
    area = signed_area(ring)
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    x = sum((a[0] + b[0]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairs) / (6 * area)
    y = sum((a[1] + b[1]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairs) / (6 * area)
    return x, y


def choropleth(path: Path, values: Mapping[str, float], names: Mapping[str, str], title: str) -> Path:
    """Shade Zhejiang's 11 cities by a value (region code -> value) and write each city's name and value."""
    outlines = city_outlines()
    norm = Normalize(vmin=0, vmax=max(values.values(), default=0) or 1)
    cmap = mpl.colormaps["Blues"]
    with _style():
        figure = Figure(figsize=(WIDTH_IN, 4.6))
        axes = figure.subplots()
        for code, rings in outlines.items():
            shade = cmap(0.12 + 0.88 * norm(values.get(code, 0.0)))
            axes.add_collection(PolyCollection(rings, facecolors=[shade], edgecolors="#444444", linewidths=0.4))
            x, y = _label_point(rings)
            axes.text(
                x,
                y,
                f"{names.get(code, code)}\n{values.get(code, 0.0):,.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="#1a202c",
                path_effects=HALO,
            )
        axes.set_xlim(118.0, 123.3)
        axes.set_ylim(27.0, 31.3)
        axes.set_aspect(1 / 0.87)  # cos(29.5°): degrees of longitude are shorter than degrees of latitude here
        axes.set_axis_off()
        axes.set_title(title, loc="left", fontsize=9)
        figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.6, pad=0.01)
        return _save(figure, path)
