"""Plain data and pure rules: frozen dataclasses and enums, no I/O, no third-party imports."""
