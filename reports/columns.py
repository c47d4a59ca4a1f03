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

import re
from collections.abc import Sequence

from wcwidth import wcswidth

__all__ = ["columns", "pad", "width", "wrap"]


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


_PIECES = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+"
)
#: Full-width punctuation that never starts a line (GB/T 15834's 标点 rules, in short).
_NO_LINE_START = set("，。；：、！？）」』》”’")


def wrap(text: str, size: int) -> list[str]:
    """``text`` in lines of at most ``size`` display columns: Latin words are kept whole,
    Chinese breaks between any two characters, but not before a closing punctuation mark.

    Example:
        >>> wrap("将逾期事项的督办等级升为重点，并列出挂牌候选（可重复运行）", 20)
        ['将逾期事项的督办等级', '升为重点，并列出挂牌', '候选（可重复运行）']
        >>> wrap("serve the API and the dashboard", 12)
        ['serve the', 'API and the', 'dashboard']
    """
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(" ".join(text.split())):
        if piece.isspace():
            line += " " if line else ""
            continue
        if line and width(line + piece) > size and piece not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines
