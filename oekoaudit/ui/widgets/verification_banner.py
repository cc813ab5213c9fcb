"""The verification state of an audit package, shown prominently above what it contains.

Three states, each with its own colour and sign (a user who does not read the words still sees
the colour, one who cannot tell the colours apart reads the sign and the words):

* green (``verified``): every member is there and unaltered, and the signature was made with a
  key the user confirmed;
* amber (``unconfirmed``): complete and unaltered, but nobody vouches for it — not signed, or
  signed with a key nobody has confirmed yet. The key id is shown in groups of four so it can be
  read out over the phone and compared with the signer's ("Schlüssel prüfen …" takes the
  signer's public key file and checks again);
* red (``problems``): something is missing, altered or the signature does not match.

In the review window it also says plainly that nothing is saved there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from oekoaudit import i18n
from oekoaudit.i18n import _, ngettext
from oekoaudit.ui.qtcompat import emit

VERIFIED = "verified"
UNCONFIRMED = "unconfirmed"
PROBLEMS = "problems"

#: state → (strong colour for text and sign, background, border)
COLOURS: dict[str, tuple[str, str, str]] = {
    VERIFIED: ("#1b5e20", "#edf5ee", "#8fc597"),
    UNCONFIRMED: ("#8a5a00", "#fff8e1", "#f0c36d"),
    PROBLEMS: ("#b71c1c", "#fdecea", "#ef9a9a"),
}
#: at most this many problems are named in the banner (the rest are counted)
SHOWN_PROBLEMS = 3


@dataclass(frozen=True, slots=True)
class VerificationFacts:
    """What the banner shows, taken from a Verification or from an import's summary (plain values)."""

    problems: tuple[str, ...] = ()  # in the user's language
    signature: str = "unsigned"  # unsigned | valid | invalid | trusted
    key_id: str | None = None
    signer: str | None = None
    signed_at: str | None = None  # ISO time
    created_at: str | None = None  # when the package was made (ISO time)
    app_version: str | None = None

    @property
    def state(self) -> str:
        if self.problems or self.signature == "invalid":
            return PROBLEMS
        if self.signature == "trusted":
            return VERIFIED
        return UNCONFIRMED


def facts_from_verification(verification: Any) -> VerificationFacts:
    """From ``oekoaudit.services.packages`` ``Verification`` (problems described in the user's language)."""
    signature = verification.signature
    manifest = verification.manifest if isinstance(verification.manifest, Mapping) else {}
    producer = manifest.get("producer") if isinstance(manifest.get("producer"), Mapping) else {}
    return VerificationFacts(
        problems=tuple(i18n.describe(p) for p in verification.problems),
        signature=str(signature.status), key_id=signature.key_id, signer=signature.name,
        signed_at=signature.signed_at, created_at=_text(manifest.get("created_at")),
        app_version=_text(producer.get("app_version")))


def facts_from_summary(summary: Mapping[str, Any]) -> VerificationFacts:
    """From :meth:`PreparedImport.summary` (a package that passed every check)."""
    signature = summary.get("signature") or {}
    producer = summary.get("producer") if isinstance(summary.get("producer"), Mapping) else {}
    return VerificationFacts(
        signature=str(signature.get("status") or "unsigned"), key_id=signature.get("key_id"),
        signer=signature.get("name"), signed_at=signature.get("signed_at"),
        created_at=_text(summary.get("created_at")), app_version=_text(producer.get("app_version")))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def format_time(iso: str | None) -> str:
    """An ISO time as the user reads it, in local time: 12.03.2026 14:05 (de) or 2026-03-12 14:05."""
    if not iso:
        return "–"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d.%m.%Y %H:%M" if i18n.get_language() == "de" else "%Y-%m-%d %H:%M")


def key_groups(key_id: str | None) -> str:
    """``1a2b3c4d5e6f7a8b`` → ``1a2b 3c4d 5e6f 7a8b``: easy to read out and compare."""
    if not key_id:
        return "–"
    return " ".join(key_id[i:i + 4] for i in range(0, len(key_id), 4))


def title_text(facts: VerificationFacts) -> str:
    state = facts.state
    if state == PROBLEMS:
        if not facts.problems:
            return _("The package's signature does not match its content")
        return _("The package is damaged or was altered")
    if state == VERIFIED:
        return _("Complete and unaltered – signature confirmed")
    if facts.signature == "valid":
        return _("Complete and unaltered – the signer's key is not confirmed")
    return _("Complete and unaltered – not signed")


def detail_text(facts: VerificationFacts) -> str:
    """Who signed and when (or why nobody vouches for it), or what is wrong."""
    state = facts.state
    if state == PROBLEMS:
        lines = list(facts.problems[:SHOWN_PROBLEMS])
        rest = len(facts.problems) - SHOWN_PROBLEMS
        if rest > 0:
            lines.append(ngettext("… and {n} more problem", "… and {n} more problems", rest).format(n=rest))
        if facts.signature == "invalid" and not facts.problems:
            lines.append(_("Someone changed the package after it was signed, or the signature is forged. "
                           "Do not rely on its content."))
        return "\n".join(lines)
    who = facts.signer or _("an unnamed signer")
    when = format_time(facts.signed_at)
    key = key_groups(facts.key_id)
    if state == VERIFIED:
        return _("Signed by {name} on {date} with the confirmed key {key}.").format(name=who, date=when, key=key)
    if facts.signature == "valid":
        return _("Signed by {name} on {date} with key {key}. Compare this key id with the signer (by phone, "
                 "for example) before you rely on it.").format(name=who, date=when, key=key)
    return _("Nobody vouches for this package with a signature: who made it cannot be checked.")


