"""Redraw pacing (playground/ui/training/pacing.py): the slowdown follows the GUI thread's measured
CPU share, stays within its bounds, and probe intervals keep each probe to its share of training."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from playground.ui.training.pacing import (JOB_SHARE, MAX_SLOWDOWN, TRAINING_NICE, GuiLoad, job_interval,
                                           lower_thread_priority)


def feed(load: GuiLoad, share: float, seconds: float, start=(0.0, 0.0)) -> tuple[float, float]:
    """Pretend the GUI thread used ``share`` of a core for ``seconds``, sampled every 0.1 s."""
    cpu, wall = start
    for _ in range(round(seconds / 0.1)):
        cpu, wall = cpu + 0.1 * share, wall + 0.1
        load.sample(cpu, wall)
    return cpu, wall


def test_a_light_gui_keeps_the_normal_rate():
    load = GuiLoad(budget=0.05)
    feed(load, 0.02, 5.0)
    assert load.slowdown == 1.0
    assert load.busy == pytest.approx(0.02)
    assert load.interval(0.1) == pytest.approx(0.1)


def test_a_busy_gui_spaces_redraws_out_within_the_bound_and_recovers():
    load = GuiLoad(budget=0.05)
    state = feed(load, 0.15, 1.0)
    assert 1.0 < load.slowdown <= 4.0  # at most doubling per measuring window
    state = feed(load, 0.5, 10.0, state)
    assert load.slowdown == MAX_SLOWDOWN
    assert load.interval(0.1) == pytest.approx(0.1 * MAX_SLOWDOWN)
    load.pause()  # a pause keeps what was learnt about the machine
    assert load.slowdown == MAX_SLOWDOWN
    feed(load, 0.0, 10.0, state)
    assert load.slowdown == 1.0


def test_a_share_between_half_and_the_budget_holds_the_slowdown():
    load = GuiLoad(budget=0.05)
    state = feed(load, 0.2, 1.0)
    held = load.slowdown
    load.pause()  # the next measurement starts clean
    feed(load, 0.04, 3.0, state)
    assert load.slowdown == held


def test_job_interval_keeps_a_probe_to_its_share():
    assert job_interval(0.4, 0.001) == 0.4  # a cheap probe: the panel's own interval
    assert job_interval(0.4, 0.05) == pytest.approx(0.05 / JOB_SHARE)  # 50 ms: asked every ~3.3 s
    assert job_interval(0.4, 0.05, share=0) == 0.4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are a Linux feature")
def test_the_training_thread_lowers_only_its_own_priority():
    seen = {}

    def work():
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        seen["done"] = lower_thread_priority()
        seen["change"] = os.getpriority(os.PRIO_PROCESS, tid) - before
        seen["capped"] = before + TRAINING_NICE > 19

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen["done"]
    assert seen["change"] == TRAINING_NICE or seen["capped"]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before  # the window's is untouched
