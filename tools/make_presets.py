"""Regenerate resources/presets/*.json from code (run: python tools/make_presets.py).

The presets are data (project files); this script is how we author them without hand-writing
dozens of nodes. Each one must check clean (tests/unit/test_presets.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.graph.blocks import chain, inception_block, residual_block  # noqa: E402
from playground.graph.layout import apply_layout  # noqa: E402
from playground.graph.model import Graph  # noqa: E402
from playground.graph.project import PRESETS_DIR, Project, save_project  # noqa: E402

SHAPES_CLASSES = 7  # playground.data's "shapes" set


def conv(filters, kernel=3, stride=1, padding=None, init="he_uniform"):
    return ("Conv2d", {"filters": filters, "kernel_size": kernel, "stride": stride,
                       "padding": kernel // 2 if padding is None else padding, "weight_init": init})


def fc(units, init="default"):
    return ("Linear", {"units": units, "weight_init": init})


R, T, POOL, FLAT = ("ReLU", {}), ("Tanh", {}), ("MaxPool2d", {}), ("Flatten", {})
IMAGE = ("ImageInput", {"channels": 1, "height": 28, "width": 28})


def perceptron(g):
    chain(g, None, [("PointsInput", {}), fc(1)])


def tfp_mlp(g):
    chain(g, None, [("PointsInput", {}), fc(8, "xavier_uniform"), T, fc(8, "xavier_uniform"), T, fc(1, "xavier_uniform")])


def lenet5(g):
    chain(g, None, [IMAGE, conv(6, 5, padding=2, init="xavier_uniform"), T, ("AvgPool2d", {}),
                    conv(16, 5, padding=0, init="xavier_uniform"), T, ("AvgPool2d", {}), FLAT,
                    fc(120, "xavier_uniform"), T, fc(84, "xavier_uniform"), T, fc(SHAPES_CLASSES)])


def transfer_source(g):
    """LeNet-5 with Fashion-MNIST's 10 outputs: the network whose trained layers the transfer lesson imports."""
    lenet5(g)
    g.set_param(g.by_name("fc3").id, "units", 10)


def transfer_source_digits(g):
    """The same layers for 8x8 digits (when Fashion-MNIST is absent): conv2 padded so 8x8 still fits;
    conv1 and conv2 keep LeNet-5's weight shapes, fc1 has fewer inputs (64, not 400)."""
    transfer_source(g)
    for key in ("height", "width"):
        g.set_param(g.by_name("input").id, key, 8)
    g.set_param(g.by_name("conv2").id, "padding", 2)


def alexnet_small(g):
    chain(g, None, [IMAGE, conv(32, 5), R, POOL, conv(64, 3), R, POOL, conv(96, 3), R, conv(96, 3), R,
                    conv(64, 3), R, ("MaxPool2d", {"kernel_size": 3, "stride": 2}), FLAT, ("Dropout", {"p": 0.5}),
                    fc(256, "he_uniform"), R, ("Dropout", {"p": 0.5}), fc(128, "he_uniform"), R, fc(SHAPES_CLASSES)])


def vgg_small(g):
    chain(g, None, [IMAGE, conv(16), R, conv(16), R, POOL, conv(32), R, conv(32), R, POOL,
                    conv(64), R, conv(64), R, conv(64), R, POOL, FLAT,
                    fc(128, "he_uniform"), R, ("Dropout", {"p": 0.5}), fc(SHAPES_CLASSES)])


def resnet_small(g):
    x = chain(g, None, [IMAGE, ("Conv2d", {"filters": 16, "kernel_size": 3, "padding": 1, "bias": False,
                                           "weight_init": "he_normal"}), ("BatchNorm", {}), R])
    x = residual_block(g, x, 16, 16)
    x = residual_block(g, x, 16, 32, stride=2)
    x = residual_block(g, x, 32, 64, stride=2)
    chain(g, x, [("GlobalAvgPool", {}), fc(SHAPES_CLASSES)])


def googlenet_small(g):
    x = chain(g, None, [IMAGE, conv(16), R, POOL])
    x = inception_block(g, x, 8, 8, 16, 4, 8, 8)
    x = chain(g, x, [POOL])
    x = inception_block(g, x, 16, 16, 32, 8, 16, 16)
    chain(g, x, [("GlobalAvgPool", {}), fc(SHAPES_CLASSES)])


