"""Lessons in the window: the browser, the Lesson dock's Do it / Reveal through undoable commands
and the settings path, presentation mode's state, and the start page only for a bare launch."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from playground.train.config import TrainConfig
from playground.train.lessons import list_lessons
from playground.ui.learn.lessons_dock import open_lesson


def test_help_menu_browser_lists_every_lesson_grouped(make_window):
    window = make_window("tfp_mlp")
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    assert window.lessons.browse_action in help_menu.actions()
    window.lessons.browse_action.trigger()
    tree = window.lessons.browser.tree
    names = [tree.topLevelItem(g).child(i).data(0, 256) for g in range(tree.topLevelItemCount())
             for i in range(tree.topLevelItem(g).childCount())]
    assert names == [l.name for l in list_lessons()]
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    window.lessons.browser._choose(tree.currentItem())
    assert window.lessons.panel.lesson.name == names[0]
    assert window.doc.project.name == list_lessons()[0].title
    window.lessons.browser.close()


def test_do_it_goes_through_undo_and_settings(make_window, qtbot):
    window = make_window("tfp_mlp")
    lesson = open_lesson(window, "activations_saturation")
    assert window.lessons.dock.isVisible()
    assert window.doc.project.dataset["name"] == "spiral"
    kinds = lambda: (window.doc.graph.find("tanh1").kind, window.doc.graph.find("tanh2").kind)  # noqa: E731
    assert kinds() == ("Tanh", "Tanh")
    panel = window.lessons.panel
    replace_step = next(i for i, s in enumerate(lesson.steps) if any(a.startswith("replace") for a in s.actions))
    # performing only the edits of that step (the step also trains: not needed to check the edits)
    from playground.ui.learn.lessons_steps import perform

    assert perform(window, ("replace layer tanh1 ReLU", "replace layer tanh2 ReLU")) == ""
    assert kinds() == ("ReLU", "ReLU")
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert kinds() == ("Tanh", "Tanh")  # each replacement is one undo step
    assert perform(window, ("set training.lr 0.005",)) == ""
    assert TrainConfig.from_dict(window.doc.project.training).lr == 0.005
    assert "no layer named" in perform(window, ("set layer nope.units 3",))
    assert replace_step >= 0
    panel.reveal()
    assert panel.answer.isVisibleTo(panel)


def test_presentation_mode_state_and_back(make_window):
    window = make_window("tfp_mlp")
    open_lesson(window, "learning_rate")
    app = QApplication.instance()
    size = app.font().pointSizeF()
    shown_before = {key: dock.isHidden() for key, dock in window.docks.items()}  # (the workspace decides)
    window.lessons.present_action.trigger()  # F11
    assert window.lessons.presenting and window.isFullScreen()
    from playground.ui.learn.lessons_present import ZOOM

    assert ZOOM > 1.2 and abs(app.font().pointSizeF() - size * ZOOM) < 0.01
    assert window.docks["layers"].isHidden() and window.docks["inspector"].isHidden()
    assert window.lessons.bar is not None and all(s.isEnabled() for s in window.lessons._keys)
    window.lessons.present_action.trigger()
    assert not window.lessons.presenting and not window.isFullScreen()
    assert app.font().pointSizeF() == size
    assert {key: dock.isHidden() for key, dock in window.docks.items()} == shown_before  # the window as it was
    assert not any(s.isEnabled() for s in window.lessons._keys)


def test_next_step_key_performs_the_next_step(make_window):
    window = make_window("tfp_mlp")
    open_lesson(window, "conv_arithmetic")
    panel = window.lessons.panel
    panel.do_next()  # step 1: open the conv view
    assert panel.next_step == 1 and not window.docks["conv"].isHidden()
    assert window.doc.graph.find("conv1").params["padding"] == 2  # LeNet-5 as shipped
    panel.do_next()  # step 2: no padding
    assert window.doc.graph.find("conv1").params["padding"] == 0
    assert window.doc.shapes.shape(window.doc.graph.find("conv1").id)[-2:] == (24, 24)
    window.doc.undo_stack.undo()
    assert window.doc.graph.find("conv1").params["padding"] == 2


def test_start_page_only_for_a_bare_launch(monkeypatch, make_window):
    from playground.ui.app import shows_start_page

    assert shows_start_page(None, None, None)
    assert not shows_start_page("x.pgproj", None, None)
    assert not shows_start_page(None, "lenet5", None)
    assert not shows_start_page(None, None, "cannot open")
    monkeypatch.setenv("PLAYGROUND_NO_START_PAGE", "1")
    assert not shows_start_page(None, None, None)
    window = make_window("tfp_mlp")  # a window built for a preset (tests, screenshots) shows no browser
    assert window.lessons.browser is None
    browser = window.lessons.browse(start_page=True)
    assert browser.isVisible() and not browser.isModal()  # the window stays usable; closing dismisses it
    browser.reject()
    assert not browser.isVisible() and window.lessons.panel.lesson is None


def test_every_verb_has_a_window_handler_and_augment_reaches_the_dataset(make_window):
    from playground.train.lessons.actions import VERBS
    from playground.ui.learn.lessons_steps import HANDLERS, perform

    assert set(HANDLERS) == set(VERBS)
    window = make_window("lenet5")
    assert perform(window, ("set augment.shift 3", "set augment.rotate 15")) == ""
    assert window.doc.project.dataset["augment"] == {"shift": 3, "rotate": 15}
    assert "augment" in perform(window, ("set augment.shift 99",)) or "shift" in perform(window, ("set augment.shift 99",))
    assert window.doc.project.dataset["augment"]["shift"] == 3  # refused: nothing changed


def test_a_broken_lesson_file_is_named_and_the_rest_still_list(make_window, tmp_path, monkeypatch):
    import shutil

    from playground.train.lessons import catalog
    from playground.ui.learn.lessons_dock import LessonBrowser

    good = len(list_lessons())
    folder = tmp_path / "lessons"
    shutil.copytree(catalog.lessons_dir(), folder)
    (folder / "zz_broken.md").write_text("no front matter here", encoding="utf-8")
    monkeypatch.setattr(catalog, "lessons_dir", lambda: folder)
    window = make_window("tfp_mlp")
    browser = LessonBrowser(window)
    listed = sum(browser.tree.topLevelItem(g).childCount() for g in range(browser.tree.topLevelItemCount()))
    assert listed == good  # every good lesson still listed
    assert "zz_broken" in browser.problems.text() and "front matter" in browser.problems.text()
    window.reset_layout()
    assert window.lessons.dock.isHidden()  # no lesson open: no empty Lesson dock after Reset Layout


def test_browser_shows_each_lessons_own_network_as_its_picture(qtbot):
    """The picture is the lesson's project: one block per layer left to right, each in its
    category's canvas colour (sampled at the block's centre), and the dataset's name."""
    from playground.train.lessons.catalog import lesson_project
    from playground.ui.common import style
    from playground.ui.learn.lessons_dock import LessonBrowser

    browser = LessonBrowser(None, True)
    qtbot.addWidget(browser)
    lesson = next(l for l in list_lessons() if l.name == "activations_saturation")
    tree = browser.tree
    item = next(tree.topLevelItem(g).child(i) for g in range(tree.topLevelItemCount())
                for i in range(tree.topLevelItem(g).childCount())
                if tree.topLevelItem(g).child(i).data(0, 256) == lesson.name)
    tree.setCurrentItem(item)
    image = browser.picture.pixmap().toImage()
    graph = lesson_project(lesson).graph
    order = [graph.nodes[i] for i in graph.topological_order()]  # a chain: one block per column
    n, gap = len(order), 4.0
    block_w = (image.width() - 16 - gap * (n - 1)) / n
    for k, node in enumerate(order):
        x = int(8 + k * (block_w + gap) + 2)  # inside the block, clear of its centred label
        y = int(8 + (image.height() - 30) / 2 - 8)
        assert image.pixelColor(x, y).name() == style.category_color(node.spec.category).name(), node.name
    assert lesson.title in browser.about.text() and str(lesson.minutes) in browser.about.text()


