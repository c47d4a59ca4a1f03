"""The message catalogs (workflow/locale): every message the packages mark has its
Chinese, and the Chinese reads as Chinese.

The messages are taken from the packages as ``make messages`` takes them
(``pybabel extract`` with babel.cfg), not from the committed template, so a
message added without ``make messages`` and a translation fails here.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from workflow.i18n import LOCALE_DIR, _, language

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["api", "schema", "store", "workflow", "reports"]


def extracted(tmp_path: Path) -> Catalog:
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            *("-q", "extract", "-F", "babel.cfg", "-k", "_", "-k", "N_", "--no-location"),
            *("-o", str(out), *PACKAGES),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as handle:
        return read_po(handle)


def chinese() -> Catalog:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="zh_CN")


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    catalog = extracted(tmp_path_factory.mktemp("pot"))
    found = [message.id for message in catalog if message.id and isinstance(message.id, str)]
    assert len(found) > 200, "pybabel found the packages' messages"
    return found


def test_every_message_of_the_packages_has_its_chinese(messages: list[str]) -> None:
    catalog = chinese()
    missing = [m for m in messages if m not in catalog or not catalog[m].string]
    fuzzy = [m for m in messages if m in catalog and catalog[m].fuzzy]
    assert missing == [], "run make messages and translate these in zh_CN/messages.po"
    assert fuzzy == []


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_translation_fills_in_the_same_fields(messages: list[str]) -> None:
    catalog = chinese()
    wrong = {
        m: catalog[m].string for m in messages if _fields(m) != _fields(str(catalog[m].string))
    }
    assert wrong == {}


# An ASCII word a Chinese message may hold: a code or constant (GUARD_FAILED, LISTED,
# ID, GB), an identifier with a capital, digit, dot, dash, underscore or slash
# (expectedVersion, case_number.required, graphql-transport-ws, /graphql), a unit
# (MiB), a format's name (JSON, UTF-8), the program's own name, or a program a liaison
# uses by that name (Excel: 「在 Excel 中另存为」).
_ALLOWED_WORDS = {"fuyuan", "MiB", "postgres", "Excel"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")


def stray_words(text: str) -> list[str]:
    """The plain English words of ``text``, outside fields, code spans and options."""
    text = re.sub(r"\{[^{}]*\}", " ", text)  # {fields}
    text = re.sub(r"`[^`]*`", " ", text)  # `code`
    text = re.sub(r"--[a-z-]+", " ", text)  # --options
    text = re.sub(r"[a-z]+://\S*", " ", text)  # URLs
    text = re.sub(r"(?<![A-Za-z0-9])/[\w/.\-]+", " ", text)  # /paths
    text = re.sub(r"(?<![A-Za-z0-9])\.[a-z]+", " ", text)  # .docx
    words = []
    for word in _WORD.findall(text):
        if word in _ALLOWED_WORDS or re.search(r"[A-Z0-9_.\-/]", word[1:] or word):
            continue
        if word.isupper():
            continue
        words.append(word)
    return words


@pytest.mark.parametrize(
    ("text", "stray"),
    [
        pytest.param("请填写案号 [case_number.required]", [], id="rule"),
        pytest.param("「{action}」需要{requirement}", [], id="fields"),
        pytest.param("当前为第3版（expectedVersion）", [], id="identifier"),
        pytest.param("须通过 /graphql 的 WebSocket 连接", [], id="path-and-name"),
        pytest.param("请设置 `confirmExcess: true`", [], id="code-span"),
        pytest.param("状态为 LISTED 或 GUARD_FAILED", [], id="codes"),
        pytest.param("the court has not confirmed", ["the", "court", "has", "not", "confirmed"],
                     id="english"),
        pytest.param("法院尚未 confirm 履行", ["confirm"], id="one-word"),
        pytest.param("已履行 performed 0.00元", ["performed"], id="word-by-a-number"),
    ],
)  # fmt: skip
def test_stray_words_finds_english_but_not_codes(text: str, stray: list[str]) -> None:
    assert stray_words(text) == stray


def test_no_chinese_message_holds_english_words(messages: list[str]) -> None:
    catalog = chinese()
    english = {
        m: words
        for m in messages
        if m in catalog and (words := stray_words(str(catalog[m].string)))
    }
    assert english == {}


def test_a_message_is_chinese_by_default_and_keeps_its_english() -> None:
    with language("zh_CN"):
        message = _(
            "{due} due, {performed} performed",
            due="860000.00",
            performed="0.00",
        )
    assert str(message) == "应履行860000.00元，已履行0.00元；请先由法院确认履行情况，再申请销号"
    assert message.english == "860000.00 due, 0.00 performed"
    with language("en"):
        assert str(_("{due} due, {performed} performed", due="1.00", performed="0.00")) == (
            "1.00 due, 0.00 performed"
        )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, "zh_CN", id="none"),
        pytest.param("", "zh_CN", id="empty"),
        pytest.param("zh-CN", "zh_CN", id="zh-CN"),
        pytest.param("en", "en", id="en"),
        pytest.param("en-US,en;q=0.9", "en", id="en-US"),
        pytest.param("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN", id="zh-first"),
        pytest.param("en;q=0.5,zh;q=0.9", "zh_CN", id="zh-higher"),
        pytest.param("fr,en;q=0.8", "en", id="en-after-unknown"),
        pytest.param("fr,de", "zh_CN", id="unknown-only"),
        pytest.param("en;q=0", "zh_CN", id="en-refused"),
        pytest.param("en;q=abc", "zh_CN", id="bad-quality"),
        pytest.param("*", "zh_CN", id="any"),
    ],
)
def test_the_language_of_an_accept_language_header(header: str | None, expected: str) -> None:
    from workflow.i18n import negotiate

    assert negotiate(header) == expected