def encoder_decoder(g):
    chain(g, None, [IMAGE, conv(16), R, POOL, conv(32), R, POOL,
                    ("ConvTranspose2d", {"filters": 16, "kernel_size": 2, "stride": 2}), R,
                    ("ConvTranspose2d", {"filters": 8, "kernel_size": 2, "stride": 2}), R,
                    ("Conv2d", {"filters": 2, "kernel_size": 1})])


SEG_CLASSES = 8  # shapes_seg with mask "per shape": background + 7 shape kinds


def fcn_small(g):
    """FCN-32s at toy size: convolutions and pooling down to 7x7, a 1x1 convolution that scores every
    class at every coarse position, then one learned transposed convolution back up to 28x28."""
    chain(g, None, [IMAGE, conv(16), R, conv(16), R, POOL, conv(32), R, conv(32), R, POOL, conv(64), R,
                    ("Conv2d", {"filters": SEG_CLASSES, "kernel_size": 1}),
                    ("ConvTranspose2d", {"filters": SEG_CLASSES, "kernel_size": 8, "stride": 4, "padding": 2})])


def unet_small(g):
    """U-Net at toy size: two poolings down, two transposed convolutions up, and at each size the
    encoder's maps joined to the decoder's by a Concat skip connection, then a 1x1 convolution."""
    e1 = chain(g, None, [IMAGE, conv(16), R, conv(16), R])  # (16, 28, 28)
    e2 = chain(g, e1, [POOL, conv(32), R, conv(32), R])  # (32, 14, 14)
    b = chain(g, e2, [POOL, conv(64), R, conv(64), R])  # (64, 7, 7)
    x = e2
    for skip, up, filters in ((e2, b, 32), (e1, None, 16)):
        u = chain(g, up if up is not None else x, [("ConvTranspose2d", {"filters": filters, "kernel_size": 2,
                                                                         "stride": 2})])
        cat = g.add_node("Concat")
        g.connect(u, cat.id)
        g.connect(skip, cat.id)
        x = chain(g, cat.id, [conv(filters), R, conv(filters), R])
    chain(g, x, [("Conv2d", {"filters": SEG_CLASSES, "kernel_size": 1})])


DETECT_CLASSES, DETECT_ANCHORS = 4, 3  # shapes_detect's shape kinds; anchors per grid cell


def yolo_small(g):
    """YOLO at toy size: three poolings take the 64x64 picture to an 8x8 grid of 8-pixel cells, and a
    1x1 convolution gives every cell, for each of 3 anchors, 4 box numbers, objectness and 4 class scores."""
    image = ("ImageInput", {"channels": 1, "height": 64, "width": 64})
    bn = ("BatchNorm", {})
    chain(g, None, [image, conv(8), bn, R, POOL, conv(16), bn, R, POOL, conv(32), bn, R, POOL,
                    conv(64), bn, R, conv(64), bn, R,
                    ("Conv2d", {"filters": DETECT_ANCHORS * (5 + DETECT_CLASSES), "kernel_size": 1})])


def fit_1d(g):
    chain(g, None, [("VectorInput", {"features": 1}), fc(8, "xavier_uniform"), T, fc(1, "xavier_uniform")])


def siamese_shapes(g):
    chain(g, None, [IMAGE, conv(8), R, POOL, conv(16), R, POOL, FLAT, fc(32, "he_uniform"), R, fc(2)])


def triplet_digits(g):
    chain(g, None, [("ImageInput", {"channels": 1, "height": 8, "width": 8}), conv(16), R, POOL, FLAT,
                    fc(32, "he_uniform"), R, fc(2)])


def _named(g, prefix, layers):
    """A chain whose layers are called prefix + their usual name (g_linear1, d_relu2, ...)."""
    before = set(g.nodes)
    chain(g, None, layers)
    for nid in [n for n in g.nodes if n not in before]:
        node = g.nodes[nid]
        g.rename(nid, {"NoiseInput": "noise", "PointsInput": "points"}.get(node.kind, prefix + node.name))


def gan_ring(g):
    """Two separate networks: a generator (noise z -> 2-D point) and a discriminator (point -> score)."""
    _named(g, "g_", [("NoiseInput", {"dim": 2}), fc(32), R, fc(32), R, fc(2)])
    _named(g, "d_", [("PointsInput", {}), fc(32), R, fc(32), R, fc(1)])
