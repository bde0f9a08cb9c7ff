"""What travels with an exported network besides its layers: which weights, and how to feed it raw data.

Owns ``Preprocessing`` (the stored-to-input conversion the app applies to every batch: multiply by
``scale`` (1/255 for uint8 images), subtract ``mean``, divide by ``std`` (training-split statistics),
plus the class names, the task and a description of the expected raw input) and ``WeightsNote`` (which
weights an export holds: "trained weights, step 1,240, val accuracy 0.91" or "initial weights: nothing
trained yet"). ``Preprocessing.source()`` writes the ``preprocess()`` / ``predict()`` / ``load_model()``
functions that the generated ``.py`` carries next to ``Model``; they need only torch. A task whose
outputs need decoding names it in ``decode`` (``{"kind": "yolo", "anchors": ..., thresholds}``);
``DECODERS`` maps that kind to the ``predict()`` it gets (the YOLO one copies
``nn/detection_head.py``'s functions and returns boxes, scores and classes after NMS).
Plain data only: no dataset or trainer imports (``train/takeaway.py`` fills these from a run).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: what a raw input looks like, by the data package's kind of data
RAW_INPUT = {
    "image": "uint8 pixels 0..255, shaped (N, C, H, W) or one image (C, H, W)",
    "points": "raw coordinates as floats, shaped (N, features) or one point (features,)",
    "tabular": "the feature columns as numbers, shaped (N, features) or one row (features,)",
}


@dataclass(frozen=True)
class Preprocessing:
    """x_input = (x_raw * scale - mean) / std; ``mean`` / ``std`` are nested lists that broadcast over one sample."""

    input_shape: tuple[int, ...]
    kind: str = "points"
    scale: float = 1.0
    mean: Any = 0.0
    std: Any = 1.0
    task: str = "classification"
    class_names: tuple[str, ...] = ()
    dataset: str = ""
    decode: dict = field(default_factory=dict)  # how outputs become predictions beyond argmax (DECODERS)

    @property
    def raw_input(self) -> str:
        return RAW_INPUT.get(self.kind, "numbers shaped like the network's input, with a batch dimension")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["input_shape"], out["class_names"] = list(self.input_shape), list(self.class_names)
        out["raw_input"] = self.raw_input
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Preprocessing":
        return cls(tuple(int(v) for v in data["input_shape"]), str(data.get("kind", "points")),
                   float(data.get("scale", 1.0)), data.get("mean", 0.0), data.get("std", 1.0),
                   str(data.get("task", "classification")), tuple(str(c) for c in data.get("class_names", ())),
                   str(data.get("dataset", "")), dict(data.get("decode") or {}))

    def source(self, weights_file: str = "") -> str:
        """``PREPROCESSING``, ``CLASS_NAMES``, ``preprocess``, ``load_model`` and ``predict`` as Python."""
        data = json.dumps(self.to_dict(), indent=1)
        return "\n".join([
            "",
            "# How the network was fed in Playground: x = (raw * scale - mean) / std (training-split statistics).",
            f"PREPROCESSING = json.loads({data!r})",
            'CLASS_NAMES = PREPROCESSING["class_names"]',
            f"WEIGHTS_FILE = {weights_file!r}  # the exported weights, next to this file",
            "",
            "",
            "def preprocess(raw):",
            '    """Raw data (' + self.raw_input.replace('"', "'") + ') -> the float batch the model takes."""',
            "    x = torch.as_tensor(raw).to(torch.float32)",
            '    shape = tuple(PREPROCESSING["input_shape"])',
            "    if tuple(x.shape) == shape:",
            "        x = x.unsqueeze(0)  # one sample -> a batch of one",
            "    if tuple(x.shape[1:]) != shape:",
            '        raise ValueError(f"expected raw input shaped (N, {shape}), got {tuple(x.shape)}")',
            '    mean = torch.tensor(PREPROCESSING["mean"], dtype=torch.float32)',
            '    std = torch.tensor(PREPROCESSING["std"], dtype=torch.float32)',
            '    return (x * PREPROCESSING["scale"] - mean) / std',
            "",
            "",
            "def load_model(weights=None):",
            '    """The Model with the exported weights (``weights``: a path, default WEIGHTS_FILE beside this file)."""',
            "    model = Model()",
            "    path = weights or (os.path.join(os.path.dirname(os.path.abspath(__file__)), WEIGHTS_FILE) if WEIGHTS_FILE else None)",
            "    if path and os.path.exists(path):",
            "        state = torch.load(path, map_location='cpu', weights_only=True)  # tensors only: runs no code",
            "        model.load_state_dict(state.get('state_dict', state))",
            "    return model.eval()",
            "",
            "",
        ] + DECODERS.get(self.decode.get("kind", ""), _plain_predict)())


def _plain_predict() -> list[str]:
    return [
        "@torch.no_grad()",
        "def predict(raw, model=None):",
        '    """Raw data in; for classification (class indices, class names), else the model\'s outputs."""',
        "    model = model if model is not None else load_model()",
        "    out = model.eval()(preprocess(raw))",
        '    if PREPROCESSING["task"] == "classification" and CLASS_NAMES:',
        "        index = out.argmax(dim=1)",
        "        return index, [CLASS_NAMES[i] for i in index.tolist()]",
        "    return out",
        "",
    ]


def _yolo_predict() -> list[str]:
    from playground.nn.module_source import definition_source

    functions = [definition_source("playground.nn", "detection_head.py", name)
                 for name in ("split_head", "decode_head", "nms", "detect")]
    return [
        "# Decoding the YOLO head (copied from Playground's nn/detection_head.py): every grid cell and anchor",
        "# gives a box; the unsure ones are dropped, then non-max suppression within each class.",
        'DECODE = PREPROCESSING["decode"]  # anchors (B, 2) as image fractions, default thresholds',
        "", "",
        "\n\n\n".join(functions),
        "", "",
        "@torch.no_grad()",
        'def predict(raw, model=None, conf_threshold=DECODE["conf_threshold"], iou_threshold=DECODE["iou_threshold"]):',
        '    """Raw images in; per image (boxes (D, 4) as corners x0, y0, x1, y1 in image fractions, scores (D,),',
        '    class indices (D,)) after the confidence threshold and NMS; CLASS_NAMES[i] names class i."""',
        "    model = model if model is not None else load_model()",
        "    out = model.eval()(preprocess(raw))",
        '    return detect(out, DECODE["anchors"], conf_threshold, iou_threshold)',
        "",
    ]


#: ``Preprocessing.decode["kind"]`` -> the lines of its ``predict()`` ("" or unknown: argmax or raw outputs)
DECODERS = {"yolo": _yolo_predict}


@dataclass(frozen=True)
class WeightsNote:
    """Which weights an export holds, in words the status bar and the CLI show."""

    trained: bool = False
    step: int = 0
    val_accuracy: float | None = None
    val_loss: float | None = None
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.trained:
            return "initial weights: nothing trained yet"
        text = f"trained weights, step {self.step:,}"
        if self.val_accuracy is not None:
            text += f", val accuracy {self.val_accuracy:.2f}"
        elif self.val_loss is not None:
            text += f", val loss {self.val_loss:.4g}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"trained": self.trained, "step": self.step, "val_accuracy": self.val_accuracy,
                "val_loss": self.val_loss, "text": str(self)}


@dataclass
class TakeAway:
    """Everything an export writes besides the graph: the weights (None: a fresh build), what they are,
    and the preprocessing (None when the dataset could not be loaded to measure it)."""

    state_dict: dict | None = None
    note: WeightsNote = field(default_factory=WeightsNote)
    preprocessing: Preprocessing | None = None
