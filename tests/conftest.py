"""Test-wide settings: Qt runs headless, and no test may leave a thread running."""

import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PLAYGROUND_NO_AUTOSAVE_PROMPT", "1")
# Trainers take the torch path, so that a run does not switch engines when a background compile
# finishes; the fused engine's own tests turn it on (tests/unit/train/test_fused_*.py).
os.environ.setdefault("PLAYGROUND_ENGINE", "torch")


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    leftover = [
        t
        for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and not t.daemon and t is not threading.current_thread()
    ]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"


def pytest_addoption(parser):
    parser.addoption(
        "--benchmarks", action="store_true", default=False, help="run the speed benchmarks in tests/benchmarks"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--benchmarks"):
        return
    skip = pytest.mark.skip(reason="benchmark: run with  pytest tests/benchmarks --benchmarks -s")
    for item in items:
        if "benchmarks" in item.path.parts:
            item.add_marker(skip)
