"""Every message the packages raise or put in a payload goes through ``_()``: none is a
plain literal or an f-string (which pybabel cannot extract and nobody translates).

The walk reads the packages' source (api, schema, store, workflow, reports) with
:mod:`ast`. It looks at each ``raise SomeError(...)`` and at each call of an error
or payload class of the packages (``InvalidInput(field, reason)``,
``ValidationError(field, rule, message)``, ``UserError(message=...)``,
``LedgerProblem(code, rule, message)`` …): an argument that is a message — a
parameter named in :data:`MESSAGE_PARAMETERS`, or the first argument of a class
the packages do not define (``GraphQLError``, ``HTTPException``) — must not be a
string literal, an f-string, or a literal's ``.format()`` / ``%`` / ``+``.

What may stay English, and why (:data:`OPERATOR_ONLY`): Python's own exceptions
(``ValueError``, ``TypeError`` …) are a programmer's mistake, never a refusal the
client reads (the API masks them and logs the traceback); a workflow definition
that does not load (``DefinitionError``), a registry's misuse and an event log that
does not replay (``InconsistentHistory``) are the developers' and the operator's,
read in the log.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "schema", "store", "workflow", "reports")

#: The parameters of an error or payload class that hold the message a reader sees.
MESSAGE_PARAMETERS = frozenset({"message", "reason", "problem", "detail", "requirement", "text"})

#: Classes whose messages stay English: a programmer's or an operator's, never a
#: liaison's (see the module's docstring).
OPERATOR_ONLY = frozenset(
    {
        "AssertionError",
        "AttributeError",
        "KeyError",
        "LookupError",
        "NotImplementedError",
        "RuntimeError",
        "TypeError",
        "ValueError",
        "DefinitionError",
        "InconsistentHistory",
    }
)


Classes = dict[str, list[tuple[list[str], list[str]]]]
"""Each class name the packages define → its definitions: (parameters, bases' names)."""


@dataclass(frozen=True)
class Finding:
    where: str
    callee: str
    source: str

    def __str__(self) -> str:
        return f"{self.where}: {self.callee}({self.source})"


def _is_literal(node: ast.expr) -> bool:
    """Whether ``node`` builds a text from a literal without ``_()``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_literal(node.left) or (isinstance(node.op, ast.Add) and _is_literal(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_literal(node.func.value)
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _parameters(tree: ast.Module) -> dict[str, tuple[list[str], list[str]]]:
    """Each class defined in ``tree``: its parameters (``__init__``'s, or a dataclass's
    fields, in order) and its bases' names."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [_name(base) for base in node.bases]
        init = next(
            (
                item
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name == "__init__"
            ),
            None,
        )
        if init is not None:
            params = [a.arg for a in [*init.args.args[1:], *init.args.kwonlyargs]]
        elif any(_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list):
            params = [
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            ]
            if not params:
                continue
        else:
            continue  # inherits its base's
        found[node.name] = (params, bases)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name not in found:
            found[node.name] = ([], [_name(base) for base in node.bases])
    return found


def _resolve(name: str, classes: Classes) -> list[list[str]] | None:
    """The parameters of class ``name`` (its own or the nearest base's that has some),
    one list per class of that name; None for a class the packages do not define."""
    if name not in classes:
        return None
    found = []
    for params, bases in classes[name]:
        seen = {name}
        while not params and bases and bases[0] in classes and bases[0] not in seen:
            seen.add(bases[0])
            params, bases = classes[bases[0]][0]
        found.append(params)
    return found


def find_unmarked(sources: dict[str, str]) -> list[Finding]:
    """The messages in ``sources`` (a file's name → its text) not made with ``_()``."""
    trees = {where: ast.parse(text) for where, text in sources.items()}
    classes: Classes = {}
    for tree in trees.values():
        for name, value in _parameters(tree).items():
            classes.setdefault(name, []).append(value)
    errorish = {
        name
        for name in classes
        if name.endswith(("Error", "Problem", "Exception", "Refusal"))
        or _resolve_base_is_error(name, classes)
    }
    findings: list[Finding] = []
    for where, tree in trees.items():
        raised = {
            id(node.exc)
            for node in ast.walk(tree)
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _name(node.func)
            if callee in OPERATOR_ONLY or not callee[:1].isupper():
                continue
            params = _resolve(callee, classes)
            if params is None:
                if id(node) not in raised:
                    continue
                checked = [*node.args[:1]]
                checked += [k.value for k in node.keywords if k.arg in MESSAGE_PARAMETERS]
            elif callee in errorish or id(node) in raised:
                # A name two packages define (Forbidden) is checked where both take a message.
                checked = [
                    arg
                    for index, arg in enumerate(node.args)
                    if all(
                        index < len(names) and names[index] in MESSAGE_PARAMETERS
                        for names in params
                    )
                ]
                checked += [k.value for k in node.keywords if k.arg in MESSAGE_PARAMETERS]
            else:
                continue
            for arg in checked:
                if _is_literal(arg):
                    findings.append(Finding(f"{where}:{arg.lineno}", callee, ast.unparse(arg)[:80]))
    return findings


def _resolve_base_is_error(name: str, classes: Classes) -> bool:
    seen = set()
    while name in classes and name not in seen:
        seen.add(name)
        bases = classes[name][0][1]
        if any(base.endswith(("Error", "Exception")) for base in bases):
            return True
        if not bases:
            return False
        name = bases[0]
    return name == "UserError"


def _package_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def test_every_message_of_the_packages_is_marked() -> None:
    findings = find_unmarked(_package_sources())
    assert [str(f) for f in findings] == [], "write these with _() (docs/messages.md)"


def test_the_walk_reads_the_packages() -> None:
    sources = _package_sources()
    assert "store/errors.py" in sources
    assert "api/cli.py" in sources
    assert len(sources) > 100


_CLASSES = """
class StoreError(Exception):
    def __init__(self, message, *, field=None): ...
class ValidationError(StoreError):
    def __init__(self, field, rule, message): ...
class InvalidInput(Exception):
    def __init__(self, field, reason): ...
@dataclass
class UserError:
    field: list[str] | None
    code: str
    message: str
"""


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        pytest.param('raise InvalidInput("dueOn", "dueOn is in the past")', ["InvalidInput"],
                     id="literal-reason"),
        pytest.param('raise InvalidInput("dueOn", f"dueOn {day} is in the past")',
                     ["InvalidInput"], id="f-string"),
        pytest.param('raise ValidationError("x", "x.rule", "不能停用自己正在使用的账号")',
                     ["ValidationError"], id="hard-coded-chinese"),
        pytest.param('raise ValidationError("x", "x.rule", message="bad " + x)',
                     ["ValidationError"], id="keyword-concatenation"),
        pytest.param('raise StoreError("no {x}".format(x=1))', ["StoreError"], id="format"),
        pytest.param('errors = [UserError(field=None, code="X", message=f"{n} wrong")]',
                     ["UserError"], id="payload-error"),
        pytest.param('raise GraphQLError(f"the query nests {depth} deep")', ["GraphQLError"],
                     id="foreign-class"),
        pytest.param('raise InvalidInput("dueOn", _("{field} is in the past", field=f))', [],
                     id="marked"),
        pytest.param('raise ValidationError(f"{field}.{i}", "id.format", message)', [],
                     id="field-path-and-variable"),
        pytest.param('raise ValueError(f"not a column: {name}")', [], id="programmer-error"),
        pytest.param('raise InconsistentHistory(0, "x", "A", "B", f"the event records {s}")',
                     [], id="operator-only"),
        pytest.param('print(f"wrote {path}")', [], id="not-an-error"),
    ],
)  # fmt: skip
def test_the_walk_finds_planted_messages(snippet: str, found: list[str]) -> None:
    sources = {"classes.py": _CLASSES, "planted.py": textwrap.dedent(snippet)}
    assert [f.callee for f in find_unmarked(sources)] == found
