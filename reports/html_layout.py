"""The briefing as one HTML page ready to print (A4, GB/T 9704 margins), all text escaped.

The page's only style sheet is :data:`PRINT_CSS`; ``api.downloads`` admits it
by its hash in the Content-Security-Policy, and the chart as a data: URI.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator, Sequence

from reports.chart import closure_rate_chart
from reports.snapshot import Snapshot
from reports.words import (
    GROUP_WIDTHS_MM,
    LATE_ACCEPTANCE_HEADER,
    LATE_ACCEPTANCE_WIDTHS_MM,
    OVERDUE_HEADER,
    OVERDUE_WIDTHS_MM,
    REGION_HEADER,
    SECTIONS,
    UNIT_HEADER,
    BriefingText,
    byline,
    chinese_date,
    clocks_paragraphs,
    group_rows,
    late_acceptance_rows,
    next_steps_paragraphs,
    overdue_intro,
    overdue_rows,
    paragraphs,
    summons_paragraph,
)

__all__ = ["PRINT_CSS", "render_html"]

PRINT_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong",
       "WenQuanYi Micro Hei", serif; font-size: 16pt; line-height: 28pt; color: #000;
       max-width: 156mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体",
     "WenQuanYi Micro Hei", serif; font-size: 22pt; font-weight: normal; text-align: center;
     line-height: 1.4; margin: 0 0 8pt; }
.number, .byline { text-align: center; margin: 0; }
.byline { margin-bottom: 16pt; }
h2 { font-family: "SimHei", "黑体", "WenQuanYi Micro Hei", sans-serif; font-size: 16pt;
     font-weight: normal; margin: 14pt 0 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
.caption { text-indent: 0; text-align: center; font-family: "KaiTi_GB2312", "楷体_GB2312",
           "KaiTi", "楷体", "WenQuanYi Micro Hei", serif; margin-top: 8pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 11pt;
        line-height: 1.4; margin: 4pt 0 10pt; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center;
         overflow-wrap: anywhere; }
td.text { text-align: left; }
figure { margin: 8pt 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 100%; }
.note { font-size: 12pt; text-indent: 0; margin-top: 16pt; }
@media screen { body { background: #fff; } }
"""

_TEXT_COLUMNS = {1, 2, 3}


def _html_table(caption: str, header: Sequence[str], rows: Iterator[tuple[str, ...]],
                text_columns: set[int], widths_mm: Sequence[int]) -> list[str]:  # fmt: skip
    total = sum(widths_mm)
    # Attributes, not style="": the page's CSP admits its own style sheet only.
    columns = "".join(f'<col width="{width * 100 // total}%">' for width in widths_mm)
    out = [f'<p class="caption">{html.escape(caption)}</p>', "<table>"]
    out += [f"<colgroup>{columns}</colgroup>", "<thead><tr>"]
    out += [f"<th>{html.escape(cell)}</th>" for cell in header]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        cells = "".join(
            f'<td class="text">{html.escape(cell)}</td>'
            if index in text_columns
            else f"<td>{html.escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render_html(snapshot: Snapshot, text: BriefingText, *, chart_png: bytes | None = None) -> str:
    """The briefing as one HTML page ready to print (A4, GB/T 9704 margins); all text escaped.

    ``chart_png`` (default: drawn now) is embedded as a data: URI, which the
    app's Content-Security-Policy admits (``img-src 'self' data:``).
    """
    esc = html.escape
    prose = paragraphs(snapshot)
    png = chart_png if chart_png is not None else closure_rate_chart(snapshot.by_unit)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(text.title)}{esc(text.number)}</title>",
        f"<style>{PRINT_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(text.title)}</h1>",
        f'<p class="number">{esc(text.number)}</p>',
        f'<p class="byline">{esc(byline(text))}</p>',
    ]
    for section in SECTIONS[:4]:
        out.append(f"<h2>{esc(section)}</h2>")
        out += [f"<p>{esc(paragraph)}</p>" for paragraph in prose[section]]
        if section == SECTIONS[0]:
            out += _html_table("表1　各责任单位办理情况", UNIT_HEADER,
                               group_rows(snapshot.by_unit), {1}, GROUP_WIDTHS_MM)  # fmt: skip
            out += _html_table("表2　各县区办理情况", REGION_HEADER,
                               group_rows(snapshot.by_region), {1}, GROUP_WIDTHS_MM)  # fmt: skip
            if png:
                data = base64.b64encode(png).decode("ascii")
                out += [
                    "<figure>",
                    f'<img alt="图1　各责任单位办结率" src="data:image/png;base64,{data}">',
                    '<p class="caption">图1　各责任单位办结率</p>',
                    "</figure>",
                ]
    out += [f"<h2>{esc(SECTIONS[4])}</h2>", f"<p>{esc(overdue_intro(snapshot))}</p>"]
    if snapshot.overdue:
        out += _html_table("表3　超期未办结事项", OVERDUE_HEADER,
                           overdue_rows(snapshot.overdue), _TEXT_COLUMNS,
                           OVERDUE_WIDTHS_MM)  # fmt: skip
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in clocks_paragraphs(snapshot)]
    if snapshot.late_acceptances:
        out += _html_table("表4　未按时签收事项", LATE_ACCEPTANCE_HEADER,
                           late_acceptance_rows(snapshot.late_acceptances), _TEXT_COLUMNS,
                           LATE_ACCEPTANCE_WIDTHS_MM)  # fmt: skip
    out.append(f"<p>{esc(summons_paragraph(snapshot))}</p>")
    out.append(f"<h2>{esc(SECTIONS[5])}</h2>")
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in next_steps_paragraphs(text.next_steps)]
    out += [
        f'<p class="note">统计截至{esc(chinese_date(snapshot.period_end))}24时；'
        "比率为小数点后一位的百分数。</p>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)
