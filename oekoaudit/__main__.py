"""``oekoaudit`` and ``python -m oekoaudit``: the one entry point.

Parses the command line and hands over: ``gui`` (or no command) and ``screenshot`` to the Qt
shell, every other command to the headless command line. It sits above both layers, so
neither has to import the other, and Qt is imported only when a window is wanted.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    # the photo import runs in worker processes ("spawn"); in a PyInstaller bundle a worker is
    # this same executable, which must hand over to multiprocessing instead of parsing arguments
    multiprocessing.freeze_support()

    from oekoaudit.cli.parser import GUI_COMMANDS, parse_args

    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None or args.command in GUI_COMMANDS:
        from oekoaudit.ui.app import run as run_ui

        return run_ui(args)
    from oekoaudit.cli.commands import run as run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
