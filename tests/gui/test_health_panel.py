"""Training Health panel: the live gradient history equals the engine's measurement and an independent
recomputation of the same step; the 1e-3 reference; dead ReLU shares against an independent forward
pass; the sanity buttons' answers (the initial loss against sanity.initial_loss_check), the LR finder's
"use" button; a check asked for while training pauses it and changes no weight; the history's bounds."""

from __future__ import annotations

import copy
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from playground.graph.project import PRESETS_DIR, project_from_dict
from playground.train import Callback, sanity
from playground.train.health_view import RESTING_EXAMPLES
from playground.ui.panels.health_history import REFERENCE_RATIO, HealthHistory
from tests.references import dead_relu_shares

LONG = 100000


def _relu_project():
    data = json.loads((PRESETS_DIR / "tfp_mlp.json").read_text())
    for node in data["graph"]["nodes"]:
        if node["kind"] == "Tanh":
            node["kind"] = "ReLU"
            node["name"] = node["name"].replace("tanh", "relu")
    for edge in data["graph"]["edges"]:
        for i, end in enumerate(edge):
            if isinstance(end, str):
                edge[i] = end.replace("tanh", "relu")
    return project_from_dict(data)


class _Recompute(Callback):
    """In the training thread, after every step (the recorder's callback runs before this one): the
    gradient norms recomputed from the parameters' .grad, and the update/weight ratio from the
    weights this spy copied after the step before, independently of the recorder."""

    def __init__(self):
        self.seen = {}
        self.before = None

    def on_fit_start(self, trainer):
        self.before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}

    def on_batch_end(self, trainer, info):
        norms, ratios = {}, {}
        now = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
        for name, m in trainer.model.named_modules():
            own = [(f"{name}.{k}" if name else k, p) for k, p in m.named_parameters(recurse=False)]
            if not own:
                continue
            norms[name] = math.sqrt(sum(float(p.grad.pow(2).sum()) for _, p in own))
            du = math.sqrt(sum(float((now[k] - self.before[k]).pow(2).sum()) for k, _ in own))
            w0 = math.sqrt(sum(float(self.before[k].pow(2).sum()) for k, _ in own))
            ratios[name] = du / w0
        self.seen[info.step] = (norms, ratios)
        self.before = now


def test_recorded_history_equals_an_independent_recomputation(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    spy = _Recompute()
    s.extra_callbacks.append(spy)
    panel = window.training.show_panel("health")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)  # at rest before training: the step-0 point
    assert panel.history.n == 1 and panel.history.steps[0] == 0
    s.apply_setting(epochs=LONG)
    s.play()
    qtbot.waitUntil(lambda: panel.live_results >= 2 and panel.history.n >= 4, timeout=60000)
    s.pause()
    qtbot.waitUntil(lambda: s.state == "paused", timeout=20000)
    qtbot.waitUntil(lambda: panel.results >= 3, timeout=20000)
    h = panel.history
    assert h.n >= 4 and h.steps[0] == 1 and np.all(np.diff(h.steps[: h.n]) > 0)  # from the run's first step
    assert h.names == ("fc1", "fc2", "fc3")
    for row in range(h.n):
        norms, ratios = spy.seen[int(h.steps[row])]
        assert h.grad[row] == pytest.approx([norms[n] for n in h.names], rel=1e-5)
        assert h.ratio[row] == pytest.approx([ratios[n] for n in h.names], rel=1e-4)
    for i, curve in enumerate(panel.curves["grad"]):  # what is drawn is the history
        x, y = curve.getOriginalDataset()
        assert np.allclose(x, h.steps[: h.n]) and np.allclose(y, h.grad[: h.n, i])
    s.shutdown()


def test_log_axes_and_the_reference_line_at_1e_3(make_window, qtbot):
    window = make_window("perceptron")
    panel = window.training.show_panel("health")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    assert REFERENCE_RATIO == 1e-3
    assert 10 ** panel.reference.value() == pytest.approx(1e-3)
    assert panel.reference.getViewBox() is panel.ratio_plot.getPlotItem().getViewBox()
    for plot in (panel.grad_plot, panel.ratio_plot):
        assert plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert "1e-3 is healthy" in panel.ratio_note.text() and "too large" in panel.ratio_note.text()
    assert "vanishing" in panel.explanation