def origin_text(facts: VerificationFacts) -> str:
    if not facts.created_at:
        return ""
    if facts.app_version:
        return _("Package made on {date} with oekoaudit {version}").format(date=format_time(facts.created_at),
                                                                           version=facts.app_version)
    return _("Package made on {date}").format(date=format_time(facts.created_at))


@cache
def state_pixmap(state: str, size: int = 28) -> QPixmap:
    """A filled circle with a tick (verified), an exclamation mark (unconfirmed) or a cross."""
    colour = QColor(COLOURS[state][0])
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    pen = QPen(QColor("#ffffff"), size * 0.12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    s = size / 28
    if state == VERIFIED:
        path = QPainterPath(QPointF(8 * s, 14.5 * s))
        path.lineTo(QPointF(12.5 * s, 19 * s))
        path.lineTo(QPointF(20.5 * s, 9.5 * s))
        painter.drawPath(path)
    elif state == UNCONFIRMED:
        painter.drawLine(QPointF(14 * s, 7.5 * s), QPointF(14 * s, 15.5 * s))
        painter.drawPoint(QPointF(14 * s, 20.5 * s))
    else:
        painter.drawLine(QPointF(9.5 * s, 9.5 * s), QPointF(18.5 * s, 18.5 * s))
        painter.drawLine(QPointF(18.5 * s, 9.5 * s), QPointF(9.5 * s, 18.5 * s))
    painter.end()
    return pixmap


class VerificationBanner(QFrame):
    """``set_facts`` shows a state; ``check_key_requested`` asks for the signer's public key file."""

    check_key_requested = Signal()

    def __init__(self, parent: QWidget | None = None, review: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("verification_banner")
        self.facts = VerificationFacts()
        self._review = review
        outer = QHBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(12)
        self.icon_label = QLabel(self)
        self.icon_label.setObjectName("verification_icon")
        self.icon_label.setFixedSize(QSize(28, 28))
        outer.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(3)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("verification_title")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.12)
        self.title_label.setFont(font)
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("verification_detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.origin_label = QLabel(self)
        self.origin_label.setObjectName("verification_origin")
        self.origin_label.setTextFormat(Qt.TextFormat.PlainText)
        self.origin_label.setStyleSheet("color: #5f6368;")
        for label in (self.title_label, self.detail_label, self.origin_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(200)
            texts.addWidget(label)
        outer.addLayout(texts, 1)
        side = QVBoxLayout()
        side.setSpacing(6)
        self.review_label = QLabel(_("Review – nothing is saved"), self)
        self.review_label.setObjectName("verification_review")
        self.review_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.review_label.setToolTip(_("This window shows a package without importing it. Nothing you see here "
                                       "is written to your data; import the package to work on it."))
        self.review_label.setVisible(review)
        self.check_key_button = QPushButton(_("Check key …"), self)
        self.check_key_button.setObjectName("verification_check_key")
        self.check_key_button.setToolTip(_("Choose the signer's public key file (.pub) to confirm the signature"))
        self.check_key_button.setVisible(False)
        self.check_key_button.clicked.connect(lambda _checked=False: emit(self.check_key_requested))
        side.addWidget(self.review_label, 0, Qt.AlignmentFlag.AlignRight)
        side.addWidget(self.check_key_button, 0, Qt.AlignmentFlag.AlignRight)
        side.addStretch(1)
        outer.addLayout(side)
        self.set_facts(self.facts)

    @property
    def state(self) -> str:
        return self.facts.state

    def text(self) -> str:
        """Everything the banner says (for the accessible description and for tests)."""
        parts = [self.title_label.text(), self.detail_label.text(), self.origin_label.text()]
        if self._review:
            parts.append(self.review_label.text())
        return "\n".join(p for p in parts if p)

    def set_facts(self, facts: VerificationFacts) -> None:
        self.facts = facts
        state = facts.state
        colour, background, border = COLOURS[state]
        self.setStyleSheet(
            f"QFrame#verification_banner {{ background: {background}; border: 1px solid {border};"
            f" border-left: 6px solid {colour}; border-radius: 4px; }}"
            f"QLabel#verification_title {{ color: {colour}; }}"
            f"QLabel#verification_review {{ color: #ffffff; background: {colour}; border-radius: 10px;"
            " padding: 3px 10px; font-weight: bold; }")
        self.icon_label.setPixmap(state_pixmap(state))
        self.title_label.setText(title_text(facts))
        self.detail_label.setText(detail_text(facts))
        origin = origin_text(facts)
        self.origin_label.setText(origin)
        self.origin_label.setVisible(bool(origin))
        self.check_key_button.setVisible(facts.signature == "valid" and state == UNCONFIRMED)
        self.setAccessibleName(self.title_label.text())
        self.setAccessibleDescription(self.text())

