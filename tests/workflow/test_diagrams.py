from __future__ import annotations

import pytest

from workflow.builtin import default_definition, enforcement_definition
from workflow.definition import Definition
from workflow.diagrams import to_dot, to_mermaid


@pytest.mark.parametrize(
    "definition",
    [default_definition(), enforcement_definition()],
    ids=["default", "enforcement"],
)
def test_mermaid_draws_every_transition_with_its_chinese_label(
    definition: Definition,
) -> None:
    text = to_mermaid(definition)

    assert text.startswith("stateDiagram-v2\n")
    assert "    [*] --> DRAFT\n" in text
    assert "    CLOSED --> [*]\n" in text
    assert "    CANCELLED --> [*]\n" in text
    assert '    state "申请销号" as CLOSURE_REQUESTED\n' in text
    for t in definition.transitions:
        assert f"    {t.source} --> {t.target} : {t.label_zh} {t.action}\n" in text
    assert text.count(" --> ") == len(definition.transitions) + 1 + len(definition.terminal_states)


def test_mermaid_names_the_design_actions() -> None:
    text = to_mermaid(default_definition())

    for line in (
        "DRAFT --> ASSIGNED : 交办 assign",
        "ASSIGNED --> RETURNED : 退回 return",
        "CLOSURE_REQUESTED --> CLOSED : 销号 approve_closure",
        "SUSPENDED --> CANCELLED : 撤销 cancel",
    ):
        assert line in text
    assert "督办" not in text  # side actions do not move the task


def test_dot_draws_every_transition() -> None:
    text = to_dot(default_definition())

    assert text.startswith('digraph "default" {')
    assert '"DRAFT" -> "ASSIGNED" [label="交办 assign"];' in text
    assert '"CLOSED" [label="已销号\\nCLOSED", shape=doublecircle];' in text
    assert text.count(" -> ") == len(default_definition().transitions) + 1