def test_sweep_step_fills_and_runs_the_sweep_dialog(make_window, qtbot):
    from playground.ui.learn.lessons_steps import perform

    window = make_window("tfp_mlp")
    open_lesson(window, "hyperparameter_search")
    assert perform(window, ("sweep random 4 lr=1e-3:1:log batch_size=10,32",)) == ""
    dialog = window.training.sweep_dialog
    assert dialog.isVisible() and dialog.search.currentText() == "random" and dialog.trials.value() == 4
    assert {k for k, box in dialog.vary.items() if box.isChecked()} == {"lr", "batch_size"}
    assert dialog.ranges["lr"].text() == "1e-3:1:log"
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    dialog.drain()
    assert dialog.table.rowCount() == 4
    dialog.close()


def test_opening_a_lesson_keeps_a_1280x720_window_on_the_screen(qtbot):
    """Inside panels scroll within their dock: a panel's minimum height (the Decision Boundary's
    plane asked for 467 px while it built) no longer makes the window taller than a projector."""
    from playground.graph.project import load_project
    from playground.ui.window.main_window import MainWindow

    window = MainWindow(load_project("tfp_mlp"), restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    open_lesson(window, "xor_perceptron")
    for _ in range(10):
        QApplication.processEvents()
        qtbot.wait(20)
    assert window.height() == 720 and window.width() == 1280
    window.shutdown()


def test_lesson_screenshot_shows_no_training_a_reset_threw_away():
    """A step that resets: the picture shows the fresh network, not the training before the reset."""
    from playground.train.lessons import load_lesson
    from playground.ui.window.screenshot import trained_since_reset

    steps = load_lesson("xor_perceptron").steps
    assert trained_since_reset(steps[:1]) == 300
    assert trained_since_reset(steps[:2]) == 0  # step 2 resets
    assert trained_since_reset(steps[:3]) == 300
