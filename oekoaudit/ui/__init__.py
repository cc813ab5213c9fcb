"""The Qt shell: the only package that imports PySide6.

Entry point: :func:`oekoaudit.ui.app.run`. Everything here reaches data through
``oekoaudit.services`` and shows domain dataclasses; nothing below this package knows Qt.
"""
