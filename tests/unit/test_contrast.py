"""Side by side: the contrast line, the two projects it makes, and two runs trained in turns that
are exactly the runs each project gives alone."""

from __future__ import annotations

import json

import pytest
import torch

from playground.core.errors import PlaygroundError
from playground.graph.project import graph_to_dict, load_project
from playground.train.lessons.catalog import lesson_project
from playground.train.lessons.contrast import (Contrast, PairRun, contrast_projects, parse_contrast,
                                               suggested_contrasts)
from playground.train.lessons.run import LessonRun
from playground.train.lessons import list_lessons


def _state(project):
    return json.dumps([graph_to_dict(project.graph), project.dataset, project.training], sort_keys=True)


def test_parse_contrast_reads_labels_and_actions():
    c = parse_contrast(" tanh | ReLU | replace layer tanh1 ReLU;  replace layer tanh2 ReLU ")
    assert c == Contrast("tanh", "ReLU", ("replace layer tanh1 ReLU", "replace layer tanh2 ReLU"))
    assert parse_contrast(c.text()) == c


@pytest.mark.parametrize("text", ["tanh | ReLU", "a | | set training.lr 1", "a | b | train 100", "a | b | open panel health",
                                  "a | b | fly away"])
def test_bad_contrast_lines_are_refused_with_a_fix(text):
    with pytest.raises(PlaygroundError) as err:
        parse_contrast(text)
    assert err.value.fix


def test_contrast_projects_leave_a_alone_and_change_only_b():
    project = load_project("tfp_mlp")
    before = _state(project)
    a, b = contrast_projects(project, parse_contrast("tanh | ReLU | replace layer tanh1 ReLU"))
    assert _state(project) == before and _state(a) == before
    assert b.graph.find("tanh1").kind == "ReLU" and a.graph.find("tanh1").kind == "Tanh"
    assert b.graph.find("tanh2").kind == "Tanh" and b.training == a.training and b.dataset == a.dataset


def test_a_contrast_that_does_not_fit_changes_nothing():
    project = load_project("tfp_mlp")
    before = _state(project)
    with pytest.raises(PlaygroundError):
        contrast_projects(project, parse_contrast("a | b | replace layer nosuch ReLU"))
    assert _state(project) == before


def test_pair_run_sides_are_the_runs_each_project_gives_alone():
    """Trained in turns of 7 steps, each side ends with the weights of a run of its own project
    alone, trained in the same turns (same seed, same data): nothing leaks between the halves."""
    project = load_project("tfp_mlp")
    contrast = parse_contrast("lr 0.03 | lr 0.3 | set training.lr 0.3")
    pair = PairRun(project, contrast, chunk=7)
    pair.train(40)
    steps = [run.build().step_count for run in pair.runs]
    for side, other in zip(pair.runs, contrast_projects(project, contrast)):
        alone = LessonRun(None, other)
        for n in (7, 7, 7, 7, 7, 5):
            alone.train(n)
        assert alone.build().step_count == side.build().step_count
        for (name, p), (_, q) in zip(side.build().model.state_dict().items(), alone.build().model.state_dict().items()):
            torch.testing.assert_close(p, q, msg=name)
    a, b = (pair.runs[i].build().model.state_dict() for i in (0, 1))
    assert any(not torch.equal(a[k], b[k]) for k in a)  # the learning rate made a difference
    assert min(steps) >= 40


def test_snapshot_gradient_norms_are_autograd_norms_of_the_training_loss():
    project = load_project("tfp_mlp")
    pair = PairRun(project, parse_contrast("lr 0.03 | lr 0.3 | set training.lr 0.3"))
    pair.train(10)
    snap = pair.snapshot(1)
    trainer = pair.runs[1].build()
    from playground.train.health_view import resting_examples

    x, _, target = resting_examples(trainer, 256)
    model = trainer.model
    model.eval()
    loss = trainer.objective.loss(model(x), target)
    for name, norm in zip(snap["layers"], snap["grad_norms"]):
        params = [p for n, p in model.named_parameters() if n.startswith(name + ".")]
        grads = torch.autograd.grad(loss, params, retain_graph=True)
        assert norm == pytest.approx(float(torch.sqrt(sum((g ** 2).sum() for g in grads))), rel=1e-4)
    assert snap["step"] == trainer.step_count and len(snap["loss"]) == trainer.step_count
    assert snap["surface"] is not None and snap["surface"]["values"].shape == (60, 60)


@pytest.mark.parametrize("preset", ["tfp_mlp", "lenet5"])
def test_every_suggested_contrast_fits_and_changes_b(preset):
    project = load_project(preset)
    suggestions = suggested_contrasts(project)
    assert len(suggestions) >= 4
    for c in suggestions:
        a, b = contrast_projects(project, c)
        assert _state(a) != _state(b), c.text()


@pytest.mark.parametrize("lesson", [l for l in list_lessons() if l.contrast], ids=lambda l: l.name)
def test_lesson_contrasts_change_the_lessons_project(lesson):
    a, b = contrast_projects(lesson_project(lesson), parse_contrast(lesson.contrast))
    assert _state(a) != _state(b)


def test_a_side_by_side_step_without_a_contrast_is_refused():
    from playground.train.lessons import parse_lesson

    text = ("---\ntitle: t\ngroup: training\nconcepts: c\nminutes: 1\nproject: tfp_mlp\n---\nx\n\n## Steps\n"
            "1. Compare. `do: side by side 10`\n")
    with pytest.raises(PlaygroundError, match="contrast"):
        parse_lesson(text, "t")
