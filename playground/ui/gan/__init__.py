"""The GAN view (GAN Lab's picture): ``runner`` trains off the GUI thread, ``plane`` draws the
plane, ``view`` is the Learn panel with its controls, losses and the mode-collapse indicator."""
