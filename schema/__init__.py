"""The GraphQL contract.

The store's enums are registered with strawberry here, before any type module
is imported, so that every annotation meets the registered enum.
"""

from schema import enums as _enums  # noqa: F401
