"""The fused engine: small dense networks trained whole chunks of steps at a time in compiled code.

``plan.supports`` says whether a Trainer's network and settings qualify (and why not);
``kernels`` holds the numba code; ``compiler`` compiles it in the background; ``runner`` binds it
to a Trainer (weights and optimizer state shared with the torch module and optimizer, so every
panel sees the live network). The Trainer picks it by itself; nothing here imports Qt.
"""
