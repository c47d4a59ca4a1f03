"""The briefing as DOCX in the official-document layout (GB/T 9704-2012), with python-docx.

* A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
* Title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312 on a fixed 29 pt
  line (22 lines a page); 一级标题 黑体, 二级标题 (captions) 楷体_GB2312.
* Page numbers "— N —" (a PAGE field) in 4号 宋体 in the footer.
* Tables with their header row repeated on every page (``w:tblHeader``).

python-docx sets only the Latin font (``w:ascii``/``w:hAnsi``): Word then
takes Chinese text from the theme's East Asian font. So every style and every
run gets ``w:eastAsia`` set here, and the theme-font attributes (which win
over the named fonts) are dropped.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reports.chart import closure_rate_chart
from reports.snapshot import Snapshot
from reports.words import (
    CELL_MARGIN_MM,
    SECTIONS,
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

__all__ = ["FONTS", "MARGINS_MM", "RED", "TEXT_WIDTH_MM", "masthead_size", "render_docx"]

#: GB/T 9704 page margins in millimetres.
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}

FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading": "黑体",
    "subheading": "楷体_GB2312",
    "page_number": "宋体",
}
LATIN = "Times New Roman"

TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
IMPRINT_SIZE = Pt(14)  # 4号: the 版记
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # the 版心's 156 mm
IMPRINT_WIDTH_MM = TEXT_WIDTH_MM - 5
"""The 版记's width: the 版心's less 5 mm (2.5 mm each side, centred). LibreOffice floats
a table to the page's foot (``w:tblpPr``) only when it is narrower than the text area
by its own reckoning, which adds some millimetres to the grid: at the 版心's full width
it would lay the 版记 out as an ordinary table under the text."""
RED = "C00000"
"""The red of the 发文机关标志 and the 版头's rule (GB/T 9704 §7.2.3: 红色)."""
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE = Pt(29)  # 225 mm ÷ 22 lines


_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# The children of w:pPr that come after the ones added here (CT_PPr's sequence).
_AFTER_AUTOSPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                    "w:pPrChange")  # fmt: skip
_AFTER_TABS = ("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", *_AFTER_AUTOSPACE)  # fmt: skip
_AFTER_BORDERS = ("w:shd", "w:tabs", *_AFTER_TABS)


def set_fonts(rpr: CT_RPr, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts of a ``w:rPr`` for every script and drop the theme fonts."""
    rfonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph: Paragraph, text: str, font: str, size: Pt, *, bold: bool = False) -> Run:
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _styles(document: DocumentObject) -> None:
    """Body font on every style (East Asian included), no theme fonts anywhere."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for rpr in defaults.iter(qn("w:rPr")):
            set_fonts(cast(CT_RPr, rpr), FONTS["body"])
    for style in document.styles:
        element = style.element
        if element.get(qn("w:type")) in {"paragraph", "character", "table"}:
            font = FONTS["heading"] if style.name.startswith(("Heading", "Title")) else None
            set_fonts(element.get_or_add_rPr(), font or FONTS["body"])
    # Conditional formats of table styles (w:tblStylePr) carry theme fonts of their own.
    for rfonts in styles.iter(qn("w:rFonts")):
        for attribute in _THEME_ATTRIBUTES:
            rfonts.attrib.pop(qn(attribute), None)
        for attribute, font in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:cs", LATIN),
                                ("w:eastAsia", FONTS["body"])):  # fmt: skip
            if rfonts.get(qn(attribute)) is None:
                rfonts.set(qn(attribute), font)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32)  # two characters
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # No extra space between Chinese and Latin text or digits (Word's and LibreOffice's
    # default): an official document writes 2026年10月31日, and a date fits its column.
    ppr = normal.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(name)
        element.set(qn("w:val"), "0")
        ppr.insert_element_before(element, *_AFTER_AUTOSPACE)


def _page(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    # The page number sits about 7 mm below the 版心.
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 6)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    font, size = FONTS["page_number"], PAGE_NUMBER_SIZE
    _run(footer, "— ", font, size)
    _field(footer, "PAGE", "1", font, size)
    _run(footer, " —", font, size)


def _field(paragraph: Paragraph, instruction: str, shown: str, font: str, size: Pt) -> None:
    """A complex field (``w:fldChar`` begin … end) that Word and LibreOffice update."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None),
                       ("shown", shown), ("end", None)):  # fmt: skip
        run = _run(paragraph, "", font, size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "shown":
            run.text = shown
            continue
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _paragraph(document: DocumentObject, text: str, *, font: str = FONTS["body"],
               size: Pt = BODY_SIZE, indent: bool = True,
               align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:  # fmt: skip
    paragraph = document.add_paragraph()
    if not indent:
        paragraph.paragraph_format.first_line_indent = Pt(0)
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, font, size)
    return paragraph


def _rule(paragraph: Paragraph) -> None:
    """A red rule under the paragraph, as wide as the 版心 (the 版头's 分隔线)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    # sz in eighths of a point: 1.5 pt, about 0.5 mm
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"),
                       ("w:color", RED)):  # fmt: skip
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_BORDERS)


