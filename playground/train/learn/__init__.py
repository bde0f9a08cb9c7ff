"""The torch side of the Learn views (no Qt): backprop recorded step by step, 2-D loss surfaces,
optimizer races with torch.optim's own classes, and the network's own loss landscape."""
