"""Permissions, declared on fields: who may call what.

A missing or bad token is UNAUTHENTICATED; a signed-in account whose role may
not do something is FORBIDDEN. Both reach the client as top-level errors with
``extensions.code``. What a role may do to a particular task is the workflow
engine's to say (its refusals come back in the payload's ``errors``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from schema.context import Info
from schema.errors import Unauthenticated
from store.enums import Role
from store.models import Account
from workflow.i18n import N_, _, join, term

SIGN_IN = N_("sign in first: send `Authorization: Bearer <token>` from the login mutation")


def require_viewer(info: Info) -> Account:
    """The signed-in account, or an UNAUTHENTICATED error saying why there is none.

    Raised rather than returned as False: the reason (expired, revoked …) is
    per request, and permission instances are shared by every request.
    """
    context = info.context
    if context.viewer is not None and context.viewer.is_active:
        return context.viewer
    if context.auth_error is not None:
        raise Unauthenticated(_("sign in again: {auth_error}", auth_error=context.auth_error))
    raise Unauthenticated(_(SIGN_IN))


class IsAuthenticated(BasePermission):
    """The request carries a good bearer token of an active account."""

    @property
    def message(self) -> str:  # type: ignore[override]  # in the request's language
        return _(SIGN_IN)

    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012 (strawberry reads it)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        require_viewer(info)
        return True


class _HasRole(BasePermission):
    roles: ClassVar[frozenset[Role]] = frozenset()
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 (strawberry reads it)

    @property
    def message(self) -> str:  # type: ignore[override]  # in the request's language
        words = [term(role.label, role.value) for role in Role if role in self.roles]
        return _(
            "your role may not do this; it needs one of: {names}",
            names=join(words, "、", ", "),
        )

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return require_viewer(info).role in self.roles


def has_role(*roles: Role) -> type[BasePermission]:
    """A permission class admitting the given roles, with a message naming them."""
    return type(
        f"HasRole_{'_'.join(role.value for role in roles)}",
        (_HasRole,),
        {"roles": frozenset(roles)},
    )


IsCoordinator = has_role(Role.COORDINATOR)
IsCoordinatorOrCourt = has_role(Role.COORDINATOR, Role.COURT_LIAISON)
CanAct = has_role(Role.COORDINATOR, Role.COURT_LIAISON, Role.UNIT_LIAISON)
IsAdmin = has_role(Role.ADMIN)
IsCoordinatorOrAdmin = has_role(Role.COORDINATOR, Role.ADMIN)
IsCoordinatorOrLeader = has_role(Role.COORDINATOR, Role.LEADER)


class IsOwnAccount(BasePermission):
    """The field is read on the viewer itself (``viewer { notifications … }``)."""

    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 (strawberry reads it)

    @property
    def message(self) -> str:  # type: ignore[override]  # in the request's language
        return _("only your own notifications can be read: ask for them on `viewer`")

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = require_viewer(info)
        return bool(getattr(getattr(source, "row", None), "id", None) == viewer.id)


class IsOwnAccountOrAdmin(IsOwnAccount):
    """The field is read on the viewer itself, or by the administrator, who sets it
    (an account's reminder choices: setNotificationPreferences)."""

    @property
    def message(self) -> str:  # type: ignore[override]  # in the request's language
        return _("only the account itself and the administrator see how it is reminded")

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = require_viewer(info)
        return viewer.role is Role.ADMIN or super().has_permission(source, info, **kwargs)