def test_dead_relu_shares_equal_an_independent_forward_pass(make_window, qtbot):
    window = make_window(_relu_project())
    s = window.training.session
    panel = window.training.show_panel("health")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)

    def kill(trainer):  # five of fc1's eight units never fire again
        with torch.no_grad():
            trainer.model.get_submodule("fc1").bias[:5] = -100.0
    done = []
    s.job_done.connect(lambda owner, result: done.append(owner))
    s.submit("test", kill)
    qtbot.waitUntil(lambda: "test" in done, timeout=30000)
    before = panel.results
    panel.invalidate()
    qtbot.waitUntil(lambda: panel.results > before, timeout=30000)
    model = copy.deepcopy(s.trainer.model).eval()
    feed = s.trainer.train_feed
    x, _ = feed.sample(list(range(min(len(feed), RESTING_EXAMPLES))))
    expected = dead_relu_shares(model, x)
    assert expected["relu1"] >= 5 / 8
    assert panel.unit_shares == pytest.approx(expected)
    heights = panel.bars.opts["height"]
    assert list(heights) == pytest.approx([100 * expected[u.name] for u in panel.latest.units])
    note = panel.units_note.text()
    assert "relu1" in note and "smaller learning rate" in note and "leaky ReLU" in note


def _click(qtbot, panel, tool):
    box = panel.sanity
    qtbot.mouseClick(box.buttons[tool], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.busy is None, timeout=120000)
    return box.answers[tool].text()


def test_sanity_buttons_answer_in_words_and_the_lr_can_be_used(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    panel = window.training.show_panel("health")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    qtbot.waitUntil(lambda: s.thread is None, timeout=20000)
    direct = sanity.initial_loss_check(s.trainer)  # idle: the trainer can be asked directly
    text = _click(qtbot, panel, "initial_loss")
    assert panel.sanity.reports["initial_loss"].loss == pytest.approx(direct.loss)
    assert f"{direct.loss:.3g}" in text and ("OK" in text) == direct.ok
    for tool, words in (("overfit", "examples"), ("gradient_check", "gradient"), ("lr_finder", "learning rate")):
        text = _click(qtbot, panel, tool)
        assert words in text and panel.sanity.reports[tool].message in text
    report = panel.sanity.reports["lr_finder"]
    assert panel.sanity.lr_plot.isVisibleTo(panel) and panel.sanity.use_lr.isVisibleTo(panel)
    x, _ = panel.sanity.lr_curve.getOriginalDataset()
    assert np.allclose(x, report.lrs)
    suggested = float(f"{report.suggested_lr:.2g}")
    assert 10 ** panel.sanity.lr_mark.value() == pytest.approx(suggested)
    qtbot.mouseClick(panel.sanity.use_lr, Qt.MouseButton.LeftButton)
    assert window.doc.project.training["lr"] == pytest.approx(suggested)
    assert s.config().lr == pytest.approx(suggested)


def test_a_check_while_training_pauses_first_and_changes_no_weight(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    panel = window.training.show_panel("health")
    s.apply_setting(epochs=LONG)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    got = {}
    s.job_done.connect(lambda owner, result: got.__setitem__(owner, result))
    panel.sanity.run("initial_loss")
    assert "paused" in panel.sanity.status.text()
    qtbot.waitUntil(lambda: panel.sanity.busy is None, timeout=60000)
    qtbot.waitUntil(lambda: s.state == "paused", timeout=20000)
    assert "Could not" not in panel.sanity.answers["initial_loss"].text()
    snap = lambda t: (t.step_count, copy.deepcopy(t.model.state_dict()), t.train_feed._order.clone())  # noqa: E731
    s.submit("before", snap)
    qtbot.waitUntil(lambda: "before" in got, timeout=20000)
    _click(qtbot, panel, "lr_finder")
    s.submit("after", snap)
    qtbot.waitUntil(lambda: "after" in got, timeout=20000)
    (n0, w0, o0), (n1, w1, o1) = got["before"], got["after"]
    assert n0 == n1 and torch.equal(o0, o1)
    assert all(torch.equal(w0[k], w1[k]) for k in w0)
    s.shutdown()
    window.doc.mark_saved()


def _health(step, values):
    layers = [SimpleNamespace(name=f"l{i}", grad_norm=v, update_ratio=v / 10) for i, v in enumerate(values)]
    return SimpleNamespace(step=step, layers=layers, units=[])


def test_history_is_bounded_thins_by_two_and_starts_over_for_new_layers():
    h = HealthHistory(capacity=8)
    for step in range(1, 9):
        assert h.add(_health(step, [step, 2 * step]))
    assert h.n == 8 and not h.add(_health(8, [1, 1]))  # not after the last step
    h.add(_health(9, [9, 18]))
    assert h.n == 5 and h.stride == 2
    assert h.steps[: h.n].tolist() == [1, 3, 5, 7, 9]
    x, y = h.series("grad", 1)
    assert y.tolist() == [2, 6, 10, 14, 18]
    assert not h.add(_health(10, [1, 1])) and h.add(_health(11, [1, 0]))
    assert np.isnan(h.series("grad", 1)[1][-1])  # a zero cannot be drawn on a log axis
    h.add(_health(12, [1]))
    assert h.names == ("l0",) and h.n == 1
