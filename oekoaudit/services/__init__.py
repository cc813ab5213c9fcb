"""Use cases: the only door from the UI and the command line to the data and the rules."""

from oekoaudit.services.container import Services, open_services

__all__ = ["Services", "open_services"]
