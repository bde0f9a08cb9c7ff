"""Launch to first paint: `playground` (default demo) until the canvas first paints, in a fresh process.

Target: under 1 second. Printed beside two baselines measured the same way on this machine: a bare
PySide6 window's first paint (what Qt itself costs) and `import torch` alone (what the app would
cost if it imported torch before painting). Run: pytest tests/benchmarks/bench_launch.py --benchmarks -s
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = 3

BARE_QT = """
import time, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
class W(QLabel):
    def paintEvent(self, e):
        super().paintEvent(e)
        print(f"first-paint {time.time():.6f}", flush=True)
        QTimer.singleShot(0, app.quit)
w = W("hello"); w.resize(1280, 800); w.show()
app.exec()
"""


def _launch(args: list[str], env: dict) -> float:
    start = time.time()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("first-paint"))
    return float(line.split()[1]) - start


def _import_torch() -> float:
    start = time.time()
    subprocess.run([sys.executable, "-c", "import torch"], check=True, timeout=120)
    return time.time() - start


def test_launch_to_first_paint(tmp_path):
    env = dict(os.environ, PLAYGROUND_FIRST_PAINT_PROBE="1", PLAYGROUND_CONFIG_DIR=str(tmp_path),
               QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    app = [_launch([sys.executable, "-m", "playground"], env) for _ in range(RUNS)]
    preset = [_launch([sys.executable, "-m", "playground", "--preset", "googlenet_small"], env) for _ in range(RUNS)]
    bare = [_launch([sys.executable, "-c", BARE_QT], env) for _ in range(RUNS)]
    torch_import = [_import_torch() for _ in range(RUNS)]
    med = statistics.median
    print()
    print(f"launch to first paint, default demo   : {med(app):.3f} s  (runs: {', '.join(f'{t:.3f}' for t in app)})")
    print(f"launch to first paint, googlenet_small: {med(preset):.3f} s")
    print(f"baseline: bare PySide6 window          : {med(bare):.3f} s  -> app / bare = {med(app) / med(bare):.2f}x")
    print(f"baseline: python -c 'import torch'     : {med(torch_import):.3f} s  (not paid before the first paint)")
    print(f"target: < 1 s -> {'met' if med(app) < 1.0 else 'NOT met'}")
