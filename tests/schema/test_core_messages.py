"""graphql-core's own messages (schema/core_messages.py) through the live API: Chinese by
default, graphql-core's English on ``Accept-Language: en``, one request per rule.

A message no template matches keeps its English; a template that does not match
the message graphql-core writes (after an upgrade, say) fails here.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schema.core_messages import TEMPLATES, translate
from workflow.i18n import language

NODE = "query ($id: ID!) { node(id: $id) { id } }"
FIRST = "query ($n: Int) { tasks(first: $n) { totalCount } }"
STATES = "query ($s: [TaskState!]) { tasks(filter: {state: $s}) { totalCount } }"
LOGIN = "mutation ($i: LoginInput!) { login(input: $i) { token } }"

CASES = [
    pytest.param(
        "{ taks { id } }", {},
        "类型 `Query` 没有字段 `taks`；是否要写 `tasks`？",
        "Cannot query field 'taks' on type 'Query'. Did you mean 'tasks'?",
        id="fields-on-correct-type",
    ),
    pytest.param(
        "{ tasks(frist: 1) { totalCount } }", {},
        "字段 `Query.tasks` 没有参数 `frist`；是否要写 `first`、`last`？",
        "Unknown argument 'frist' on field 'Query.tasks'. Did you mean 'first' or 'last'?",
        id="known-argument-names",
    ),
    pytest.param(
        "{ node { id } }", {},
        "缺少必填参数 `Query.node(id:)`（类型为 `ID!`）",
        "Argument 'Query.node(id:)' of type 'ID!' is required, but it was not provided.",
        id="provided-required-arguments",
    ),
    pytest.param(
        "{ viewer }", {},
        "字段 `viewer`（类型为 `Account`）须选择下级字段；是否要写 `viewer { ... }`？",
        "Field 'viewer' of type 'Account' must have a selection of subfields. "
        "Did you mean 'viewer { ... }'?",
        id="scalar-leafs",
    ),
    pytest.param(
        '{ tasks(first: "x") { totalCount } }', {},
        '`Int` 类型只能是整数，收到的是 "x"',
        'Int cannot represent non-integer value: "x"',
        id="values-of-correct-type",
    ),
    pytest.param(
        "{ tasks(filter: {state: [ASIGNED]}) { totalCount } }", {},
        "枚举 `TaskState` 中没有值 `ASIGNED`；是否要写枚举值 `ASSIGNED`？",
        "Value 'ASIGNED' does not exist in 'TaskState' enum. Did you mean the enum value "
        "'ASSIGNED'?",
        id="enum-literal",
    ),
    pytest.param(
        "query ($x: Int) { viewer { id } }", {},
        "变量 `$x` 未被使用",
        "Variable '$x' is never used.",
        id="no-unused-variables",
    ),
    pytest.param(
        "{ tasks(first: $n) { totalCount } }", {},
        "变量 `$n` 未定义",
        "Variable '$n' is not defined.",
        id="no-undefined-variables",
    ),
    pytest.param(
        "{ ...F }", {},
        "没有名为 `F` 的片段",
        "Unknown fragment 'F'.",
        id="known-fragment-names",
    ),
    pytest.param(
        "query ($n: String) { tasks(first: $n) { totalCount } }", {},
        "变量 `$n` 的类型 `String` 与此处要求的类型 `Int` 不符",
        "Variable '$n' of type 'String' used in position expecting type 'Int'.",
        id="variables-in-allowed-position",
    ),
    pytest.param(
        "{ tasks(first: 1, first: 2) { totalCount } }", {},
        "只能有一个名为 `first` 的参数",
        "There can be only one argument named 'first'.",
        id="unique-argument-names",
    ),
    pytest.param(
        "{ viewer { id } } query Q { viewer { id } }", {},
        "文档中有多个操作时，每个操作都须命名",
        "This anonymous operation must be the only defined operation.",
        id="lone-anonymous-operation",
    ),
    pytest.param(
        "{ viewer { id @foo } }", {},
        "没有指令 `@foo`",
        "Unknown directive '@foo'.",
        id="known-directives",
    ),
    pytest.param(
        "{ viewer { id", {},
        "语法错误：此处应为 Name，实际为 <EOF>",
        "Syntax Error: Expected Name, found <EOF>.",
        id="syntax-expected",
    ),
    pytest.param(
        "{ viewer(id: ) { id } }", {},
        "语法错误：此处不应出现 ')'",
        "Syntax Error: Unexpected ')'.",
        id="syntax-unexpected",
    ),
    pytest.param(
        NODE, {},
        "变量 `$id` 的值无效：须提供非空类型 `ID!` 的值",
        "Variable '$id' has invalid value: Expected a value of non-null type 'ID!' to be "
        "provided.",
        id="variable-not-provided",
    ),
    pytest.param(
        FIRST, {"n": 1.5},
        "变量 `$n` 的值无效：`Int` 类型只能是整数，收到的是 1.5",
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 1.5",
        id="variable-wrong-type",
    ),
    pytest.param(
        STATES, {"s": ["ASIGNED"]},
        "变量 `$s` 在 `[0]` 处的值无效：枚举 `TaskState` 中没有值 `ASIGNED`；"
        "是否要写枚举值 `ASSIGNED`？",
        "Variable '$s' has invalid value at [0]: Value 'ASIGNED' does not exist in "
        "'TaskState' enum. Did you mean the enum value 'ASSIGNED'?",
        id="variable-enum",
    ),
    pytest.param(
        LOGIN, {"i": {"username": "a"}},
        "变量 `$i` 的值无效：类型 `LoginInput` 须包含必填字段 `password`，"
        "收到的是 {'username': 'a'}",
        "Variable '$i' has invalid value: Expected value of type 'LoginInput' to include "
        "required field 'password', found: {'username': 'a'}.",
        id="variable-input-field-missing",
    ),
]  # fmt: skip


async def _errors(http: httpx.AsyncClient, query: str, variables: dict[str, Any], lang: str
                  ) -> list[str]:  # fmt: skip
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"accept-language": lang},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" not in body
    return [error["message"] for error in body["errors"]]


@pytest.mark.parametrize(("query", "variables", "chinese", "english"), CASES)
async def test_graphql_cores_messages_in_each_language(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], chinese: str, english: str
) -> None:
    assert await _errors(http, query, variables, "zh-CN") == [chinese]
    assert await _errors(http, query, variables, "") == [chinese]  # the default
    assert await _errors(http, query, variables, "en") == [english]


def test_a_message_no_template_matches_keeps_its_english() -> None:
    with language("zh_CN"):
        assert translate("Some new rule of graphql-core 4.") == "Some new rule of graphql-core 4."


def test_every_template_recognises_its_own_english() -> None:
    sample = {"reason": "Unterminated string."}
    for template in TEMPLATES:
        names = [part.split("}")[0] for part in template.split("{")[1:]]
        message = template.format(**{name: sample.get(name, "X") for name in names})
        with language("zh_CN"):
            translated = translate(message)
        assert translated != message, template
        assert translated.english == message  # type: ignore[attr-defined]
