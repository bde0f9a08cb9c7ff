"""Fixtures for the training tests (helpers live in train_helpers.py)."""

import pytest
import torch

from train_helpers import blobs, tensor_splits


@pytest.fixture
def blob_splits():
    return tensor_splits(*blobs(), num_classes=3, name="blobs")


@pytest.fixture
def regression_splits():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(400, 3, generator=g) * 2 - 1
    y = torch.stack([x[:, 0] * 2 - x[:, 1], x[:, 2] ** 2], dim=1)  # (N, 2)
    return tensor_splits(x, y.float(), task="regression", name="poly")
