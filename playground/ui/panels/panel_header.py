"""The frame every explained panel starts from: a column layout, a muted explanation line at the
top and a hidden error-message line.

Owns ``explained_layout``, shared by ``ProbePanel`` (panels that ask the training thread) and
``LearnView`` (Learn views that compute for themselves). The caller adds its content to the layout
and then the message label at the bottom, and shows messages in it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.ui.common import style


def explained_layout(widget: QWidget, explanation: str) -> tuple[QVBoxLayout, QLabel, QLabel]:
    """Give ``widget`` a column layout with the ``explanation`` on top; returns (layout, the
    explanation label, the message label: styled for errors, hidden, not yet in the layout)."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(6, 4, 6, 4)
    layout.setSpacing(4)
    explain_label = QLabel(explanation)
    explain_label.setWordWrap(True)
    style.mute(explain_label)
    layout.addWidget(explain_label)
    message_label = QLabel("")
    message_label.setWordWrap(True)
    message_label.setStyleSheet(style.css("ERROR_TEXT"))
    message_label.hide()
    return layout, explain_label, message_label
