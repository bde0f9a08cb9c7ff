"""The generated detection set: fixed-size padded targets, boxes that are the shapes' own tight
boxes (checked against the drawn pixels), determinism from the seed, and the CLI listing."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import torch

from playground.data import load
from playground.data.detection_shapes import MAX_BOXES, SIZE, draw


def test_targets_are_padded_rows_present_first_and_inside_the_image():
    image, t = draw(200, np.random.default_rng(3), noise=0.0, max_rotation=15.0)
    assert image.shape == (200, SIZE, SIZE) and t.shape == (200, MAX_BOXES, 6)
    present = t[..., 0]
    assert (present.sum(1) >= 1).all() and (np.diff(present, axis=1) <= 0).all()
    boxes = t[present > 0]
    assert (boxes[:, 2] - boxes[:, 4] / 2 >= -1e-6).all() and (boxes[:, 2] + boxes[:, 4] / 2 <= 1 + 1e-6).all()
    assert (t[present == 0] == 0).all()
    for n in range(20):  # without noise every lit pixel lies in some box
        lit = np.argwhere(image[n] >= 0.5)
        inside = np.zeros(len(lit), dtype=bool)
        for _, _, cx, cy, w, h in t[n][t[n, :, 0] > 0] * np.array([1, 1, SIZE, SIZE, SIZE, SIZE]):
            inside |= ((lit[:, 1] + 0.5 >= cx - w / 2) & (lit[:, 1] + 0.5 <= cx + w / 2)
                       & (lit[:, 0] + 0.5 >= cy - h / 2) & (lit[:, 0] + 0.5 <= cy + h / 2))
        assert inside.all()


def test_same_seed_same_data_and_a_loaded_split():
    a = load("shapes_detect", params={"n_images": 60}, seed=4)
    b = load("shapes_detect", params={"n_images": 60}, seed=4)
    assert torch.equal(a.train.x, b.train.x) and torch.equal(a.train.y, b.train.y)
    assert a.info.task == "detection" and a.info.target_shape == (MAX_BOXES, 6)


def test_cli_lists_it_as_detection():
    out = subprocess.run([sys.executable, "-m", "playground", "datasets", "--json"], capture_output=True,
                         text=True, check=True).stdout
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["shapes_detect"]["task"] == "detection"
