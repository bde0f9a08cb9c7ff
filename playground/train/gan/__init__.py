"""A GAN on 2-D data: a generator and a discriminator drawn on one canvas, trained alternately.

``pair``: finds the two networks in the graph and builds them; ``steps``: the losses, one
discriminator step, one generator step and the generator's gradient arrows; ``metrics``: mode
coverage and the energy distance between real and generated points; ``trainer``: the alternating
loop with its own optimizer and learning rate per network, its history and what the view draws.
"""
