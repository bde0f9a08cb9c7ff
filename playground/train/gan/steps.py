"""One round of GAN training, in the words of the course: the discriminator learns to tell real
points from generated ones, then the generator learns to fool it.

Owns the two losses (binary cross-entropy on the discriminator's logits):

- discriminator: ``L_D = -mean log σ(D(x_real)) - mean log(1 - σ(D(G(z))))``;
- generator (the usual "non-saturating" form): ``L_G = -mean log σ(D(G(z)))``, low when the
  discriminator calls the generated points real;

``d_step`` (one optimizer step of the discriminator; the generator's output is detached, so no
generator weight is touched), ``g_step`` (one step of the generator through a discriminator whose
weights get no gradient and are not stepped) and ``generator_arrows`` (d L_G / d sample at each
generated point: where the discriminator pushes every generated point). No loop, no Qt.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def sample_noise(n: int, dim: int, distribution: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """(n, dim) noise z: uniform in [-1, 1] or standard normal."""
    if distribution == "normal":
        return torch.randn(n, dim, generator=generator)
    return torch.rand(n, dim, generator=generator) * 2 - 1


def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """BCE with logits: real points labelled 1, generated points labelled 0 (mean over each set, summed)."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: BCE of the generated points' logits against the label 1 ("real")."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def _logits(discriminator, x: torch.Tensor) -> torch.Tensor:
    return discriminator(x).reshape(-1)  # (N, 1) -> (N,)


def d_step(generator, discriminator, optimizer, real: torch.Tensor, z: torch.Tensor) -> float:
    """One discriminator update on a batch of real points and G(z); returns L_D before the step."""
    with torch.no_grad():
        fake = generator(z)  # (N, 2), no graph back into the generator
    optimizer.zero_grad(set_to_none=True)
    loss = d_loss(_logits(discriminator, real), _logits(discriminator, fake))
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def g_step(generator, discriminator, optimizer, z: torch.Tensor) -> float:
    """One generator update through the (fixed) discriminator; returns L_G before the step."""
    frozen = [p for p in discriminator.parameters() if p.requires_grad]
    for p in frozen:
        p.requires_grad_(False)
    try:
        optimizer.zero_grad(set_to_none=True)
        loss = g_loss(_logits(discriminator, generator(z)))
        loss.backward()
        optimizer.step()
    finally:
        for p in frozen:
            p.requires_grad_(True)
    return float(loss.detach())


def generator_arrows(generator, discriminator, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(samples (N, 2), d L_G / d sample (N, 2)): the gradient of the generator's loss at each
    generated point; the point moves along minus this when the generator learns."""
    with torch.no_grad():
        samples = generator(z)
    leaf = samples.clone().requires_grad_(True)
    loss = g_loss(_logits(discriminator, leaf))
    (grad,) = torch.autograd.grad(loss, leaf)
    return samples, grad
