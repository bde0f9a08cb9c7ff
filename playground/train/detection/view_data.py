"""What the detection view draws, as plain numpy: ``DetectionData`` and how it is read from an evaluation.

Owns ``DetectionData`` (test images, every image's raw candidates before NMS, the true boxes, the
anchors, the grid size and the class names), ``from_evaluation`` (the adapter from the task's
Evaluation, reading attributes by the agreed names below), ``truths_from_targets`` (padded
``shapes_detect`` targets -> true boxes per image) and ``DetectionData.scores_at`` (AP per class
and mAP@0.5 for a confidence and NMS threshold, with ``metrics.mean_average_precision``).
No Qt, no model: the view re-runs ``decode.detect`` on the stored candidates as its sliders move.

Attributes ``from_evaluation(ev)`` reads (the first name found wins):

==============  =========================================================================
images          ``images`` (the whole evaluated split) or else ``inputs`` (an EvaluationView's
                kept examples, whose split indices are ``shown``): (N, C, H, W) in [0, 1]
candidates      ``candidates``: per image ``(boxes (K, 4), scores (K,), classes (K,))``; or
                ``candidate_boxes`` / ``candidate_scores`` / ``candidate_classes``: arrays
                (N, K, 4), (N, K), (N, K) or lists of per-image arrays
truths          ``true_boxes`` (per image (T, 4)) and ``true_classes`` (per image (T,)); or
                ``targets``: padded (N, MAX, 6) rows ``present, class, cx, cy, w, h``
box format      ``box_format``: ``"xyxy"`` (default) or ``"cxcywh"``, for the candidates and
                ``true_boxes`` (``targets`` are always centre/size)
anchors         ``anchors``: (B, 2) widths and heights as image fractions
grid            ``grid`` (``S`` or ``(S_h, S_w)``) or ``S``
class names     ``class_names``
split indices   ``indices`` (optional; ``shown`` with ``inputs``): each image's split index
thresholds      ``conf_threshold``, ``iou_threshold`` (optional): where the sliders start
reported mAP    ``map50`` and ``ap_conf_threshold`` (optional): the run's own figure, shown beside
==============  =========================================================================

Each name is looked up on ``ev``, ``ev.detection``, ``ev.evaluation`` and
``ev.evaluation.detection``, in that order (the Evaluation carries a ``DetectionEvaluation`` as
``detection``; the panel hands over an ``EvaluationView`` wrapping the Evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.errors import PlaygroundError

from .decode import cxcywh_to_xyxy, detect
from .metrics import DetectionScores, mean_average_precision

#: where the view's sliders start when the evaluation does not say
CONF_THRESHOLD, IOU_THRESHOLD = 0.25, 0.5


@dataclass
class DetectionData:
    """Everything the detection view needs; boxes are xyxy image fractions (0..1)."""

    images: np.ndarray  # (N, C, H, W) pixels in [0, 1]
    boxes: list[np.ndarray]  # per image (K, 4): every cell and anchor's box, before any threshold
    scores: list[np.ndarray]  # per image (K,) confidence = objectness x class probability
    classes: list[np.ndarray]  # per image (K,)
    true_boxes: list[np.ndarray]  # per image (T, 4)
    true_classes: list[np.ndarray]  # per image (T,)
    anchors: np.ndarray  # (B, 2) width, height
    grid: tuple[int, int]  # (S_h, S_w)
    class_names: tuple[str, ...]
    indices: np.ndarray | None = None  # (N,) each image's index in the evaluated split (default 0..N-1)
    conf_threshold: float = CONF_THRESHOLD  # where the view's sliders start
    iou_threshold: float = IOU_THRESHOLD
    reported_map: float | None = None  # the run's own mAP@0.5 (``train --out``), for comparison
    reported_conf: float | None = None  # the confidence threshold that figure used

    def __post_init__(self):
        self.images = np.asarray(self.images, dtype=np.float32)
        if self.images.ndim == 3:  # (N, H, W) gray
            self.images = self.images[:, None]
        if self.images.ndim != 4 or self.images.shape[1] not in (1, 3, 4):
            raise PlaygroundError(f"detection view: the images have shape {tuple(self.images.shape)}, not pictures "
                                  "(N, C, H, W) with 1 or 3 channels; the evaluation must carry the evaluated "
                                  "inputs as images")
        self.boxes = [np.asarray(b, dtype=np.float64).reshape(-1, 4) for b in self.boxes]
        self.scores = [np.asarray(s, dtype=np.float64).reshape(-1) for s in self.scores]
        self.classes = [np.asarray(c).astype(np.int64).reshape(-1) for c in self.classes]
        self.true_boxes = [np.asarray(b, dtype=np.float64).reshape(-1, 4) for b in self.true_boxes]
        self.true_classes = [np.asarray(c).astype(np.int64).reshape(-1) for c in self.true_classes]
        self.anchors = np.asarray(self.anchors, dtype=np.float64).reshape(-1, 2)
        self.grid = (int(self.grid), int(self.grid)) if np.isscalar(self.grid) else tuple(int(g) for g in self.grid)
        self.class_names = tuple(str(n) for n in self.class_names)
        n = len(self.images)
        self.indices = np.arange(n) if self.indices is None else np.asarray(self.indices, dtype=np.int64).reshape(-1)
        lengths = {"candidate boxes": len(self.boxes), "candidate scores": len(self.scores),
                   "candidate classes": len(self.classes), "true boxes": len(self.true_boxes),
                   "true classes": len(self.true_classes), "split indices": len(self.indices)}
        wrong = [f"{k} for {v}" for k, v in lengths.items() if v != n]
        if wrong:
            raise PlaygroundError(f"detection view: {n} images but {', '.join(wrong)} images; "
                                  "every list needs one entry per image")

    def __len__(self) -> int:
        return len(self.images)

    def detections_at(self, conf_threshold: float, iou_threshold: float) -> list:
        """Every image's ``decode.Detections`` at these thresholds."""
        return [detect(b, s, c, conf_threshold, iou_threshold)
                for b, s, c in zip(self.boxes, self.scores, self.classes)]

    def scores_at(self, conf_threshold: float, iou_threshold: float, detections=None,
                  match_iou: float = 0.5) -> DetectionScores:
        """PR curve and AP per class and mAP (a detection counts when IoU >= ``match_iou`` with a
        true box) for the boxes left at these thresholds."""
        dets = detections if detections is not None else self.detections_at(conf_threshold, iou_threshold)
        preds = [(d.boxes, d.scores, d.classes) for d in dets]
        truths = list(zip(self.true_boxes, self.true_classes))
        return mean_average_precision(preds, truths, len(self.class_names), match_iou)


