"""The PyTorch side: graph -> module, weight init, generated source, export, inspection hooks. No Qt."""
