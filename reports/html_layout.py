"""The briefing as one HTML page ready to print (A4, GB/T 9704 margins), all text escaped.

The page's only style sheet is :data:`PRINT_CSS`; ``api.downloads`` admits it
by its hash in the Content-Security-Policy, and the chart as a data: URI.
"""

from __future__ import annotations

import base64
import html

from reports.chart import closure_rate_chart
from reports.snapshot import Snapshot
from reports.words import (
    SECTIONS,
    TABLE_FONT_PT,
    BriefingText,
    Table,
    chart_caption,
    chinese_date,
    clocks_paragraphs,
    lagging_units,
    late_acceptance_table,
    next_steps_paragraphs,
    overdue_intro,
    overdue_table,
    paragraphs,
    rated_units,
    region_table,
    summons_paragraph,
    unit_table,
)

__all__ = ["PREVIOUS_PRINT_CSS_HASHES", "PRINT_CSS", "render_html"]

PRINT_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong",
       "WenQuanYi Micro Hei", serif; font-size: 16pt; line-height: 28pt; color: #000;
       max-width: 156mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体",
     "WenQuanYi Micro Hei", serif; font-size: 22pt; font-weight: normal; text-align: center;
     line-height: 1.4; margin: 0 0 8pt; }
.masthead { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体",
            "WenQuanYi Micro Hei", serif; color: #c00000; text-align: center; text-indent: 0;
            font-size: 30pt; line-height: 1.3; margin: 8pt 0 10pt; letter-spacing: 1pt; }
.number { text-align: center; text-indent: 0; margin: 0; }
.byline { text-indent: 0; margin: 0 0 18pt; padding-bottom: 3pt;
          border-bottom: 2px solid #c00000; display: flex; justify-content: space-between; }
.imprint { margin-top: 28pt; border-top: 1.5px solid #000; border-bottom: 1.5px solid #000;
           font-size: 14pt; line-height: 22pt; }
.imprint p { text-indent: 0; padding: 2pt 1em; border-bottom: 1px solid #000; }
.imprint p:last-child { border-bottom: none; display: flex; justify-content: space-between; }
h2 { font-family: "SimHei", "黑体", "WenQuanYi Micro Hei", sans-serif; font-size: 16pt;
     font-weight: normal; margin: 14pt 0 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
.caption { text-indent: 0; text-align: center; font-family: "KaiTi_GB2312", "楷体_GB2312",
           "KaiTi", "楷体", "WenQuanYi Micro Hei", serif; margin-top: 8pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12pt;
        line-height: 1.4; margin: 4pt 0 10pt; page-break-inside: auto; }
table.items { font-size: 10.5pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 1.5mm; text-align: center;
         overflow-wrap: anywhere; }
td.line, th { white-space: nowrap; }
td.text { text-align: left; }
figure { margin: 8pt 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 100%; }
.note { font-size: 12pt; text-indent: 0; margin-top: 16pt; }
@media screen { body { background: #fff; } }
"""

PREVIOUS_PRINT_CSS_HASHES = ("+n8ufzljiomPiq87+AaelJKuAhchIbqCk1Zxi5tuP9A=",)
"""SHA-256 (base64) of the style sheets of earlier versions, which stored briefings carry."""


def _html_table(spec: Table) -> list[str]:
    widths_mm, text_columns = spec.widths_mm, spec.text_columns
    total = sum(widths_mm)
    # Attributes, not style="": the page's CSP admits its own style sheet only.
    columns = "".join(f'<col width="{width * 100 / total:.1f}%">' for width in widths_mm)
    small = ' class="items"' if spec.font_pt < TABLE_FONT_PT else ""
    out = [f'<p class="caption">{html.escape(spec.caption)}</p>', f"<table{small}>"]
    out += [f"<colgroup>{columns}</colgroup>", "<thead><tr>"]
    out += [f"<th>{html.escape(cell)}</th>" for cell in spec.header]
    out += ["</tr></thead>", "<tbody>"]
    for row in spec.rows:
        cells = "".join(
            f'<td class="text">{html.escape(cell)}</td>'
            if index in text_columns
            else f'<td class="line">{html.escape(cell)}</td>'
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
    rated = rated_units(snapshot.by_unit)
    png = chart_png if chart_png is not None else closure_rate_chart(lagging_units(rated))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(text.title)}{esc(text.number)}</title>",
        f"<style>{PRINT_CSS}</style>",
        "</head>",
        "<body>",
        f'<p class="masthead">{esc(text.masthead)}</p>',
        f'<p class="number">{esc(text.issue_number)}</p>',
        f'<p class="byline"><span>{esc(text.masthead)}</span>'
        f"<span>{esc(text.issued_label)}</span></p>",
        f"<h1>{esc(text.title)}</h1>",
    ]
    for section in SECTIONS[:4]:
        out.append(f"<h2>{esc(section)}</h2>")
        out += [f"<p>{esc(paragraph)}</p>" for paragraph in prose[section]]
        if section == SECTIONS[0]:
            out += _html_table(unit_table(snapshot))
            out += _html_table(region_table(snapshot))
            if png:
                data = base64.b64encode(png).decode("ascii")
                caption = esc(chart_caption(rated))
                out += [
                    "<figure>",
                    f'<img alt="{caption}" src="data:image/png;base64,{data}">',
                    f'<p class="caption">{caption}</p>',
                    "</figure>",
                ]
    out += [f"<h2>{esc(SECTIONS[4])}</h2>", f"<p>{esc(overdue_intro(snapshot))}</p>"]
    if snapshot.overdue:
        out += _html_table(overdue_table(snapshot))
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in clocks_paragraphs(snapshot)]
    if snapshot.late_acceptances:
        out += _html_table(late_acceptance_table(snapshot))
    out.append(f"<p>{esc(summons_paragraph(snapshot))}</p>")
    out.append(f"<h2>{esc(SECTIONS[5])}</h2>")
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in next_steps_paragraphs(text.next_steps)]
    out.append(
        f'<p class="note">统计截至{esc(chinese_date(snapshot.period_end))}24时；'
        "比率为小数点后一位的百分数。</p>"
    )
    printer, printed_on = text.printed_line()
    out.append('<div class="imprint">')
    out += [f"<p>{esc(label)}：{esc(value)}</p>" for label, value in text.distribution()]
    out += [f"<p><span>{esc(printer)}</span><span>{esc(printed_on)}</span></p>", "</div>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