def autoencoder_digits(g):
    """A dense autoencoder for the 8x8 digits: 64 pixels squeezed to a 2-number code (the layer
    named ``latent``: the latent plane the Autoencoder panel draws) and grown back to 64 pixels."""
    chain(g, None, [("ImageInput", {"channels": 1, "height": 8, "width": 8}), FLAT, fc(64, "he_uniform"), R,
                    fc(16, "he_uniform"), R])
    code = g.add_node("Linear", name="latent", params={"units": 2})
    g.connect(g.by_name("relu2").id, code.id)
    chain(g, code.id, [fc(16, "he_uniform"), R, fc(64, "he_uniform"), R, fc(64), ("Sigmoid", {}),
                       ("Reshape", {"shape": [1, 8, 8]})])


def style_transfer(g):
    """A small convolutional classifier for the shapes: the network whose conv layers the Style
    Transfer view reads content (feature maps) and style (their Gram matrices) from once trained."""
    chain(g, None, [IMAGE, conv(16), R, POOL, conv(32), R, POOL, conv(32), R, FLAT, fc(64, "he_uniform"), R,
                    fc(SHAPES_CLASSES)])


PRESETS = {
    "perceptron": ("Perceptron", "One neuron: a weighted sum of x1 and x2 plus a bias. It can only draw a straight line.",
                   perceptron, "gauss"),
    "tfp_mlp": ("TF Playground MLP", "Two hidden layers of 8 tanh neurons on 2-D points, like TensorFlow Playground.",
                tfp_mlp, "circle"),
    "lenet5": ("LeNet-5", "LeCun's 1998 digit reader: two 5x5 convolutions with average pooling, then three dense layers.",
               lenet5, "shapes"),
    "alexnet_small": ("AlexNet (small)", "AlexNet's recipe at toy size: five convolutions with ReLU and max pooling, "
                      "dropout in the dense layers.", alexnet_small, "shapes"),
    "vgg_small": ("VGG (small)", "VGG's idea: only 3x3 convolutions, stacked two or three deep between poolings.",
                  vgg_small, "shapes"),
    "resnet_small": ("ResNet (small)", "Three residual blocks: each adds its input back to its output through a shortcut.",
                     resnet_small, "shapes"),
    "googlenet_small": ("GoogLeNet (small)", "Two Inception blocks: 1x1, 3x3, 5x5 and pooling branches side by side, "
                        "concatenated.", googlenet_small, "shapes"),
    "encoder_decoder": ("Encoder-decoder", "Shrinks the image with convolutions and pooling, then grows it back with "
                        "transposed convolutions to label every pixel.", encoder_decoder, "shapes_seg"),
    "fcn_small": ("FCN (small)", "A fully convolutional network: class scores at every coarse position, "
                  "upsampled by one transposed convolution to label every pixel with its shape kind.",
                  fcn_small, "shapes_seg"),
    "unet_small": ("U-Net (small)", "Encoder-decoder with skip connections: the decoder's upsampled maps are "
                   "concatenated with the encoder's maps of the same size, so edges stay sharp.",
                   unet_small, "shapes_seg"),
    "gan_ring": ("GAN: ring of Gaussians", "A generator turns noise z into points of the plane; a discriminator "
                 "tells them from the real ring of 8 Gaussians; trained in turn until the generator fools it "
                 "(open Learn > GAN on 2-D Data).", gan_ring, "gan_ring"),
    "fit_1d": ("Function fitting (1-D)", "One input x, 8 tanh hidden units, one output: each unit adds a smooth step, "
               "and the steps sum to the target curve (universality).", fit_1d, "bumps"),
    "siamese_shapes": ("Siamese network (shapes, contrastive)", "One small CNN maps every picture to a point in "
                       "the plane; the contrastive loss pulls pairs of one shape together and pushes other shapes "
                       "beyond a margin. The same weights embed both pictures of a pair.", siamese_shapes,
                       "shapes_metric"),
    "triplet_digits": ("Triplet loss (digits, semi-hard)", "A small CNN embeds 8x8 digits in 2-D with the triplet "
                       "loss: anchor nearer its positive than its negative by the margin alpha, with FaceNet's "
                       "semi-hard negatives chosen inside each batch.", triplet_digits, "digits_metric"),
    "transfer_source": ("Transfer source (LeNet-5, Fashion-MNIST)", "LeNet-5 trained on 5,000 Fashion-MNIST "
                        "photos (500 per class): its convolution layers are the features the transfer lesson "
                        "imports into transfer_target.", transfer_source, "fashion_mnist"),
    "transfer_source_digits": ("Transfer source (LeNet-5, digits)", "The transfer source for machines without "
                               "Fashion-MNIST: the same convolution layers, trained on the 8x8 digits.",
                               transfer_source_digits, "digits"),
    "transfer_target": ("Transfer target (LeNet-5, 20 shapes per class)", "LeNet-5 on the shapes with only 20 "
                        "training pictures per class: import trained layers (File > Import Trained Layers), "
                        "freeze them or fine-tune them, and compare with training from scratch.",
                        lenet5, "shapes"),
    "autoencoder_digits": ("Autoencoder (digits, 2-D code)", "Squeezes each 8x8 digit through a 2-number code and "
                           "rebuilds it: the Autoencoder panel shows the code of every digit as a point, coloured "
                           "by class, and decodes any point you click.", autoencoder_digits, "digits_recon"),
    "style_transfer": ("Style transfer (small conv net)", "A small convolutional network for the shapes; train it, "
                       "then open Learn > Style Transfer to paint a picture's content in another's texture through "
                       "its conv layers (Gram matrices).", style_transfer, "shapes"),
    "yolo_small": ("YOLO (small)", "A one-look detector: an 8x8 grid over the picture, and in every cell 3 anchor "
                   "boxes, each with its position and size, how sure it is that a shape is there, and which shape.",
                   yolo_small, "shapes_detect"),
}

