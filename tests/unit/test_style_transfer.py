"""Neural style transfer: Gram matrices and both losses against loops written here, and the
optimization changes only the picture (the network's weights stay equal and get no gradient)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.errors import TrainingError
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train.learn import style_transfer as st


def _gram_loop(f: np.ndarray) -> np.ndarray:
    c, h, w = f.shape
    g = np.zeros((c, c))
    for k in range(c):
        for k2 in range(c):
            for i in range(h):
                for j in range(w):
                    g[k, k2] += f[k, i, j] * f[k2, i, j]
    return g


def test_gram_matrix_against_a_loop():
    f = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    g = st.gram(f)
    for b in range(2):
        np.testing.assert_allclose(g[b].numpy(), _gram_loop(f[b].numpy()), rtol=1e-12)


def test_content_and_style_losses_against_the_formulas():
    f, p = torch.randn(1, 3, 4, 4, dtype=torch.float64), torch.randn(1, 3, 4, 4, dtype=torch.float64)
    diff = (f - p).numpy()
    assert float(st.content_loss(f, p)) == pytest.approx(float(np.sum(diff ** 2) / diff.size))
    gf, gp = _gram_loop(f[0].numpy()), _gram_loop(p[0].numpy())
    n_c, n_h, n_w = 3, 4, 4
    expected = np.sum((gf - gp) ** 2) / (2 * n_c * n_h * n_w) ** 2  # the course's J_style for one layer
    assert float(st.style_loss(f, p)) == pytest.approx(expected)
    assert float(st.style_loss(f, f)) == 0.0


def test_only_the_picture_changes_through_the_projects_network():
    project = load_project("style_transfer")
    model = build_module(project.graph, seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    net = st.project_net(model, (1, 28, 28), torch.tensor(0.2), torch.tensor(0.3))
    assert net.layers == ("conv1", "conv2", "conv3")
    transfer = st.StyleTransfer(net, st.content_picture("circle", 28), st.texture_picture("stripes", 28))
    start = transfer.picture()
    records = [transfer.step(1.0, 100.0) for _ in range(15)]
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[k], rtol=0, atol=0)
    assert all(p.grad is None for p in model.parameters())
    assert np.abs(transfer.picture() - start).max() > 0.01  # the picture did change
    assert records[-1].total < records[0].total
    assert transfer.picture().min() >= 0 and transfer.picture().max() <= 1
    # the per-layer losses are those of the picture as it was at that step
    assert set(records[0].content) == set(records[0].style) == set(net.layers)


def test_losses_reported_match_a_direct_forward_pass():
    net = st.random_filter_net(size=32)
    transfer = st.StyleTransfer(net, st.content_picture("ring", 32), st.texture_picture("dots", 32), start="noise")
    image = transfer.image.detach().clone()
    rec = transfer.step(2.0, 50.0)
    feats = net.features(image)
    c_ref = {n: float(((feats[n] - net.features(transfer.content)[n]) ** 2).mean()) for n in net.layers}
    s_ref = {n: float(st.style_loss(feats[n], net.features(transfer.style)[n])) for n in net.layers}
    for n in net.layers:
        assert rec.content[n] == pytest.approx(c_ref[n], rel=1e-5)
        assert rec.style[n] == pytest.approx(s_ref[n], rel=1e-5)
    total = 2.0 * sum(c_ref.values()) / 3 + 50.0 * sum(s_ref.values()) / 3
    assert rec.total == pytest.approx(total, rel=1e-5)
    assert all(not p.requires_grad and p.grad is None for p in net.modules.parameters())


def test_no_style_weight_keeps_the_content_picture():
    net = st.random_filter_net(size=32)
    transfer = st.StyleTransfer(net, st.content_picture("square", 32), st.texture_picture("checkerboard", 32))
    for _ in range(3):
        transfer.step(1.0, 0.0)
    np.testing.assert_allclose(transfer.picture(), transfer.content[0].numpy(), atol=1e-6)


def test_pictures_and_refusals():
    for kind in st.TEXTURES:
        t = st.texture_picture(kind, 40)
        assert t.shape == (1, 40, 40) and t.std() > 0.1  # a real pattern, not flat
    c = st.content_picture("circle", 40)
    assert c[0, 20, 20] > 0.8 and c[0, 1, 1] < 0.1
    with pytest.raises(TrainingError, match="unknown texture"):
        st.texture_picture("plaid", 40)
    mlp = build_module(load_project("tfp_mlp").graph)
    with pytest.raises(TrainingError, match="not pictures"):
        st.project_net(mlp, (2,), torch.tensor(0.0), torch.tensor(1.0))
    dense = build_module(load_project("autoencoder_digits").graph)
    with pytest.raises(TrainingError, match="no convolution layers"):
        st.project_net(dense, (1, 8, 8), torch.tensor(0.0), torch.tensor(1.0))


def test_the_picture_moves_as_torch_adam_would_move_it():
    net = st.random_filter_net(size=16)
    transfer = st.StyleTransfer(net, st.content_picture("circle", 16), st.texture_picture("waves", 16), lr=0.05)
    ref = transfer.image.detach().clone().requires_grad_(True)
    opt = torch.optim.Adam([ref], lr=0.05)
    for _ in range(3):
        feats = net.features(ref)
        c, s = transfer.losses(feats)
        total = 1.0 * sum(c.values()) / 3 + 100.0 * sum(s.values()) / 3
        opt.zero_grad()
        total.backward()
        opt.step()
        with torch.no_grad():
            ref.clamp_(0, 1)
        transfer.step(1.0, 100.0)
    np.testing.assert_allclose(transfer.picture(), ref.detach()[0].numpy(), atol=1e-5)
