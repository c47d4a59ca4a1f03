"""The workflow definitions, as liaisons and the dashboard read them."""

from __future__ import annotations

from typing import Self

import strawberry

from workflow.definition import Definition
from workflow.diagrams import to_mermaid
from workflow.engine import INPUT_NAMES


@strawberry.type(name="WorkflowState", description="A state a task can be in.")
class WorkflowState:
    key: str = strawberry.field(description="The state as spelled in Task.state, e.g. ASSIGNED.")
    label: str = strawberry.field(description="Its Chinese name, e.g. 已交办.")
    terminal: bool = strawberry.field(description="True when no action leads out of it.")


@strawberry.type(name="WorkflowTransition", description="An action that moves a task.")
class WorkflowTransition:
    action: str = strawberry.field(description="The action, e.g. accept.")
    label: str = strawberry.field(description="Its Chinese name, e.g. 签收.")
    from_: str = strawberry.field(name="from", description="State it starts from.")
    to: str = strawberry.field(description="State it leads to.")
    roles: list[str] = strawberry.field(
        description="Who may take it: COORDINATOR, RESPONSIBLE_UNIT (the responsible unit's "
        "liaison) or COURT (the liaison of the case's court)."
    )
    requires: list[str] = strawberry.field(
        description="Inputs it needs: comment, evidence, dueOn, summonedOn (supervise needs "
        "its comment only when it lists the task 挂牌)."
    )


@strawberry.type(name="Workflow", description="A workflow definition: states, actions, diagram.")
class WorkflowType:
    key: str = strawberry.field(description="Which definition: default or enforcement.")
    version: int = strawberry.field(description="Version of the definition.")
    states: list[WorkflowState] = strawberry.field(description="Every state, start first.")
    transitions: list[WorkflowTransition] = strawberry.field(
        description="Every state-changing action, and the actions that record without moving "
        "(督办, 延期, 确认履行) as transitions from a state to itself."
    )
    mermaid: str = strawberry.field(description="The diagram as Mermaid stateDiagram-v2 text.")

    @classmethod
    def from_definition(cls, definition: Definition) -> Self:
        names = INPUT_NAMES
        transitions = [
            WorkflowTransition(
                action=t.action,
                label=t.label_zh,
                from_=t.source,
                to=t.target,
                roles=sorted(t.roles),
                requires=sorted(names[r] for r in t.requires),
            )
            for t in definition.transitions
        ]
        for side in definition.side_actions.values():
            transitions += [
                WorkflowTransition(
                    action=side.action,
                    label=side.label_zh,
                    from_=source,
                    to=source,
                    roles=sorted(side.roles),
                    requires=sorted(names[r] for r in side.requires),
                )
                for source in side.sources
            ]
        return cls(
            key=definition.key,
            version=definition.version,
            states=[
                WorkflowState(key=s.key, label=s.label_zh, terminal=s.terminal)
                for s in definition.states
            ],
            transitions=transitions,
            mermaid=to_mermaid(definition),
        )
