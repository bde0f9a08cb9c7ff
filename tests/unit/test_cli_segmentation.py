"""`playground train --out` for a segmentation preset writes the task's metrics under ``test``:
mean IoU, Dice, per-class IoU and pixel accuracy, each equal to what the confusion matrix in the same
report gives when counted here (IoU_c = TP / (row + column - TP), Dice_c = 2 TP / (row + column))."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import main
from playground.graph.project import load_project, save_project


def small_preset(tmp_path, preset: str, n_images: int = 70):
    """The preset on fewer images for one epoch: the same network, dataset and loss, a short run."""
    project = load_project(preset)
    project.dataset = {**project.dataset, "params": {**project.dataset.get("params", {}), "n_images": n_images}}
    project.training = {**project.training, "epochs": 1}
    return save_project(project, tmp_path / f"{preset}.pgproj")


@pytest.mark.parametrize("preset", ["fcn_small", "unet_small"])
def test_train_out_writes_iou_and_dice_under_test(tmp_path, capsys, preset):
    out = tmp_path / "run.json"
    assert main(["train", str(small_preset(tmp_path, preset)), "--out", str(out)]) == 0
    assert "test: mean IoU" in capsys.readouterr().out
    test = json.loads(out.read_text())["test"]
    assert test["task"] == "segmentation" and len(test["class_names"]) == 8  # 'per shape' masks
    cm = np.asarray(test["confusion_matrix"], dtype=np.float64)  # (8, 8) pixels: rows true, columns predicted
    tp, rows, cols = np.diag(cm), cm.sum(1), cm.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(rows + cols > 0, tp / (rows + cols - tp), np.nan)
        dice = np.where(rows + cols > 0, 2 * tp / (rows + cols), np.nan)
    shown = np.array([np.nan if v is None else v for v in test["iou"]], dtype=np.float64)
    np.testing.assert_allclose(shown, iou, equal_nan=True)
    assert test["mean_iou"] == pytest.approx(np.nanmean(iou))
    assert test["dice"] == pytest.approx(np.nanmean(dice))
    assert test["pixel_accuracy"] == pytest.approx(tp.sum() / cm.sum())
    assert cm.sum() == test["count"] * 28 * 28
