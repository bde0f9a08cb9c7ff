"""Every shipped lesson parses, opens a project that checks clean and fits its dataset, and every
step's action exists and applies; scripted runs of key lessons reach what their text says."""

from __future__ import annotations

import json
import math
import os

import pytest
import torch

from playground.cli import main
from playground.core.errors import PlaygroundError
from playground.graph.project import graph_to_dict
from playground.graph.summary import summarize
from playground.train.lessons import GROUPS, list_lessons, load_lesson, parse_lesson
from playground.train.lessons.actions import VERBS, apply_to_project, check_action, parse_action
from playground.train.lessons.catalog import lesson_project
from playground.train.lessons.run import LessonRun

#: long scripted runs: marked slow and run only with PLAYGROUND_SLOW=1 (the normal suite stays fast)
slow = pytest.mark.skipif(not os.environ.get("PLAYGROUND_SLOW"), reason="slow: set PLAYGROUND_SLOW=1")

LESSONS = list_lessons()
NAMES = [l.name for l in LESSONS]
#: panel keys a step may open (the window's table: ui.window.screenshot.PANELS, kept Qt-free here)
from playground.cli.screenshot import PANELS  # noqa: E402


def test_enough_lessons_in_every_group_that_has_views():
    assert len(LESSONS) >= 15
    groups = {l.group for l in LESSONS}
    assert {"foundations", "training", "regularization", "cnns", "architectures", "practice"} <= groups
    assert groups <= {k for k, _ in GROUPS}


@pytest.mark.parametrize("name", NAMES)
def test_lesson_project_checks_clean_and_every_action_applies(name):
    lesson = load_lesson(name)
    assert lesson.title and lesson.concepts and lesson.minutes > 0 and lesson.question and lesson.answer
    project = lesson_project(lesson)
    assert summarize(project.graph).ok, name
    for panel in lesson.panels:
        assert panel in PANELS, f"{name}: unknown panel {panel}"
    for step in lesson.steps:
        assert step.text
        for text in step.actions:
            action = parse_action(text)
            assert action.verb in VERBS
            check_action(project, action, PANELS)
            if action.verb not in ("train", "reset", "open_panel", "side_by_side", "sweep", "forget_imported"):
                before = json.dumps([graph_to_dict(project.graph), project.dataset, project.training], sort_keys=True)
                apply_to_project(project, action)
                after = json.dumps([graph_to_dict(project.graph), project.dataset, project.training], sort_keys=True)
                assert before != after, f"{name}: '{text}' changes nothing (the project already has it)"
        assert summarize(project.graph).ok, f"{name}: step '{step.text}' breaks the network"


@pytest.mark.parametrize("name", NAMES)
def test_lesson_project_fits_its_dataset(name):
    """One training step on the lesson's own data: the network takes its examples (the Trainer's
    own fit check runs a forward pass), and so does the project after every step."""
    run = LessonRun(load_lesson(name))
    result = run.train(1)
    assert result.reason != "error", result.message
    assert math.isfinite(result.history.step_loss[0])


def test_parse_errors_name_the_fix():
    with pytest.raises(PlaygroundError, match="front matter"):
        parse_lesson("no front matter", "x")
    with pytest.raises(PlaygroundError, match="lacks"):
        parse_lesson("---\ntitle: t\n---\n", "x")
    with pytest.raises(PlaygroundError, match="not one the lessons know"):
        parse_action("explode everything")
    project = lesson_project(load_lesson("xor_perceptron"))
    with pytest.raises(PlaygroundError, match="no layer named"):
        check_action(project, parse_action("set layer nope.units 3"))
    with pytest.raises(PlaygroundError, match="no training setting"):
        check_action(project, parse_action("set training.nope 3"))
    with pytest.raises(PlaygroundError, match="no panel"):
        check_action(project, parse_action("open panel nope"), PANELS)


def test_replace_layer_keeps_name_and_wiring_and_matches_a_hand_built_graph():
    project = lesson_project(load_lesson("activations_saturation"))
    before = [(project.graph.nodes[e.src].name, project.graph.nodes[e.dst].name) for e in project.graph.edges]
    apply_to_project(project, parse_action("replace layer tanh1 ReLU"))
    assert project.graph.find("tanh1").kind == "ReLU"
    after = [(project.graph.nodes[e.src].name, project.graph.nodes[e.dst].name) for e in project.graph.edges]
    assert sorted(before) == sorted(after)


