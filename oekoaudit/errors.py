"""Typed errors of the core.

Each error carries an English message template (a gettext msgid, marked for extraction with
``N_``) and its parameters. The text a user sees is produced by :func:`oekoaudit.i18n.describe`,
which translates the template and fills in the parameters, so every layer can raise errors
without importing the translation machinery, and every front end shows them in the user's
language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - gettext convention; marks a msgid for extraction
    return message


class OekoauditError(Exception):
    """Base class of every error meant for the user (never a programming error)."""

    template: str = N_("Something went wrong.")

    def __init__(self, template: str | None = None, **params: Any) -> None:
        if template is not None:
            self.template = template
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template


class UserInputError(OekoauditError):
    """A value the user typed or chose is not acceptable."""


class NotFoundError(OekoauditError):
    """Something the user named does not exist."""


class AmbiguousError(OekoauditError):
    """A short id or name matches more than one thing."""


class ReadOnlyError(OekoauditError):
    """The target may not be changed (for example a closed audit)."""


class StoreError(OekoauditError):
    """The data store cannot be used."""


class StoreLockedError(StoreError):
    template = N_(
        "The data folder {path} is in use by another oekoaudit (process {pid} on {host}). "
        "Close it first, or choose another data folder with --data-dir."
    )


class StoreTooNewError(StoreError):
    template = N_(
        "The data in {path} was written by a newer version of oekoaudit (schema {revision}). "
        "Please update oekoaudit; the data has not been changed."
    )


class StoreCorruptError(StoreError):
    template = N_(
        "The database {path} is damaged ({detail}). It has not been changed. "
        "Backups are in {backups}."
    )


class StorageFullError(StoreError):
    template = N_(
        "The data could not be written: the disk is full or not writable ({detail}). "
        "Nothing was changed."
    )


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One thing wrong with a catalogue file."""

    file: str
    location: str  # key path inside the file, e.g. "sections[2].items[0].title.de"
    item_key: str | None  # the key of the nearest section or item, if known
    template: str  # English msgid
    params: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        try:
            return self.template.format(**dict(self.params))
        except (KeyError, IndexError, ValueError):
            return self.template


class CatalogueError(OekoauditError):
    """A catalogue file does not pass validation."""

    template = N_("The catalogue {file} is not valid ({count} problems).")

    def __init__(self, file: str, problems: Sequence[CatalogueProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(file=file, count=len(self.problems))


class TableImportError(UserInputError):
    """A spreadsheet of figures or measures was not imported; ``problems`` names each problem with its
    row and column (as :class:`CatalogueProblem`). Nothing of the file was written."""

    template = N_("Nothing was imported from {file}; problems found: {count}.")

    def __init__(self, file: str, problems: Sequence[CatalogueProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(file=file, count=len(self.problems))


class CloseRefusedError(OekoauditError):
    """An audit cannot be signed and closed yet; ``problems`` says why."""

    template = N_("The audit cannot be closed yet. Missing: {details}")

    def __init__(self, problems: Sequence[Any], details: str) -> None:
        self.problems = tuple(problems)
        super().__init__(count=len(self.problems), details=details)


class PackageError(OekoauditError):
    """An audit package cannot be written, read or imported. Nothing of the user's data was changed.

    ``problems`` lists what was found (``exchange.container.Problem``), the first one named in the message."""

    template = N_("The package cannot be used.")

    def __init__(self, template: str | None = None, problems: Sequence[Any] = (), **params: Any) -> None:
        self.problems = tuple(problems)
        super().__init__(template, **params)


class PackageCancelled(OekoauditError):
    """An export or import was cancelled; nothing was written (no half file, no half import)."""

    template = N_("Cancelled: nothing was written.")
