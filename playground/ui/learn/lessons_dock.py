"""The lesson side panel and the Lessons browser.

``LessonPanel`` shows an open lesson: its text (Markdown), its steps each with a **Do it** button
(performed by ``lessons_steps.perform``, through the same commands a person's clicks use; the
student may as well do it by hand), and the question with a **Reveal** button. ``LessonBrowser``
lists the lessons grouped as the course is, with their concepts and minutes; it is the start page
of a bare launch and Help > Lessons. Opening a lesson (``open_lesson``) loads its project, opens
its panels and shows the side panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

# playground.train (and so torch) is imported only when a lesson is used: the window paints first


def _markdown(text: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.MarkdownText)
    label.setText(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LessonPanel(QScrollArea):
    """The open lesson: text, steps with Do it, the question with Reveal."""

    step_done = Signal(int)

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        self.lesson = None
        self.next_step = 0
        self.setWidgetResizable(True)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.setWidget(self.body)
        self.buttons: list[QPushButton] = []
        self.status = QLabel()
        self.answer: QLabel | None = None
        self.layout_.addWidget(_markdown("Open a lesson from **Help > Lessons**."))

    def show_lesson(self, lesson) -> None:
        self.lesson, self.next_step, self.buttons = lesson, 0, []
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self.layout_.addWidget(_markdown(f"## {lesson.title}\n*{', '.join(lesson.concepts)} · {lesson.minutes} min*"))
        self.layout_.addWidget(_markdown(lesson.text))
        self.layout_.addWidget(_markdown("### Steps"))
        for i, step in enumerate(lesson.steps):
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(_markdown(f"**{i + 1}.** {step.text}"), 1)
            button = QPushButton("Do it")
            button.setToolTip("; ".join(step.actions) or "nothing to do: look")
            button.clicked.connect(lambda _c=False, k=i: self.do_step(k))
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.buttons.append(button)
            self.layout_.addWidget(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)
        if lesson.question:
            self.layout_.addWidget(_markdown(f"### Question\n{lesson.question}"))
            reveal = QPushButton("Reveal")
            self.answer = _markdown(lesson.answer)
            self.answer.hide()
            reveal.clicked.connect(self.reveal)
            self.reveal_button = reveal
            self.layout_.addWidget(reveal)
            self.layout_.addWidget(self.answer)
        self.layout_.addStretch(1)

    def do_step(self, index: int) -> str:
        from playground.ui.learn.lessons_steps import perform

        problem = perform(self.window, self.lesson.steps[index].actions)
        self.status.setText(f"Step {index + 1} not done: {problem}" if problem else f"Step {index + 1} done.")
        if not problem:
            self.buttons[index].setText("Done ✓")
            self.next_step = max(self.next_step, index + 1)
            self.step_done.emit(index)
        return problem

    def do_next(self) -> None:
        if self.lesson is not None and self.next_step < len(self.lesson.steps):
            self.do_step(self.next_step)

    def reveal(self) -> None:
        if self.answer is not None:
            self.answer.show()
            self.reveal_button.hide()


class LessonBrowser(QDialog):
    """Every lesson, grouped as the course is; double-click (or Open) opens one."""

    def __init__(self, parent=None, start_page: bool = False):
        from playground.train.lessons.catalog import GROUPS, readable_lessons

        super().__init__(parent)
        self.setObjectName("lesson_browser")
        self.setWindowTitle("Lessons")
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        intro = "Welcome! Pick a lesson to follow, or close this to build your own network." if start_page \
            else "Guided lessons: each opens a project and the panels it needs, with steps to do."
        layout.addWidget(QLabel(intro))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Lesson", "Concepts", "Minutes"])
        titles = dict(GROUPS)
        groups: dict[str, QTreeWidgetItem] = {}
        lessons, problems = readable_lessons()
        for lesson in lessons:
            if lesson.group not in groups:
                groups[lesson.group] = QTreeWidgetItem(self.tree, [titles[lesson.group]])
                groups[lesson.group].setExpanded(True)
            item = QTreeWidgetItem(groups[lesson.group], [lesson.title, ", ".join(lesson.concepts), str(lesson.minutes)])
            item.setData(0, Qt.ItemDataRole.UserRole, lesson.name)
        self.tree.resizeColumnToContents(0)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self._choose(item))
        self.lessons = {lesson.name: lesson for lesson in lessons}
        body = QHBoxLayout()
        body.addWidget(self.tree, 3)
        preview = QVBoxLayout()
        self.picture = QLabel()
        self.picture.setObjectName("lesson_picture")
        self.picture.setAccessibleName("The lesson's network")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop)
        preview.addWidget(self.picture)
        preview.addWidget(self.about, 1)
        body.addLayout(preview, 2)
        layout.addLayout(body)
        self.tree.currentItemChanged.connect(lambda item, _old: self._preview(item))
        first = groups[next(iter(groups))].child(0) if groups else None
        if first is not None:
            self.tree.setCurrentItem(first)
        if problems:  # a broken lesson file: the others still open
            self.problems = QLabel("Not listed: " + "\n".join(problems))
            self.problems.setWordWrap(True)
            self.problems.setStyleSheet("color: #D62728;")
            layout.addWidget(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(lambda: self._choose(self.tree.currentItem()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 580)

    def _preview(self, item) -> None:
        """The chosen lesson's picture (its network, drawn small), concepts, time and first lines."""
        from playground.ui.learn.lesson_picture import lesson_picture

        lesson = self.lessons.get(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None
        if lesson is None:
            return
        self.picture.setPixmap(lesson_picture(lesson))
        from html import escape

        intro = escape(lesson.text.split("\n\n")[0].replace("**", ""))
        self.about.setText(f"<b>{escape(lesson.title)}</b> · {lesson.minutes} min<br>"
                           f"<i>{escape(', '.join(lesson.concepts))}</i>"
                           f"<p>{intro}</p><p>{len(lesson.steps)} steps, then a question.</p>")

    def _choose(self, item) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if name:
            self.chosen = name
            self.accept()


def open_lesson(window, name: str):
    """Load lesson ``name``'s project into ``window``, open its panels, show its side panel."""
    from playground.train.lessons.catalog import lesson_project, load_lesson

    lesson = load_lesson(name)
    if not window.files.confirm_discard():
        return None
    window.set_project(lesson_project(lesson))
    window.lessons.dock.show()
    window.lessons.dock.raise_()
    window.lessons.panel.show_lesson(lesson)
    for key in lesson.panels:
        if key in window.docks:
            window.training.show_panel(key) if key in window.training.hosts or key == "curves" else window.show_panel(key)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, window.lessons.arrange)  # the lesson's panels large, its text readable
    return lesson
