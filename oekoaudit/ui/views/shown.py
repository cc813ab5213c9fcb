"""Views that read the store only while they are on screen.

A tab that is not shown does not read after every change: it notes that it is stale and reads
when it is shown again. The views name their reading method differently (``reload``,
``refresh``); each says which in ``_read``.
"""

from __future__ import annotations

from typing import Any


class ReadsWhenShown:
    """Mixin for a ``QWidget`` (listed before it): ``read_when_shown()`` and the ``showEvent`` that
    catches up. ``_read`` must clear ``_stale``."""

    _stale = False

    def _read(self) -> None:
        raise NotImplementedError

    def read_when_shown(self) -> None:
        """Read now if the view is visible, else when it is shown."""
        if self.isVisible():  # type: ignore[attr-defined]
            self._read()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self._stale:
            self._read()