def test_cli_lists_lessons(capsys):
    assert main(["lessons", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [l["name"] for l in listed] == NAMES
    assert all({"name", "title", "concepts", "minutes"} <= set(l) for l in listed)
    assert main(["lessons"]) == 0
    assert "The perceptron and XOR" in capsys.readouterr().out


def _ratio(norms):
    values = list(norms.values())
    return values[-1] / values[0]


def test_vanishing_gradient_lesson_first_layer_100x_below_last():
    run = LessonRun(load_lesson("init_vanishing"))
    run.do_step(0)  # open health, train 20 with sigmoid + Xavier in a 7-layer net
    norms = run.gradient_norms()
    assert list(norms)[0] == "fc1"
    assert _ratio(norms) >= 100, norms


@pytest.mark.slow
@slow
def test_vanishing_gradient_lesson_relu_he_brings_them_together():
    run = LessonRun(load_lesson("init_vanishing"))
    run.run_to(4)
    assert _ratio(run.gradient_norms()) < 30


@pytest.mark.slow
@slow
def test_xor_lesson_line_stays_low_feature_solves_it():
    run = LessonRun(load_lesson("xor_perceptron"))
    run.do_step(0)
    assert run.accuracy("train") <= 0.75
    run.run_to(3)
    assert run.accuracy("train") > 0.95


@pytest.mark.slow
@slow
def test_xor_hidden_layer_lesson_reaches_95():
    run = LessonRun(load_lesson("mlp_hidden_units"))
    run.run_to(3)
    assert run.accuracy("train") <= 0.78  # one hidden unit: one cut
    run.do_step(3)  # eight units, 800 steps
    assert run.accuracy("train") > 0.95


@pytest.mark.slow
@slow
def test_learning_rate_lesson_small_right_large():
    """Too small: the loss hardly moves; right: it falls; too large: it ends above where it began
    and far above the right run's (each run from the same kind of fresh weights)."""
    run = LessonRun(load_lesson("learning_rate"))
    run.run_to(3)
    small, right, large = ([float(v) for v in r.history.step_loss] for r in run.results)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean(small[-20:]) > 0.9 * mean(small[:20])
    assert mean(right[-20:]) < 0.8 * mean(right[:20])
    finite = [v for v in large if math.isfinite(v)]
    assert run.results[2].reason == "nan" or mean(finite[-20:]) > max(mean(finite[:5]), 3 * mean(right[-20:]))


@pytest.mark.slow
@slow
def test_batch_norm_lesson_plain_deep_sigmoid_stalls_batch_norm_learns():
    run = LessonRun(load_lesson("batch_norm"))
    run.do_step(0)
    assert run.accuracy("train") < 0.65  # four sigmoid layers at lr 0.3: stuck near chance
    run.do_step(1)
    assert [n.kind for n in run.project.graph.nodes.values()].count("BatchNorm") == 4
    assert run.accuracy("train") > 0.85


def test_sweep_step_trains_the_points_it_names():
    """``sweep grid 3 lr=...`` trains exactly the grid's learning rates, one row each, with the
    project's other settings (checked against the grid drawn by the sweep's own space module)."""
    from playground.train.sweep.space import grid, parse_param

    lesson = load_lesson("hyperparameter_search")
    run = LessonRun(lesson)
    run.project.training = {**run.project.training, "epochs": 2}
    run.do(parse_action("sweep grid 3 lr=1e-3:1:log"))
    expected = grid([parse_param("lr=1e-3:1:log")], 3)
    assert [row.settings["lr"] for row in run.sweep_rows] == pytest.approx([p["lr"] for p in expected])
    assert all(math.isfinite(row.metrics["val_loss"]) for row in run.sweep_rows)


def test_a_bad_sweep_range_is_refused_before_anything_runs():
    with pytest.raises(PlaygroundError):
        check_action(lesson_project(load_lesson("hyperparameter_search")), parse_action("sweep grid 4 lr=banana"))


def test_transfer_lesson_starts_from_the_source_layers_frozen_then_fine_tuned_then_from_scratch(monkeypatch):
    """The transfer lesson's steps, headless, with a stand-in "trained" source (no minute of training):
    step 1 imports conv1/conv2 frozen, training leaves them as imported; step 3 starts again from them
    and they learn; step 4 starts from drawn weights."""
    from playground.graph.project import load_project
    from playground.nn.build import build_module
    from playground.train.lessons import sources

    name = sources.source_preset(["transfer_source", "transfer_source_digits"])
    trained = build_module(load_project(name).graph, seed=77).state_dict()
    monkeypatch.setitem(sources._trained, name, trained)
    lesson = load_lesson("transfer_learning")
    run = LessonRun(lesson)

    def steps(index):
        for text in lesson.steps[index].actions:
            action = parse_action(text)
            run.do(parse_action("train 3") if action.verb == "train" else action)

    def conv(key):
        return run.trainer.model.state_dict()[key]

    steps(0)
    steps(1)
    assert all(torch.equal(run.trainer._initial[k], trained[k]) for k in ("conv1.weight", "conv2.bias"))
    assert torch.equal(conv("conv1.weight"), trained["conv1.weight"])  # frozen
    assert not torch.equal(run.trainer._initial["fc1.weight"], run.trainer.model.fc1.weight)  # the head learned
    steps(2)
    assert torch.equal(run.trainer._initial["conv2.weight"], trained["conv2.weight"])
    assert not torch.equal(conv("conv2.weight"), trained["conv2.weight"])  # fine-tuned
    steps(3)
    drawn = build_module(run.project.graph, seed=run.trainer.config.seed).state_dict()
    assert torch.equal(run.trainer._initial["conv1.weight"], drawn["conv1.weight"])
    assert run.imported is None


def test_import_action_names_a_layer_that_does_not_fit():
    project = lesson_project(load_lesson("transfer_learning"))
    with pytest.raises(PlaygroundError, match="fc3: source 10x84, here 7x84"):
        check_action(project, parse_action("import layers transfer_source_digits fc3 frozen"))
    with pytest.raises(PlaygroundError, match="no preset named nope"):
        check_action(project, parse_action("import layers nope conv1 frozen"))
