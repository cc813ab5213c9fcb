"""Use cases: the only door from the UI and the command line to the data and the rules.

``Services`` and ``open_services`` are loaded on first use, so that importing a light module
of this package (settings, labels) does not pull SQLAlchemy and Alembic into start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oekoaudit.services.container import Services, open_services

__all__ = ["Services", "open_services"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from oekoaudit.services import container

        return getattr(container, name)
    raise AttributeError(name)
