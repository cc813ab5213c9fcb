"""What a command changed, so that views can decide whether to reload (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    organisations: bool = False
    audits: bool = False
    answers: bool = False
    findings: bool = False
    #: photos and documents, their links, captions, annotations or order
    evidence: bool = False
    #: measures of the environmental programme
    measures: bool = False
    #: environmental figures, their settings (figure B) or an audit's emission factors
    indicators: bool = False
    #: the audit concerned, if the change is limited to one
    audit_id: str | None = None
    #: the item keys concerned, if the change is limited to some answers
    item_keys: tuple[str, ...] = ()
