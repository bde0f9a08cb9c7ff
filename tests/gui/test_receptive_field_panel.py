"""The Receptive Field panel against independent references.

- the green box of a clicked unit equals the field composed here by hand from the layers' kernel,
  stride, padding and dilation (r += (k-1)*d*j, start += ((k-1)*d/2 - p)*j, j *= s);
- the red heat is |d unit / d input| from torch.autograd.grad on the trainer's own model, and its
  non-zero region lies inside the box;
- the table's sizes equal graph.receptive.receptive_fields;
- a network without image input says so.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from PySide6.QtCore import QPoint, Qt

from playground.graph.receptive import receptive_fields


def hand_box(layers, row, col, size):
    """(top, left, bottom, right) clipped to a size x size input, for a chain of (k, s, p, d) windows."""
    r, j, start = 1, 1, 0.0
    for k, s, p, d in layers:
        keff = (k - 1) * d + 1
        r, start, j = r + (keff - 1) * j, start + ((keff - 1) / 2 - p) * j, j * s
    lo = [start + i * j - (r - 1) / 2 for i in (row, col)]
    hi = [start + i * j + (r - 1) / 2 for i in (row, col)]
    return (max(0, math.ceil(lo[0])), max(0, math.ceil(lo[1])), min(size - 1, math.floor(hi[0])),
            min(size - 1, math.floor(hi[1]))), r


def click_unit(qtbot, panel, row, col):
    grid = panel.map_grid
    rect = grid.tile_rect(0)
    h, w = grid.tiles[0].shape[:2]
    pos = QPoint(int(rect.left() + (col + 0.5) * rect.width() / w), int(rect.top() + (row + 0.5) * rect.height() / h))
    n = panel.results
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=pos)
    assert panel.unit == (row, col)
    qtbot.waitUntil(lambda: panel.results > n and not panel.in_flight and not panel.stale, timeout=60000)


def choose_layer(qtbot, panel, name):
    n = panel.results
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(name))
    qtbot.waitUntil(lambda: panel.results > n and not panel.in_flight and not panel.stale, timeout=60000)
    assert panel.last_result.node == name


def gradient_of_unit(session, choice, forward, channel, row, col):
    """|d unit / d input| summed over input channels, (H, W), straight from autograd."""
    trainer = session.trainer
    x, _ = choice.fetch(trainer)
    model = trainer.model
    was = model.training
    model.eval()
    try:
        x = x.detach().clone().requires_grad_(True)
        out = forward(model, x)  # (1, C, h, w)
        (grad,) = torch.autograd.grad(out[0, channel, row, col], x)
    finally:
        model.train(was)
    return grad[0].abs().sum(0).numpy()  # (H, W)


def assert_inside(mask, box):
    t, l, b, r = box
    outside = mask.copy()
    outside[t:b + 1, l:r + 1] = False
    assert mask.any() and not outside.any()


def test_lenet_clicked_unit_box_heat_and_table(make_window, qtbot):
    window = make_window("lenet5")
    panel = window.training.show_panel("receptive_field")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    assert panel.last_error == ""
    s = window.training.session
    s.step(5)  # a few training steps first: the panel follows the trained weights
    qtbot.waitUntil(lambda: s.state == "paused" and s.trainer.step_count >= 5, timeout=60000)
    choose_layer(qtbot, panel, "conv2")
    panel.channel_spin.setValue(2)
    qtbot.waitUntil(lambda: panel.last_result.unit[0] == 2 and not panel.in_flight, timeout=60000)

    layers = [(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 0, 1)]  # conv1, pool1 (tanh changes nothing), conv2
    forward = lambda m, x: m.conv2(m.pool1(m.tanh1(m.conv1(x))))  # noqa: E731
    for row, col in ((4, 5), (0, 0), (9, 3)):
        click_unit(qtbot, panel, row, col)
        box, size = hand_box(layers, row, col, 28)
        assert panel.input_grid.boxes[0] == box
        assert panel.map_grid.boxes[0] == (row, col, row, col)
        heat = gradient_of_unit(s, panel.choice, forward, 2, row, col)
        np.testing.assert_allclose(panel.input_grid.heats[0], heat, rtol=1e-4, atol=1e-7)
        assert_inside(heat > 0, box)
        # the feature map tile is the layer's real output
        with torch.no_grad():
            x, _ = panel.choice.fetch(s.trainer)
            s.trainer.model.eval()
            fmap = forward(s.trainer.model, x)[0, 2].numpy()
            s.trainer.model.train()
        np.testing.assert_allclose(panel.map_grid.tiles[0], fmap, rtol=1e-4, atol=1e-6)
        text = panel.summary.text()
        assert f"Theoretical {size}x{size}" in text and "95% of the gradient mass within" in text
    click_unit(qtbot, panel, 0, 0)
    assert "2 px past the top, 2 px past the left" in panel.summary.text()  # conv1's padding

    fields = receptive_fields(window.doc.graph, window.doc.shapes)
    table = panel.table
    assert table.rowCount() == len(window.doc.shapes.order)
    for r in range(table.rowCount()):
        node = window.doc.graph.by_name(table.item(r, 0).text())
        f = fields[node.id]
        assert table.item(r, 3).data(Qt.ItemDataRole.UserRole) == (f.size if f else None)
        if f is not None and not f.whole_input:
            assert table.item(r, 3).text() == f"{f.size:g}x{f.size:g}" and table.item(r, 4).text() == f"{f.jump:g}"
    conv2 = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "conv2")
    assert "(k-1)*d*j_in" in table.item(conv2, 5).text() and "= 14" in table.item(conv2, 5).text()

    # another input: the panel follows the shared choice
    n = panel.results
    qtbot.waitUntil(lambda: panel.picker.index_box.maximum() >= 3, timeout=30000)  # the split's size is known
    panel.picker.index_box.setValue(3)
    assert (panel.choice.split, panel.choice.index) == ("val", 3)
    qtbot.waitUntil(lambda: panel.results > n and not panel.in_flight and not panel.stale, timeout=60000)
    heat = gradient_of_unit(s, panel.choice, forward, 2, 0, 0)
    np.testing.assert_allclose(panel.input_grid.heats[0], heat, rtol=1e-4, atol=1e-7)
    # clicking a table row picks that layer
    pool1 = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "pool1")
    table.cellClicked.emit(pool1, 0)
    assert panel.layer_combo.currentData() == "pool1"
    qtbot.waitUntil(lambda: panel.last_result.node == "pool1" and not panel.in_flight, timeout=60000)


def test_resnet_branches_and_stride(make_window, qtbot):
    window = make_window("resnet_small")
    panel = window.training.show_panel("receptive_field")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    choose_layer(qtbot, panel, "add2")
    # main branch conv1..conv3 (k3 p1), conv4 (k3 s2 p1), conv5 (k3 p1); the shortcut conv6 (k1 s2) sees
    # less with the same centre, so the union is the main branch's field
    main = [(3, 1, 1, 1)] * 3 + [(3, 2, 1, 1), (3, 1, 1, 1)]
    s = window.training.session

    def forward(m, x):
        a1 = m.relu1(m.bn1(m.conv1(x)))
        r3 = m.relu3(m.bn3(m.conv3(m.relu2(m.bn2(m.conv2(a1))))) + a1)
        return m.bn5(m.conv5(m.relu4(m.bn4(m.conv4(r3))))) + m.bn6(m.conv6(r3))  # add2: (1, 32, 14, 14)

    for row, col in ((0, 13), (7, 6)):
        click_unit(qtbot, panel, row, col)
        box, size = hand_box(main, row, col, 28)
        assert size == 13 and panel.input_grid.boxes[0] == box
        heat = gradient_of_unit(s, panel.choice, forward, panel.channel_spin.value(), row, col)
        np.testing.assert_allclose(panel.input_grid.heats[0], heat, rtol=1e-4, atol=1e-7)
        assert_inside(heat > 0, box)
    add2 = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == "add2")
    assert "union of the branches (bn5 13x13, bn6 7x7)" in panel.table.item(add2, 5).text()


def test_a_network_without_image_input_says_so(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = window.training.show_panel("receptive_field")
    assert panel.layer_combo.count() == 0
    assert "need an image input" in panel.last_error and not panel.message_label.isHidden()
    assert "need an image input" in panel.map_grid.empty_text
    assert panel.job() is None
    assert panel.table.rowCount() == len(window.doc.shapes.order)
    assert {panel.table.item(r, 3).text() for r in range(panel.table.rowCount())} == {"-"}
