"""Views of generative models: the autoencoder's latent plane (``autoencoder.py``) and the
picture helpers the generative and style views share (``pictures.py``)."""
