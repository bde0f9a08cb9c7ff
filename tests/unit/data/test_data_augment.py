"""Augmentation: only on training batches when asked, label-preserving ops, masks kept aligned."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.errors import DataError
from playground.data import load
from playground.data.augment import Augmentation


def _images(n=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, 1, 12, 12)
    x[:, :, 3:9, 4:7] = torch.rand(n, 1, 6, 3, generator=g) * 0.5 + 0.5  # an off-centre block
    return x


def _shifted(img, dy, dx):
    """``img`` (C, H, W) moved by whole pixels, zeros coming in."""
    out = torch.zeros_like(img)
    h, w = img.shape[-2:]
    out[:, max(dy, 0): h + min(dy, 0), max(dx, 0): w + min(dx, 0)] = \
        img[:, max(-dy, 0): h + min(-dy, 0), max(-dx, 0): w + min(-dx, 0)]
    return out


def test_flip_mirrors_about_half_the_images():
    x = _images(200)
    out, _ = Augmentation(flip=True).apply(x, torch.zeros(200), torch.Generator().manual_seed(0))
    flipped = torch.tensor([torch.equal(o, i.flip(-1)) for o, i in zip(out, x)])
    same = torch.tensor([torch.equal(o, i) for o, i in zip(out, x)])
    assert (flipped | same).all() and 70 < int(flipped.sum()) < 130


def test_shift_moves_by_whole_pixels_within_the_limit():
    x = _images(40)
    out, _ = Augmentation(shift=2).apply(x, torch.zeros(40), torch.Generator().manual_seed(1))
    moves = set()
    for o, i in zip(out, x):
        hits = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                if torch.allclose(o, _shifted(i, dy, dx), atol=1e-5)]
        assert hits, "every output is the input moved by at most 2 pixels"
        moves.add(hits[0])
    assert len(moves) > 5


def test_rotation_turns_but_keeps_the_mass_roughly():
    x = _images(20)
    out, _ = Augmentation(rotate=30).apply(x, torch.zeros(20), torch.Generator().manual_seed(2))
    assert not torch.allclose(out, x)
    assert torch.allclose(out.sum(dim=(1, 2, 3)), x.sum(dim=(1, 2, 3)), rtol=0.15)


def test_noise_has_the_asked_spread_and_stays_in_range():
    x = torch.full((8, 1, 32, 32), 0.5)
    out, _ = Augmentation(noise=0.05).apply(x, torch.zeros(8), torch.Generator().manual_seed(0))
    assert (out - x).std().item() == pytest.approx(0.05, rel=0.1) and out.min() >= 0 and out.max() <= 1


def test_erasing_blanks_one_rectangle_in_the_chosen_share_of_images():
    x = torch.ones(400, 1, 16, 16)
    out, _ = Augmentation(erase=0.5).apply(x, torch.zeros(400), torch.Generator().manual_seed(0))
    erased = (out == 0).flatten(1).any(dim=1)
    assert 150 < int(erased.sum()) < 250
    for img in out[erased][:20, 0]:
        rows, cols = torch.nonzero(img == 0, as_tuple=True)
        box = img[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
        assert (box == 0).all()  # one solid rectangle


def test_masks_follow_the_image_through_flip_shift_and_rotation():
    s = load("shapes_seg", params={"n_images": 140, "noise": 0.0},
             augment={"flip": True, "shift": 3, "rotate": 25})
    x, mask = s.train.batch(torch.arange(len(s.train)))
    pixels = x * s.std + s.mean  # back to [0, 1]
    bright = pixels[:, 0] > 0.25
    agree = (bright == (mask == 1)).float().mean().item()
    assert agree > 0.97
    assert mask.dtype == torch.int64 and set(mask.unique().tolist()) <= {0, 1}
    plain_x, plain_mask = s.train.batch(torch.arange(len(s.train)), augment=False)
    assert not torch.equal(mask, plain_mask)


def test_augmentation_only_touches_training_batches():
    s = load("shapes", params={"n_images": 140}, augment={"flip": True, "noise": 0.1, "erase": 0.5})
    idx = torch.arange(20)
    assert s.train.augmented and not s.val.augmented and not s.test.augmented
    assert not torch.equal(s.train.batch(idx)[0], s.train.batch(idx, augment=False)[0])
    assert torch.equal(s.train.batch(idx, augment=False)[0], s.train.all()[0][:20])
    assert torch.equal(s.val.batch(idx)[0], s.val.all()[0][:20])
    assert torch.equal(s.test.batch(idx)[0], s.test.batch(idx, augment=False)[0])
    assert torch.equal(s.train.batch(idx)[1], s.train.y[:20])  # labels unchanged


def test_augmentation_is_reproducible_for_a_seed():
    a = load("shapes", params={"n_images": 70}, seed=5, augment={"rotate": 10, "noise": 0.05})
    b = load("shapes", params={"n_images": 70}, seed=5, augment={"rotate": 10, "noise": 0.05})
    idx = torch.arange(10)
    assert torch.equal(a.train.batch(idx)[0], b.train.batch(idx)[0])


def test_off_and_zero_options_mean_no_augmentation():
    assert Augmentation.from_dict(None) is None
    assert Augmentation.from_dict({"flip": False, "shift": 0, "noise": 0.0}) is None
    s = load("shapes", params={"n_images": 70}, augment={"flip": False})
    assert not s.train.augmented


@pytest.mark.parametrize("augment, words", [
    ({"blur": 1}, ["blur", "flip"]),
    ({"shift": 2.5}, ["shift"]),
    ({"rotate": 90}, ["rotate", "45"]),
    ({"erase": "yes"}, ["erase"]),
    ({"flip": 1}, ["flip"]),
])
def test_bad_augmentation_options_are_data_errors(augment, words):
    with pytest.raises(DataError) as err:
        load("digits", augment=augment)
    assert all(w in str(err.value) for w in words)


def test_augmentation_on_points_is_refused():
    with pytest.raises(DataError, match="image datasets only"):
        load("spiral", augment={"noise": 0.1})


def test_digits_can_be_augmented_too():
    s = load("digits", augment={"shift": 1})
    x, _ = s.train.batch(torch.arange(8))
    assert x.shape == (8, 1, 8, 8) and np.isfinite(x.numpy()).all()