#: training settings a preset starts with (the defaults otherwise)
TRAINING = {"fit_1d": {"optimizer": "adam", "lr": 0.02, "batch_size": 32, "epochs": 300},
            "fcn_small": {"optimizer": "adam", "lr": 0.003, "batch_size": 32, "epochs": 8},
            "unet_small": {"optimizer": "adam", "lr": 0.003, "batch_size": 32, "epochs": 6},
            "siamese_shapes": {"optimizer": "adam", "lr": 0.003, "batch_size": 64, "epochs": 20,
                               "loss": "contrastive", "loss_params": {"margin": 1.0}},
            "triplet_digits": {"optimizer": "adam", "lr": 0.003, "batch_size": 64, "epochs": 30,
                               "loss": "triplet_semihard", "loss_params": {"margin": 1.0}},
            "transfer_source": {"optimizer": "adam", "lr": 0.002, "batch_size": 64, "epochs": 2},
            "transfer_source_digits": {"optimizer": "adam", "lr": 0.002, "batch_size": 64, "epochs": 10},
            "transfer_target": {"optimizer": "adam", "lr": 0.002, "batch_size": 20, "epochs": 30},
            "gan_ring": {"optimizer": "adam", "optimizer_params": {"beta1": 0.5}, "lr": 0.002, "batch_size": 64,
                         "epochs": 300},
            "yolo_small": {"optimizer": "adam", "lr": 0.003, "batch_size": 32, "epochs": 8}}
TRAINING.update({"autoencoder_digits": {"optimizer": "adam", "lr": 0.003, "batch_size": 32, "epochs": 60},
                 "style_transfer": {"optimizer": "adam", "lr": 0.002, "batch_size": 32, "epochs": 3}})

#: dataset settings a preset starts with ({} otherwise)
DATA_PARAMS = {"fcn_small": {"mask": "per shape"}, "unet_small": {"mask": "per shape"},
               "transfer_source": {"examples_per_class": 500}, "transfer_target": {"examples_per_class": 20},
               "gan_ring": {"spread": 0.1}}


def main() -> None:
    for key, (title, description, build, dataset) in PRESETS.items():
        graph = Graph()
        build(graph)
        apply_layout(graph)
        project = Project(graph, name=title, description=description, dataset={"name": dataset, "params": dict(DATA_PARAMS.get(key, {}))},
                          training=dict(TRAINING.get(key, {})))
        save_project(project, PRESETS_DIR / f"{key}.json")
        print("wrote", key, len(graph.nodes), "layers")


if __name__ == "__main__":
    main()