def _right_tab(paragraph: Paragraph, at_mm: float = TEXT_WIDTH_MM) -> None:
    """A right-aligned tab stop: the text after a tab ends at the right margin."""
    ppr = paragraph._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(round(at_mm / 25.4 * 1440)))
    tabs.append(tab)
    ppr.insert_element_before(tabs, *_AFTER_TABS)


def _bare(document: DocumentObject, align: WD_ALIGN_PARAGRAPH) -> Paragraph:
    """A paragraph without indent or runs, for runs of its own."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.alignment = align
    return paragraph


def masthead_size(text: str) -> Pt:
    """The 发文机关标志's size: as large as fits the 版心 on one line, 36 pt at most.

    GB/T 9704 §7.2.3 leaves the size to the office, "以醒目、美观、庄重为原则",
    no wider than the 版心.
    """
    width_pt = TEXT_WIDTH_MM / 25.4 * 72
    return Pt(min(36, int(width_pt / max(len(text), 1) * 0.95)))


def _masthead(document: DocumentObject, text: BriefingText) -> None:
    """The 版头: 发文机关标志 in red, the 期号, issuer and date over a red rule; then the title."""
    mark = _bare(document, WD_ALIGN_PARAGRAPH.CENTER)
    run = _run(mark, text.masthead, FONTS["title"], masthead_size(text.masthead))
    run.font.color.rgb = RGBColor.from_string(RED)
    mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    mark.paragraph_format.space_before = Pt(12)
    mark.paragraph_format.space_after = Pt(10)
    _paragraph(document, text.issue_number, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _bare(document, WD_ALIGN_PARAGRAPH.LEFT)
    _right_tab(line)
    _run(line, f"{text.masthead}\t{text.issued_label}", FONTS["body"], BODY_SIZE)
    _rule(line)
    _paragraph(document, "", indent=False)
    title = _paragraph(document, text.title, font=FONTS["title"], size=TITLE_SIZE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    title.paragraph_format.line_spacing = Pt(40)
    _paragraph(document, "", indent=False)


def _imprint(document: DocumentObject, text: BriefingText) -> None:
    """The 版记 (GB/T 9704 §7.4): 报/送/发, then the 印发机关 and 印发日期, between rules.

    A one-column table whose rows are ruled above and below (the first and
    last rule heavier, as the standard draws them) and never split; every
    row keeps with the next, so the block stays on one page (the next one,
    whole, when the last page has no room left for it). The table floats to
    the foot of the last page's 版心 (:func:`_anchor_to_foot`), the body's
    text above it.
    """
    lines = [f"{label}：{value}" for label, value in text.distribution()]
    table = document.add_table(rows=len(lines) + 1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table.columns[0].width = Mm(IMPRINT_WIDTH_MM)
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", "8"), ("bottom", "8"), ("insideH", "4"), ("left", "nil"),
                       ("right", "nil"), ("insideV", "nil")):  # fmt: skip
        border = OxmlElement(f"w:{edge}")
        if size == "nil":
            border.set(qn("w:val"), "nil")
        else:
            for key, value in (("w:val", "single"), ("w:sz", size), ("w:color", "000000")):
                border.set(qn(key), value)
        borders.append(border)
    tbl_pr.append(borders)
    _cell_margins(table, 0)  # the lines' own indents keep them off the edges
    _anchor_to_foot(tbl_pr)
    printer, printed_on = text.printed_line()
    for index, row in enumerate(table.rows):
        _cant_split(row._tr)
        cell = row.cells[0]
        cell.width = Mm(IMPRINT_WIDTH_MM)
        paragraph: Paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = IMPRINT_SIZE  # 左右各空一字
        fmt.right_indent = IMPRINT_SIZE
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.keep_with_next = index < len(lines)
        if index < len(lines):
            _run(paragraph, lines[index], FONTS["body"], IMPRINT_SIZE)
        else:
            _right_tab(paragraph, IMPRINT_WIDTH_MM - 2 * 14 * 25.4 / 72)
            _run(paragraph, f"{printer}\t{printed_on}", FONTS["body"], IMPRINT_SIZE)


def _anchor(document: DocumentObject) -> None:
    """The paragraph the floating 版记 is anchored to: the body's last, empty and a
    point high (Word and LibreOffice want a paragraph after a floating table)."""
    paragraph = _bare(document, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(1)


def _anchor_to_foot(tbl_pr: object) -> None:
    """Float the table to the foot of its page's 版心 (GB/T 9704 §7.4: 版记 on the last
    page, its last rule on the 版心's bottom edge), centred, text never beside it.

    ``w:tblpPr`` and ``w:tblOverlap`` come first in CT_TblPr (after ``w:tblStyle``).
    """
    position = OxmlElement("w:tblpPr")
    for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"),
                       ("w:topFromText", str(round(BODY_SIZE.pt * 20))),
                       ("w:bottomFromText", "0"), ("w:vertAnchor", "margin"),
                       ("w:horzAnchor", "margin"), ("w:tblpXSpec", "center"),
                       ("w:tblpYSpec", "bottom")):  # fmt: skip
        position.set(qn(key), value)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    style = tbl_pr.find(qn("w:tblStyle"))  # type: ignore[attr-defined]
    if style is not None:
        style.addnext(position)
    else:
        tbl_pr.insert(0, position)  # type: ignore[attr-defined]
    position.addnext(overlap)


def _cant_split(tr: object) -> None:
    """The row is never split across pages (``w:cantSplit``)."""
    tr_pr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.insert(0, element)


def _cell_margins(table: object, mm: float = CELL_MARGIN_MM) -> None:
    """Narrow left and right cell padding (``w:tblCellMar``): more of a column for its text."""
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(mm / 25.4 * 1440)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # w:tblCellMar comes before w:tblLook in CT_TblPr (LibreOffice ignores it after).
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def _table(document: DocumentObject, spec: Table) -> None:
    label = _paragraph(document, spec.caption, font=FONTS["subheading"], indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    label.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
    header, widths_mm, text_columns = spec.header, spec.widths_mm, set(spec.text_columns)
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    # LibreOffice lays a table out by its grid (w:gridCol), Word by the cells: set both.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    _cant_split(head._tr)
    size = Pt(spec.font_pt)
    _fill(head.cells, header, widths_mm, set(), size, bold=True)
    # Style one row through python-docx, then copy its XML for every row and
    # put the texts in: the same document, at a tenth of the cost for the
    # hundreds of rows of a province's overdue list.
    template = table.add_row()
    _cant_split(template._tr)
    _fill(template.cells, ["·"] * len(header), widths_mm, text_columns, size, bold=False)
    tbl, tr = table._tbl, template._tr
    tbl.remove(tr)
    for values in spec.rows:
        row = copy.deepcopy(tr)
        for text, value in zip(row.iter(qn("w:t")), values, strict=True):
            value = " ".join(value.split("\n"))
            text.text = value
            if value != value.strip():
                text.set(qn("xml:space"), "preserve")
        tbl.append(row)
    document.add_paragraph().paragraph_format.line_spacing = Pt(8)


def _fill(cells: Sequence[object], values: Sequence[str], widths_mm: Sequence[float],
          text_columns: set[int], size: Pt, *, bold: bool) -> None:  # fmt: skip
    for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
        cell.width = Mm(widths_mm[index])  # type: ignore[attr-defined]
        paragraph: Paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.LEFT if index in text_columns else WD_ALIGN_PARAGRAPH.CENTER
        )
        font = FONTS["heading"] if bold else FONTS["body"]
        _run(paragraph, value, font, size)


def render_docx(snapshot: Snapshot, text: BriefingText, *, chart_png: bytes | None = None) -> bytes:
    """The briefing as a .docx file (bytes)."""
    document = Document()
    _styles(document)
    _page(document)
    document.core_properties.title = f"{text.title}{text.number}"
    document.core_properties.author = text.issuer
    _masthead(document, text)
    prose = paragraphs(snapshot)
    rated = rated_units(snapshot.by_unit)
    png = chart_png if chart_png is not None else closure_rate_chart(lagging_units(rated))
    for section in SECTIONS[:4]:
        _paragraph(document, section, font=FONTS["heading"]).paragraph_format.keep_with_next = True
        for paragraph in prose[section]:
            _paragraph(document, paragraph)
        if section != SECTIONS[0]:
            continue
        _table(document, unit_table(snapshot))
        _table(document, region_table(snapshot))
        if png:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.first_line_indent = Pt(0)
            picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            picture.paragraph_format.keep_with_next = True  # with its caption
            run = picture.add_run()
            set_fonts(run._r.get_or_add_rPr(), FONTS["body"])
            run.add_picture(io.BytesIO(png), width=Mm(140))
            _paragraph(document, chart_caption(rated), font=FONTS["subheading"], indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _paragraph(document, SECTIONS[4], font=FONTS["heading"]).paragraph_format.keep_with_next = True
    _paragraph(document, overdue_intro(snapshot))
    if snapshot.overdue:
        _table(document, overdue_table(snapshot))
    for paragraph in clocks_paragraphs(snapshot):
        _paragraph(document, paragraph)
    if snapshot.late_acceptances:
        _table(document, late_acceptance_table(snapshot))
    _paragraph(document, summons_paragraph(snapshot))
    _paragraph(document, SECTIONS[5], font=FONTS["heading"]).paragraph_format.keep_with_next = True
    for paragraph in next_steps_paragraphs(text.next_steps):
        _paragraph(document, paragraph)
    _paragraph(document, "")
    _paragraph(document, f"统计截至{chinese_date(snapshot.period_end)}24时。",
               size=Pt(14), indent=False)  # fmt: skip
    _imprint(document, text)
    _anchor(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
