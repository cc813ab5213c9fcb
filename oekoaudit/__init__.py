"""oekoaudit: offline environmental audits (EMAS, ISO 14001, ÖKOPROFIT, QuB)."""

__version__ = "0.1.0"
