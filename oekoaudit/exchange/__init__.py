"""The .oekoaudit package: export, verify, import. Filled by the package issue."""
