"""The fuyuan workflow engine: pure Python over networkx graphs.

No database, no GraphQL: the persistence layer loads a task snapshot, asks the
engine for a decision and applies it; the API reads definitions, warnings,
progress and diagrams from here.
"""

from __future__ import annotations

from workflow.builtin import DEFAULT_DEFINITION, default_definition, enforcement_definition
from workflow.calendar import (
    OfficialYear,
    WorkingCalendar,
    default_calendar,
    install_calendar,
    official_years,
    package_years,
)
from workflow.definition import (
    Definition,
    SideAction,
    State,
    Transition,
    load_definition,
    migrate_state_map,
)
from workflow.dependencies import DependencyGraph
from workflow.diagrams import to_dot, to_mermaid
from workflow.engine import (
    Actor,
    Decision,
    EnforcementFacts,
    TaskSnapshot,
    actor_roles,
    applied,
    available_actions,
    decide,
    facts_needed,
    replay,
    unavailable_actions,
)
from workflow.errors import (
    CalendarUnavailable,
    CycleError,
    DefinitionError,
    Forbidden,
    GuardFailed,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    MissingInput,
    StateMapError,
    UnknownDefinition,
    UnknownTask,
    WorkflowError,
)
from workflow.money import format_fen
from workflow.progress import Progress, progress, steps_to_closed
from workflow.registry import (
    definition_for,
    definition_key_for,
    get_definition,
    latest_definition,
    register_definition,
    registered_definitions,
    unregister_definition,
)
from workflow.warnings import (
    Escalation,
    SupervisionLevel,
    SweepItem,
    WarningColor,
    escalate,
    sweep_decisions,
    warning_for,
)

__all__ = [
    "DEFAULT_DEFINITION",
    "Actor",
    "CalendarUnavailable",
    "CycleError",
    "Decision",
    "Definition",
    "DefinitionError",
    "DependencyGraph",
    "EnforcementFacts",
    "Escalation",
    "Forbidden",
    "GuardFailed",
    "InconsistentHistory",
    "InvalidInput",
    "InvalidTransition",
    "MissingInput",
    "OfficialYear",
    "Progress",
    "SideAction",
    "State",
    "StateMapError",
    "SupervisionLevel",
    "SweepItem",
    "TaskSnapshot",
    "Transition",
    "UnknownDefinition",
    "UnknownTask",
    "WarningColor",
    "WorkflowError",
    "WorkingCalendar",
    "actor_roles",
    "applied",
    "available_actions",
    "decide",
    "default_calendar",
    "default_definition",
    "definition_for",
    "definition_key_for",
    "enforcement_definition",
    "escalate",
    "facts_needed",
    "format_fen",
    "get_definition",
    "install_calendar",
    "latest_definition",
    "load_definition",
    "migrate_state_map",
    "official_years",
    "package_years",
    "progress",
    "register_definition",
    "registered_definitions",
    "replay",
    "steps_to_closed",
    "sweep_decisions",
    "to_dot",
    "to_mermaid",
    "unavailable_actions",
    "unregister_definition",
    "warning_for",
]
