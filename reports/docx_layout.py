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
from collections.abc import Iterator, Sequence
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

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

__all__ = ["FONTS", "MARGINS_MM", "render_docx"]

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
TABLE_SIZE = Pt(12)  # 小四: seven columns fit the 156 mm 版心
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE = Pt(29)  # 225 mm ÷ 22 lines


_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


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
    """A red rule under the paragraph (the 版头 separator line)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"),
                       ("w:color", "C00000")):  # fmt: skip
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _table(document: DocumentObject, caption: str, header: Sequence[str],
           rows: Iterator[tuple[str, ...]], widths_mm: Sequence[int],
           text_columns: set[int]) -> None:  # fmt: skip
    label = _paragraph(document, caption, font=FONTS["subheading"], indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    label.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # LibreOffice lays a table out by its grid (w:gridCol), Word by the cells: set both.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    _fill(head.cells, header, widths_mm, set(), bold=True)
    # Style one row through python-docx, then copy its XML for every row and
    # put the texts in: the same document, at a tenth of the cost for the
    # hundreds of rows of a province's overdue list.
    template = table.add_row()
    _fill(template.cells, ["·"] * len(header), widths_mm, text_columns, bold=False)
    tbl, tr = table._tbl, template._tr
    tbl.remove(tr)
    for values in rows:
        row = copy.deepcopy(tr)
        for text, value in zip(row.iter(qn("w:t")), values, strict=True):
            value = " ".join(value.split("\n"))
            text.text = value
            if value != value.strip():
                text.set(qn("xml:space"), "preserve")
        tbl.append(row)
    document.add_paragraph().paragraph_format.line_spacing = Pt(8)


def _fill(cells: Sequence[object], values: Sequence[str], widths_mm: Sequence[int],
          text_columns: set[int], *, bold: bool) -> None:  # fmt: skip
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
        _run(paragraph, value, font, TABLE_SIZE)


def render_docx(snapshot: Snapshot, text: BriefingText, *, chart_png: bytes | None = None) -> bytes:
    """The briefing as a .docx file (bytes)."""
    document = Document()
    _styles(document)
    _page(document)
    document.core_properties.title = f"{text.title}{text.number}"
    document.core_properties.author = text.issuer
    title = _paragraph(document, text.title, font=FONTS["title"], size=TITLE_SIZE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    title.paragraph_format.line_spacing = Pt(40)
    title.paragraph_format.space_before = Pt(12)
    _paragraph(document, text.number, font=FONTS["subheading"], indent=False,
               align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _rule(_paragraph(document, byline(text), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER))
    _paragraph(document, "", indent=False)
    prose = paragraphs(snapshot)
    png = chart_png if chart_png is not None else closure_rate_chart(snapshot.by_unit)
    for section in SECTIONS[:4]:
        _paragraph(document, section, font=FONTS["heading"]).paragraph_format.keep_with_next = True
        for paragraph in prose[section]:
            _paragraph(document, paragraph)
        if section != SECTIONS[0]:
            continue
        _table(document, "表1　各责任单位办理情况", UNIT_HEADER, group_rows(snapshot.by_unit),
               GROUP_WIDTHS_MM, {1})  # fmt: skip
        _table(document, "表2　各县区办理情况", REGION_HEADER, group_rows(snapshot.by_region),
               GROUP_WIDTHS_MM, {1})  # fmt: skip
        if png:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.first_line_indent = Pt(0)
            picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            picture.paragraph_format.keep_with_next = True  # with its caption
            run = picture.add_run()
            set_fonts(run._r.get_or_add_rPr(), FONTS["body"])
            run.add_picture(io.BytesIO(png), width=Mm(140))
            _paragraph(document, "图1　各责任单位办结率", font=FONTS["subheading"], indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _paragraph(document, SECTIONS[4], font=FONTS["heading"])
    _paragraph(document, overdue_intro(snapshot))
    if snapshot.overdue:
        _table(document, "表3　超期未办结事项", OVERDUE_HEADER, overdue_rows(snapshot.overdue),
               OVERDUE_WIDTHS_MM, {1, 2, 3})  # fmt: skip
    for paragraph in clocks_paragraphs(snapshot):
        _paragraph(document, paragraph)
    if snapshot.late_acceptances:
        _table(document, "表4　未按时签收事项", LATE_ACCEPTANCE_HEADER,
               late_acceptance_rows(snapshot.late_acceptances),
               LATE_ACCEPTANCE_WIDTHS_MM, {1, 2, 3})  # fmt: skip
    _paragraph(document, summons_paragraph(snapshot))
    _paragraph(document, SECTIONS[5], font=FONTS["heading"])
    for paragraph in next_steps_paragraphs(text.next_steps):
        _paragraph(document, paragraph)
    _paragraph(document, "")
    _paragraph(document, f"统计截至{chinese_date(snapshot.period_end)}24时。",
               size=Pt(14), indent=False)  # fmt: skip
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
