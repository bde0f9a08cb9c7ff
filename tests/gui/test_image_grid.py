"""ImageGrid's layouts (best fit, fixed columns, wrapping, a stretched strip): tiles sit where the
options say, a click maps back to the right tile and pixel, and a long gallery paints."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from playground.ui.plots.image_grid import GAP, ImageGrid


def _grid(qtbot, n=12, shape=(7, 5), width=600, height=400, **options):
    grid = ImageGrid(**options)
    qtbot.addWidget(grid)
    grid.resize(width, height)
    tiles = [np.full(shape, float(k)) + np.arange(shape[1]) / 10 for k in range(n)]
    grid.set_tiles(tiles, [f"t{k}" for k in range(n)], legend=False)
    return grid


def _columns(grid) -> int:
    lefts = {round(grid.tile_rect(i).left()) for i in range(len(grid.tiles))}
    return len(lefts)


@pytest.mark.parametrize("options", [{}, {"columns": 3}, {"wrap": True, "min_tile": 40, "max_tile": 40},
                                     {"stretch_cell": 16}])
def test_a_click_finds_the_tile_and_pixel_under_it(qtbot, options):
    grid = _grid(qtbot, **options)
    for i in (0, 5, len(grid.tiles) - 1):
        rect = grid.tile_rect(i)
        h, w = grid.tiles[i].shape
        row, col = 4, 2
        point = QPointF(rect.left() + (col + 0.5) * rect.width() / w, rect.top() + (row + 0.5) * rect.height() / h)
        assert grid.hit(point) == (i, row, col)
        assert grid.tiles[i][row, col] == pytest.approx(i + col / 10)
    gap = grid.tile_rect(0)
    assert grid.hit(QPointF(gap.right() + GAP / 2, gap.center().y())) is None or _columns(grid) == 1


def test_layout_options(qtbot):
    assert _columns(_grid(qtbot, columns=3)) == 3
    wrapped = _grid(qtbot, wrap=True, min_tile=40, max_tile=40, width=300)
    assert wrapped.tile_rect(0).width() == 40
    assert _columns(wrapped) == (300 + GAP) // (40 + GAP)
    strip = _grid(qtbot, n=1, shape=(1, 10), stretch_cell=16)
    assert strip.tile_rect(0).width() == 160  # 10 values at 16 pixels, less than the width
    best = _grid(qtbot, n=4, width=600, height=400)
    assert 1 <= _columns(best) <= 4 and best.tile_rect(0).width() >= best.min_tile
    best.columns = 2  # an option changed later takes effect at once
    assert _columns(best) == 2


def test_a_long_gallery_asks_for_its_height_and_paints(qtbot):
    grid = _grid(qtbot, n=400, shape=(28, 28), min_tile=60, max_tile=60, width=500)
    rows = -(-400 // _columns(grid))
    assert grid.minimumHeight() >= min(4000, rows * 60)
    image = grid.grab()  # paints without error (only the tiles in view are drawn)
    assert not image.isNull()
