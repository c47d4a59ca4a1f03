"""Messages in the reader's language: gettext catalogs, Simplified Chinese by default.

Every sentence a liaison or an operator reads is marked with :func:`_` (its
English text is the message id) and translated from the catalogs under
``workflow/locale`` (``zh_CN`` and ``en``, kept as ``.po`` files and compiled to
``.mo`` by ``make messages``, or here on first use when the ``.mo`` is missing
or older than its ``.po``). The language is the current request's: a
:class:`~contextvars.ContextVar` that the API's middleware sets from
``Accept-Language`` and the command line from ``--lang`` or ``LANG``; without
either it is ``zh_CN``.

:func:`_` formats the translation with named fields and returns a
:class:`Text`: a ``str`` in the current language that also keeps the English
(``Text.english``), so that the log can hold the English beside the code.
A field that is a :class:`Text` is put in the same language; a date is written
``2026年12月1日`` in Chinese, ``2026-12-01`` in English.

Example:
    >>> with language("en"):
    ...     str(_("{field} is required", field="comment"))
    'comment is required'
    >>> with language("zh_CN"):
    ...     message = _("{due} due, {performed} performed", due="860000.00", performed="0.00")
    >>> str(message)
    '应履行860000.00元，已履行0.00元；请先由法院确认履行情况，再申请销号'
    >>> message.english
    '860000.00 due, 0.00 performed'

"""

from __future__ import annotations

import contextlib
import datetime
import gettext as _gettext
import io
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from string import Formatter
from typing import Any

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALE_DIR",
    "Templates",
    "Text",
    "_",
    "current_language",
    "format_date",
    "gettext",
    "language",
    "negotiate",
    "set_default_language",
    "set_language",
]

#: Where the catalogs live: ``<lang>/LC_MESSAGES/messages.po`` (and ``.mo``).
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh_CN"
#: The languages the catalogs hold; English is the message ids themselves.
LANGUAGES = ("zh_CN", "en")

_current: ContextVar[str | None] = ContextVar("fuyuan_language", default=None)
#: The language where no request set one: the process's (``set_default_language``).
_default = [DEFAULT_LANGUAGE]
_catalogs: dict[str, _gettext.NullTranslations] = {}
_lock = threading.Lock()


def current_language() -> str:
    """The language of the current request (or command): ``zh_CN`` or ``en``."""
    return _current.get() or _default[0]


def set_default_language(lang: str) -> None:
    """Make ``lang`` the language of this process wherever no request chose one (the
    command line's ``--lang``; a test of the engine's English)."""
    _default[0] = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Make ``lang`` (``zh_CN`` or ``en``, anything else the default) the current language."""
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def negotiate(header: str | None) -> str:
    """The language for an ``Accept-Language`` header: ``en`` when the client prefers
    English to Chinese, else ``zh_CN``.

    Example:
        >>> negotiate("en-US,en;q=0.9"), negotiate("zh-CN,en;q=0.5"), negotiate(None)
        ('en', 'zh_CN', 'zh_CN')
        >>> negotiate("fr, en;q=0.8, zh;q=0.2"), negotiate("*")
        ('en', 'zh_CN')
    """
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = {"zh": "zh_CN", "en": "en"}.get(tag.strip().lower().split("-")[0])
        if lang is not None and quality > 0:
            # Quality first; among equals the tag the client wrote first.
            choices.append((quality, -index, lang))
    return max(choices)[2] if choices else DEFAULT_LANGUAGE


def _compiled(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang``: its ``.mo``, compiled from the ``.po`` when missing or
    stale (in memory when the package directory is read-only)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po = folder / f"{DOMAIN}.po"
    mo = folder / f"{DOMAIN}.mo"
    if not po.exists():
        return _gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    data = buffer.getvalue()
    with contextlib.suppress(OSError):  # a read-only install keeps the catalog in memory
        mo.write_bytes(data)
    return _gettext.GNUTranslations(io.BytesIO(data))


def catalog(lang: str) -> _gettext.NullTranslations:
    """The translations of ``lang``, loaded once."""
    found = _catalogs.get(lang)
    if found is None:
        with _lock:
            found = _catalogs.get(lang)
            if found is None:
                found = _compiled(lang) if lang != "en" else _gettext.NullTranslations()
                _catalogs[lang] = found
    return found


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` (its English text) in ``lang``, by default the current language."""
    return catalog(lang or current_language()).gettext(message)


def format_date(day: datetime.date, lang: str | None = None) -> str:
    """A date in prose: ``2026年12月1日``, or ``2026-12-01`` in English."""
    if (lang or current_language()) == "en":
        return day.isoformat()
    return f"{day.year}年{day.month}月{day.day}日"


class Text(str):
    """A message in the current language that keeps its English (``english``)."""

    english: str

    def __new__(cls, text: str, english: str) -> Text:
        made = super().__new__(cls, text)
        made.english = english
        return made


