"""Panels that show a training run: curves (more to come: activations, filters, health)."""
