"""Plain-text columns that line up with Chinese text.

A Chinese character takes two columns of a terminal, a Latin letter one
(``wcwidth``); ``str.ljust`` counts characters, so a table of unit names padded
with it drifts. These pad and size by display width, and never cut a name.

Example:
    >>> rows = [["单位", "总数"], ["开封市禹王台区汪屯乡人民政府", "3"], ["KF", "12"]]
    >>> for line in columns(rows, right=[1]):
    ...     print(line)
    单位                         总数
    开封市禹王台区汪屯乡人民政府    3
    KF                             12
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth

__all__ = ["columns", "pad", "width"]


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal (a CJK character takes two)."""
    found = wcswidth(text)
    return found if found >= 0 else len(text)  # a control character: count it as one


def pad(text: str, size: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``size`` display columns (aligned right if asked);
    a longer text is left whole."""
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def columns(rows: Sequence[Sequence[str]], *, right: Sequence[int] = (), gap: int = 1) -> list[str]:
    """``rows`` (the first one the heading) as lines whose columns line up; the columns
    numbered in ``right`` are aligned right (numbers)."""
    if not rows:
        return []
    count = max(len(row) for row in rows)
    sizes = [max(width(row[i]) if i < len(row) else 0 for row in rows) for i in range(count)]
    lines = []
    for row in rows:
        cells = [
            pad(row[i] if i < len(row) else "", sizes[i], right=i in right) for i in range(count)
        ]
        lines.append((" " * gap).join(cells).rstrip())
    return lines