def _field(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value if lang != "en" else value.english
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return format_date(value, lang)
    return value


_formatter = Formatter()


def _render(message: str, lang: str, params: dict[str, Any]) -> str:
    template = gettext(message, lang)
    if not params:
        return template
    values = {name: _field(value, lang) for name, value in params.items()}
    return _formatter.vformat(template, (), values)


def _(message: str, /, **params: Any) -> Text:
    """Translate ``message`` (English, with ``{named}`` fields) into the current language
    and fill in ``params``; the English rendering is kept as ``Text.english``."""
    english = _render(message, "en", params)
    lang = current_language()
    text = english if lang == "en" else _render(message, lang, params)
    return Text(text, english)


def english(text: str) -> str:
    """The English of a message (itself when it is not a :class:`Text`)."""
    return text.english if isinstance(text, Text) else text


def message_of(error: BaseException) -> str:
    """The message of an exception, as a :class:`Text` when it was made with :func:`_`
    (``str(error)`` would lose its English)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Text) else str(error)


def join(parts: Iterable[str], zh: str = "；", en: str = "; ") -> Text:
    """Messages joined (by ``zh`` in Chinese, ``en`` in English), keeping the English of
    each."""
    parts = list(parts)
    local = en if current_language() == "en" else zh
    return Text(local.join(parts), en.join(english(part) for part in parts))


def term(zh: str, en: str) -> Text:
    """A word the code holds in both languages (a label of a state, an action, a field)."""
    return Text(en if current_language() == "en" else zh, en)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it (a template kept in a
    table, translated where it is used with :func:`_`)."""
    return message


class Templates:
    """Another library's English messages, recognised by their templates and translated.

    A library that writes its messages in English with f-strings (graphql-core,
    argparse) is translated by pattern: each template is the message as the
    library writes it with ``{named}`` fields where it fills something in. The
    template is both the regular expression that recognises the message (a field
    in ``free`` matches any text, any other a name: no space, no quote) and the
    message id of its translation (mark it with :func:`N_`). A field named
    ``reason`` is itself such a message and is translated in turn.

    Example:
        >>> table = Templates(["unrecognized arguments: {arguments}"], free={"arguments"})
        >>> with language("en"):
        ...     table.translate("unrecognized arguments: --x")
        'unrecognized arguments: --x'
        >>> table.translate("no such words") is None
        True
    """

    def __init__(self, templates: Iterable[str], *, free: Iterable[str] = ("reason",)) -> None:
        self.free = frozenset(free) | {"reason"}
        # Longer templates first: "Unexpected variable …" before "Unexpected {token}."
        ordered = sorted(templates, key=lambda t: -len(re.sub(r"\{[^}]*\}", "", t)))
        self.patterns = tuple((self._pattern(template), template) for template in ordered)

    def _pattern(self, template: str) -> re.Pattern[str]:
        parts = []
        for literal, name, _spec, _conversion in _formatter.parse(template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)" if name in self.free else f"(?P<{name}>[^\\s']+?)")
        return re.compile("".join(parts), re.DOTALL)

    def translate(self, text: str) -> Text | None:
        """``text`` in the current language (a :class:`Text` keeping the English), or None
        when no template matches it."""
        for pattern, template in self.patterns:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            fields: dict[str, str] = dict(found.groupdict())
            if "reason" in fields:
                fields["reason"] = self.translate(fields["reason"]) or fields["reason"]
            return _(template, **fields)
        return None


#: The Chinese label of each input field a message names (the API's names, as the
#: English messages name them); a liaison reads the label in 「」.
FIELD_LABELS = {
    "caseNumber": "案号",
    "basisNumber": "执行依据",
    "rulingNumber": "裁定书案号",
    "courtId": "法院",
    "courtCode": "法院代码",
    "respondentId": "被执行单位",
    "applicantName": "申请执行人",
    "applicantKind": "申请执行人类型",
    "cause": "案由",
    "amountDue": "执行标的",
    "amount": "金额",
    "filedOn": "立案日期",
    "paidOn": "履行日期",
    "acceptedOn": "受理日期",
    "heldOn": "会议日期",
    "dueOn": "办结时限",
    "summonedOn": "约谈日期",
    "comment": "意见",
    "evidence": "办结材料",
    "grounds": "结案依据",
    "closureMethod": "结案方式",
    "settlementAmount": "和解金额",
    "expectedVersion": "版本号",
    "idempotencyKey": "幂等键",
    "title": "标题",
    "uscc": "统一社会信用代码",
    "debtorName": "债务人名称",
    "responsibleUnitId": "责任单位",
    "assistingUnitIds": "配合单位",
    "dependsOnId": "前置事项",
    "taskId": "交办事项",
    "username": "用户名",
    "password": "密码",
    "displayName": "姓名",
    "phone": "电话",
    "name": "名称",
    "code": "代码",
    "region": "县区",
    "parentId": "上级单位",
    "kind": "类型",
    "search": "搜索词",
    "periodStart": "起始日期",
    "periodEnd": "截止日期",
    "mapping": "状态对照",
    "year": "年度",
    "method": "履行方式",
    "note": "备注",
    "reason": "原因",
    "number": "编号",
    "minutesNumber": "纪要号",
    "administrator": "管理人",
    "procedure": "程序",
    "matterType": "协调事项类型",
    "employeesAffected": "涉及职工人数",
    "claimsTotal": "债权总额",
    "assetsTotal": "资产总额",
    "first": "first",
    "last": "last",
}


def field_label(field: str) -> Text:
    """An input field as a liaison names it: 「案号」 (English: ``caseNumber``).

    A path (``input.dueOn``, ``ids.3``) is named by its last named part.

    Example:
        >>> with language("zh_CN"):
        ...     label = field_label("dueOn")
        >>> str(label), label.english
        ('「办结时限」', 'dueOn')
    """
    parts = [part for part in field.split(".") if part and not part.isdigit()]
    name = parts[-1] if parts else field
    label = FIELD_LABELS.get(name)
    if label is None or not label or label.isascii():
        return term(f"「{field}」", field)
    return term(f"「{label}」", field)
