"""What a file is, judged by its bytes, never by its name or the client's word.

Evidence files (issue 19) are scans and documents: PDF, JPEG, PNG, OFD (the
national format for e-documents, a ZIP holding ``OFD.xml``), DOCX and XLSX.
Anything else is refused, and the refusal names the file and what its bytes
look like (an HTML page, an SVG image, a script, a Windows program …), so a
liaison who renamed ``setup.exe`` to ``收据.pdf`` is told it is a program.

Only magic bytes and, for ZIP containers, the names of their entries are read:
no parser of the formats themselves, no new dependency.

Example:
    >>> sniff_head(b"%PDF-1.7\\n")
    'application/pdf'
    >>> sniff_head(b"MZ\\x90\\x00") is None
    True
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from store.errors import FileTypeRefused
from workflow.i18n import N_, _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ACCEPTED = (PDF, JPEG, PNG, OFD, DOCX, XLSX)
"""The content types an evidence file may have."""

ZIP_MAGIC = b"PK\x03\x04"
HEAD_BYTES = 512
"""How much of the start of a file the sniffing reads."""

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)

_FOUND = {
    "html": N_("an HTML page"),
    "svg": N_("an SVG image"),
    "script": N_("a script"),
    "exe": N_("a Windows program (MZ)"),
    "elf": N_("a Linux program (ELF)"),
    "zip": N_("a ZIP archive that is neither OFD, DOCX nor XLSX"),
    "empty": N_("nothing (the file is empty)"),
    "gif": N_("a GIF image"),
    "unknown": N_("unknown bytes ({head})"),
}


def sniff_head(head: bytes) -> str | None:
    """The type of a file from its first bytes, None when they are not PDF, JPEG or PNG
    (a ZIP container needs its entries: :func:`sniff_file`)."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def _zip_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def _what_it_is(head: bytes) -> str:
    """Words for bytes that are not accepted: what the liaison uploaded by mistake."""
    if not head:
        return _(_FOUND["empty"])
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"MZ"):
        key = "exe"
    elif head.startswith(b"\x7fELF"):
        key = "elf"
    elif head.startswith(ZIP_MAGIC):
        key = "zip"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        key = "gif"
    elif b"<svg" in text:
        key = "svg"
    elif text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        key = "html"
    elif text.startswith(b"#!") or b"<script" in text:
        key = "script"
    else:
        return _(_FOUND["unknown"], head=head[:8].hex(" "))
    return _(_FOUND[key])


def sniff_file(path: Path, name: str) -> str:
    """The content type of the file at ``path`` (uploaded as ``name``).

    Raises:
        FileTypeRefused: the bytes are none of :data:`ACCEPTED`.
    """
    with path.open("rb") as source:
        head = source.read(HEAD_BYTES)
    found = sniff_head(head)
    if found is None and head.startswith(ZIP_MAGIC):
        found = _zip_type(path)
    if found is None:
        raise FileTypeRefused(name, _what_it_is(head))
    return found
