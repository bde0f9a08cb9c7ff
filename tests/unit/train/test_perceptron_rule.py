"""A network that ends in a Step (Points -> Linear(1) -> Step) learns by the perceptron rule: Loss
Auto picks it, each full-batch step equals a hand-written Rosenblatt update, the loss is the share
misclassified (coherent with the accuracy), and the class probabilities are hard 0/1."""

import torch

from playground.data import load_settings
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import TrainConfig, Trainer
from playground.train.fit_check import project_fit_issues


def step_project():
    project = load_project("perceptron")
    graph = project.graph
    last = graph.output_nodes()[0]
    step = graph.add_node("Step")
    graph.connect(last.id, step.id)
    project.dataset = {"name": "gauss", "params": {"n_points": 200, "noise": 0.3}}
    return project


def test_a_step_output_trains_by_the_perceptron_rule():
    project = step_project()
    assert project_fit_issues(project) == []
    splits = load_settings(project.dataset, 0)
    lr, epochs = 0.1, 6
    n = len(splits.train)
    trainer = Trainer(build_module(project.graph, seed=0), splits,
                      TrainConfig(optimizer="sgd", lr=lr, batch_size=n, epochs=epochs))
    assert trainer.objective.name == "perceptron"
    linear = next(m for m in trainer.model.modules() if isinstance(m, torch.nn.Linear))
    w, b = linear.weight.detach().clone().double(), linear.bias.detach().clone().double()  # (1, 2), (1,)
    x, y = trainer.train_feed.all()
    x, y = x.double(), y.double()
    errors = []
    for _ in range(epochs):  # Rosenblatt: w <- w + lr * mean((y - y_hat) x), b <- b + lr * mean(y - y_hat)
        y_hat = ((x @ w.T)[:, 0] + b > 0).double()
        errors.append(float((y - y_hat).abs().mean()))
        w = w + lr * ((y - y_hat)[:, None] * x).mean(0, keepdim=True)
        b = b + lr * (y - y_hat).mean()
    result = trainer.fit()
    assert torch.allclose(linear.weight.detach().double(), w, atol=1e-6)
    assert torch.allclose(linear.bias.detach().double(), b, atol=1e-6)
    for rec, err in zip(result.history.epochs, errors):
        assert abs(rec.train.loss - err) < 1e-6  # the loss is the share misclassified ...
        assert abs(rec.train.accuracy - (1 - err)) < 1e-6  # ... so loss and accuracy agree
    with torch.no_grad():
        p = trainer.objective.probabilities(trainer.model(x.float()))
    assert set(p.unique().tolist()) <= {0.0, 1.0}  # a hard boundary, not 0.5 / 0.73


def test_a_score_loss_on_a_step_output_is_a_problem():
    project = step_project()
    project.training = dict(project.training or {}, loss="bce")
    issues = project_fit_issues(project)
    assert issues and "Step" in issues[0].message and "Perceptron rule" in issues[0].message


def test_a_step_without_its_gradient_gets_a_warning_and_a_fix():
    project = step_project()
    step = next(n for n in project.graph.nodes.values() if n.kind == "Step")
    project.graph.set_param(step.id, "straight_through", False)
    issue = project_fit_issues(project)[0]
    assert issue.severity == "warning" and issue.fix.value == ("straight_through", True)
