"""Object detection, YOLO style: anchors from the data, the grid head's loss, decoding with NMS, and mAP.

``anchors.py`` (k-means on box sizes), ``yolo_loss.py`` (layout of the head, target encoding, the
loss), ``decode.py`` (grid outputs -> scored boxes, IoU, non-max suppression), ``metrics.py``
(precision-recall and AP at IoU 0.5, mAP) and ``evaluation.py`` (the task's hooks into the
Trainer's per-epoch metrics, the test evaluation and the Evaluation panel's data).
"""
