"""Drawings of a workflow definition: Mermaid (for the API) and Graphviz DOT."""

from __future__ import annotations

from workflow.definition import Definition

__all__ = ["to_dot", "to_mermaid"]


def _mermaid_text(text: str) -> str:
    # Mermaid ends a transition label at a newline and treats ":" and quotes
    # specially inside state descriptions; labels here are short words, so
    # replacing the few risky characters is enough.
    return text.replace('"', "'").replace(":", "：").replace("\n", " ")


def to_mermaid(definition: Definition) -> str:
    """The definition as a Mermaid ``stateDiagram-v2``, labelled in Chinese.

    Each state is declared with its Chinese label, each transition is drawn as
    ``SOURCE --> TARGET : 中文 action``; the start state hangs off ``[*]`` and
    terminal states lead to ``[*]``. Side actions are not drawn (they do not
    move the task).
    """
    lines = ["stateDiagram-v2"]
    for state in definition.states:
        lines.append(f'    state "{_mermaid_text(state.label_zh)}" as {state.key}')
    lines.append(f"    [*] --> {definition.start}")
    for t in definition.transitions:
        lines.append(f"    {t.source} --> {t.target} : {_mermaid_text(t.label_zh)} {t.action}")
    for key in definition.terminal_states:
        lines.append(f"    {key} --> [*]")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(definition: Definition) -> str:
    """The definition as a Graphviz ``digraph``; terminal states are double circles."""
    lines = [
        f'digraph "{_dot_text(definition.key)}" {{',
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="sans-serif"];',
        '    "__start__" [shape=point, label=""];',
    ]
    for state in definition.states:
        shape = ", shape=doublecircle" if state.terminal else ""
        # "\n" is DOT's own line break inside a label, not a Python newline.
        label = _dot_text(state.label_zh) + "\\n" + _dot_text(state.key)
        lines.append(f'    "{state.key}" [label="{label}"{shape}];')
    lines.append(f'    "__start__" -> "{definition.start}";')
    for t in definition.transitions:
        label = _dot_text(f"{t.label_zh} {t.action}")
        lines.append(f'    "{t.source}" -> "{t.target}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
