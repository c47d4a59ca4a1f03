"""The briefing's chart: closure rate per responsible unit, drawn with matplotlib.

It shows the units it is given, in their order from the top: the briefing
gives it the ones that lag most (``reports.words.lagging_units``), 0% ones
included, as a 通报 names who lags. It has no title of its own: the caption
under it (图1 …) is the document's.

Drawn on an Agg canvas (no pyplot, no global state, safe in any thread) in
Noto Sans CJK SC, the font file the ``mplfonts`` package ships (a dependency of
fuyuan, so ``pip install`` brings it): it is loaded from its path and
registered with matplotlib's font manager, so neither system fonts nor
matplotlib's font cache (``MPLCONFIGDIR``) decide whether the chart can be
drawn. Only if that file is missing is an installed CJK font looked for;
without one the chart is still drawn, with a warning, and the Chinese labels
show as boxes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

__all__ = ["CJK_FONTS", "MAX_BARS", "MissingCJKFont", "cjk_font", "closure_rate_chart"]

#: CJK fonts to use, by preference (family names as matplotlib knows them).
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)

#: At most this many bars; the briefing gives ``reports.words.MAX_CHART_BARS`` (the same).
MAX_BARS = 20


class MissingCJKFont(UserWarning):
    """No CJK font is installed: the chart's Chinese labels will not show."""


class RatedGroup(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def closure_rate(self) -> float | None: ...


BUNDLED_FONT = "NotoSansCJKsc-Regular.otf"
"""The font file of the ``mplfonts`` package the chart is drawn in (SIL Open Font License)."""


def bundled_font_path() -> Path | None:
    """The path of :data:`BUNDLED_FONT` inside the installed ``mplfonts`` package, if any.

    Found with ``find_spec`` rather than by importing ``mplfonts``, whose import
    pulls in its command-line helpers.
    """
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / BUNDLED_FONT
        if path.is_file():
            return path
    return None


@functools.cache
def cjk_font() -> FontProperties | None:
    """The bundled Noto Sans CJK SC, else the first installed font of CJK_FONTS, else None."""
    from matplotlib import font_manager

    bundled = bundled_font_path()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
        return font_manager.FontProperties(fname=str(bundled))
    installed = {font.name: font.fname for font in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in installed:
            return font_manager.FontProperties(fname=installed[family])
    return None


def closure_rate_chart(groups: Sequence[RatedGroup], *, dpi: int = 150) -> bytes:
    """A PNG bar chart of the closure rate of the first MAX_BARS ``groups``, top down.

    Groups without a rate are left out; with none left the answer is b"" (no chart).
    A 0% group shows its label at the axis.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rated = [(group.name, group.closure_rate) for group in groups if group.closure_rate is not None]
    rated = rated[:MAX_BARS]
    if not rated:
        return b""
    font = cjk_font()
    if font is None:
        warnings.warn(
            "no CJK font found (reinstall fuyuan: its mplfonts dependency ships one): "
            "the chart's Chinese labels will show as boxes",
            MissingCJKFont,
            stacklevel=2,
        )
    names = [name for name, _ in rated][::-1]
    values = [rate * 100 for _, rate in rated if rate is not None][::-1]
    height = 0.8 + 0.22 * len(rated)  # a page holds the chart of 20 units below two tables
    figure = Figure(figsize=(6.3, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.barh(range(len(values)), values, color="#c0392b", height=0.6)
    axes.set_yticks(range(len(names)), names, fontproperties=font, fontsize=8)
    axes.set_xlim(0, 110)
    axes.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20%", "40%", "60%", "80%", "100%"])
    axes.tick_params(axis="x", labelsize=8)
    for bar, value in zip(bars, values, strict=True):
        axes.text(value + 1, bar.get_y() + bar.get_height() / 2, f"{value:.1f}%",
                  va="center", fontsize=7)  # fmt: skip
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Fixed margins rather than tight_layout(), which draws the figure once more
    # (half the time of the chart); the left one fits a unit name of 16 characters.
    figure.subplots_adjust(left=0.34, right=0.97, top=1 - 0.2 / height, bottom=0.35 / height)
    buffer = io.BytesIO()
    # No metadata: the same figures give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