def truths_from_targets(targets) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Padded targets (N, MAX, 6: present, class, cx, cy, w, h) -> per image xyxy boxes and classes."""
    t = np.asarray(targets, dtype=np.float64)
    boxes, classes = [], []
    for rows in t:
        rows = rows[rows[:, 0] > 0.5]
        boxes.append(cxcywh_to_xyxy(rows[:, 2:6]).reshape(-1, 4))
        classes.append(rows[:, 1].astype(np.int64))
    return boxes, classes


def _sources(ev) -> list:
    """Where the attributes may be: the object, its ``detection`` record, and the same two of the
    ``evaluation`` it wraps (an ``EvaluationView``)."""
    inner = getattr(ev, "evaluation", None)
    found = [ev, getattr(ev, "detection", None), inner, getattr(inner, "detection", None)]
    return [s for s in found if s is not None]


def _first(ev, *names):
    """The first of ``names`` that any source holds (not None, not an empty tuple or list), names
    in order of preference."""
    for name in names:
        for source in _sources(ev):
            value = getattr(source, name, None)
            if value is not None and not (isinstance(value, (tuple, list)) and not value):
                return value
    return None


def _or(value, default):
    return default if value is None else value


def _per_image(value) -> list:
    """An (N, ...) array or a list of per-image arrays -> a list (its length is checked later)."""
    return [v for v in value]


def from_evaluation(ev) -> DetectionData:
    """The view's data from a detection Evaluation (or an EvaluationView wrapping one): see the
    table in this module's docstring. PlaygroundError naming what is missing otherwise."""
    images = _first(ev, "images")
    # the whole evaluated split's pictures when present; else the examples an EvaluationView kept
    indices = _first(ev, "indices") if images is not None else _first(ev, "indices", "shown")
    images = images if images is not None else _first(ev, "inputs")
    anchors = _first(ev, "anchors")
    grid = _first(ev, "grid", "S")
    missing = [name for name, v in (("images (or inputs)", images), ("anchors", anchors),
                                    ("grid (or S)", grid)) if v is None]
    fmt = str(_first(ev, "box_format") or "xyxy").lower()
    to_xyxy = cxcywh_to_xyxy if fmt == "cxcywh" else (lambda b: b)
    candidates = _first(ev, "candidates")
    if candidates is None:
        parts = [_first(ev, f"candidate_{k}") for k in ("boxes", "scores", "classes")]
        if any(p is None for p in parts):
            missing.append("candidates (or candidate_boxes, candidate_scores, candidate_classes)")
        else:
            candidates = list(zip(*parts))
    true_boxes, true_classes = _first(ev, "true_boxes"), _first(ev, "true_classes")
    truth_to_xyxy = to_xyxy
    if true_boxes is None or true_classes is None:
        targets = _first(ev, "targets")
        if targets is None:
            missing.append("true_boxes and true_classes (or targets)")
        else:
            (true_boxes, true_classes), truth_to_xyxy = truths_from_targets(targets), (lambda b: b)
    if missing:
        raise PlaygroundError("this evaluation has no detection data for the view: missing "
                              + "; ".join(missing) + ". Evaluate a detection model (task 'detection') again.")
    return DetectionData(
        images=np.asarray(images),
        boxes=[to_xyxy(np.asarray(b, dtype=np.float64).reshape(-1, 4)) for b, _, _ in candidates],
        scores=[s for _, s, _ in candidates], classes=[c for _, _, c in candidates],
        true_boxes=[truth_to_xyxy(np.asarray(b, dtype=np.float64).reshape(-1, 4)) for b in _per_image(true_boxes)],
        true_classes=_per_image(true_classes), anchors=anchors, grid=grid,
        class_names=tuple(_first(ev, "class_names") or ()),
        indices=indices,
        conf_threshold=float(_or(_first(ev, "conf_threshold"), CONF_THRESHOLD)),
        iou_threshold=float(_or(_first(ev, "iou_threshold"), IOU_THRESHOLD)),
        reported_map=_first(ev, "map50"), reported_conf=_first(ev, "ap_conf_threshold"),
    )
