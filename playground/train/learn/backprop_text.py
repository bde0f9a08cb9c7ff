"""The words and filled-in formulas of the backprop walk (no torch, no Qt: numbers in, text out).

Owns ``Step`` and ``steps_of`` (the walk: input, forward layer by layer, the loss, backward layer by
layer from the output, the update), ``step_text`` (what a step computes, in the course's notation),
``unit_formula`` (a clicked unit's z, a, δ and ∂L/∂b with its own numbers: δ_j = (Σ_k w_kj δ_k) ·
f'(z_j) = (0.31·0.12 + …) · 0.42 = 0.021) and ``weight_formula`` (a clicked connection's ∂L/∂w =
δ_j · a_i, the numerical check beside it, and the update w ← w − η ∂L/∂w). Values on units are
those of one example of the batch (``example``); gradients of weights and biases are the batch's.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOWN_TERMS = 4  # terms of a sum written out before "…"


@dataclass(frozen=True)
class Step:
    kind: str  # "input", "forward", "loss", "backward", "update"
    layer: int  # the layer index for forward/backward, else -1
    title: str


def steps_of(trace) -> list[Step]:
    names = [layer.name for layer in trace.layers]
    steps = [Step("input", -1, "Input: a⁰ = x")]
    steps += [Step("forward", k, f"Forward {k + 1}/{len(names)}: {name}") for k, name in enumerate(names)]
    steps.append(Step("loss", -1, f"Loss: {trace.loss_title or trace.loss_name}"))
    steps += [Step("backward", k, f"Backward {len(names) - k}/{len(names)}: {names[k]}")
              for k in range(len(names) - 1, -1, -1)]
    steps.append(Step("update", -1, "Update: W ← W − η ∂L/∂W"))
    return steps


def f(v: float) -> str:
    """A number as the formulas write it: three significant digits, no exponent for ordinary sizes."""
    v = float(v)
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.3g}" if abs(v) >= 0.01 else f"{v:.4f}".rstrip("0")
    return f"{v:.2e}"


def _p(v: float) -> str:
    text = f(v)
    return f"({text})" if text.startswith("-") else text


def _terms(pairs: list[tuple[float, float]]) -> str:
    shown = [f"{_p(a)}·{_p(b)}" for a, b in pairs[:SHOWN_TERMS]]
    return " + ".join(shown) + (" + …" if len(pairs) > SHOWN_TERMS else "")


def step_text(trace, step: Step) -> str:
    batch = len(trace.x)
    if step.kind == "input":
        return (f"The input features a⁰ of {'the example' if batch == 1 else f'example 1 of the {batch}'} "
                f"({trace.split} {trace.indices[0] if trace.indices else 0}). Press Next to send them forward.")
    if step.kind == "forward":
        layer = trace.layers[step.layer]
        return (f"Each unit adds up its weighted inputs, z = W·a + b, then applies its activation, a = f(z) "
                f"({layer.activation}). Colour and width of a connection: its weight (blue +, red −).")
    if step.kind == "loss":
        mean = f" (the mean over the batch of {batch})" if batch > 1 else ""
        return (f"The loss compares the output with the target: L = {f(trace.loss)}{mean}. "
                f"Its derivative ∂L/∂a at the output starts the backward pass.")
    if step.kind == "backward":
        last = step.layer == len(trace.layers) - 1
        rule = ("δᴸ = ∂L/∂a ⊙ f'(zᴸ)" if last else "δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ f'(zˡ)  (the chain rule)")
        return (f"Each unit's error δ = ∂L/∂z: {rule}. Then ∂L/∂W = δ·aᵀ on each connection and ∂L/∂b = δ. "
                f"Connections now show ∂L/∂W.")
    note = "" if trace.optimizer == "sgd" else (f" (this project trains with {trace.optimizer}; "
                                               "this is the plain gradient-descent step)")
    return (f"Gradient descent moves every weight against its gradient with learning rate η = {f(trace.lr)}: "
            f"W ← W − η ∂L/∂W{note}. Connections show the new weights; click one for before and after.")


def unit_formula(trace, layer: int, j: int, example: int = 0) -> str:
    """The clicked unit's numbers (layer -1: an input feature)."""
    e = example
    if layer < 0:
        return f"{trace.input_names[j]} = {f(trace.x[e, j])} (an input feature: no weights, no δ)"
    L = trace.layers[layer]
    name = f"{L.name}[{j + 1}]"
    terms = [(L.W[j, i], L.a_in[e, i]) for i in range(L.W.shape[1])]
    lines = [f"<b>{name}</b>",
             f"z = Σ_i w_i·a_i + b = {_terms(terms)} + {_p(L.b[j])} = {f(L.z[e, j])}",
             f"a = f(z) = {L.activation}({f(L.z[e, j])}) = {f(L.a[e, j])}",
             f"f'(z) = {f(L.fprime[e, j])}"]
    if layer == len(trace.layers) - 1:
        g = trace.dL_da[e, j]
        lines.append(f"δ = ∂L/∂a · f'(z) = {_p(g)} · {_p(L.fprime[e, j])} = {f(L.delta[e, j])}")
    else:
        up = trace.layers[layer + 1]
        back = [(up.W[k, j], up.delta[e, k]) for k in range(up.W.shape[0])]
        total = sum(a * b for a, b in back)
        lines.append(f"δ = (Σ_k w_kj δ_k) · f'(z) = ({_terms(back)}) · {_p(L.fprime[e, j])} "
                     f"= {f(total)} · {_p(L.fprime[e, j])} = {f(L.delta[e, j])}")
    batch = len(trace.x)
    summed = f" summed over the batch of {batch}" if batch > 1 else ""
    lines.append(f"∂L/∂b = δ{summed} = {f(L.db[j])};  b ← {f(L.b[j])} − {f(trace.lr)}·{_p(L.db[j])} = {f(L.b_after[j])}")
    return "<br>".join(lines)


def weight_formula(trace, layer: int, j: int, i: int, numeric: float | None = None, example: int = 0) -> str:
    """The clicked connection w_ji (from unit i of the layer below to unit j), its gradient, the
    numerical check and the update."""
    L = trace.layers[layer]
    below = trace.input_names[i] if layer == 0 else f"{trace.layers[layer - 1].name}[{i + 1}]"
    batch = len(trace.x)
    lines = [f"<b>w from {below} to {L.name}[{j + 1}]</b> = {f(L.W[j, i])}"]
    if batch == 1:
        lines.append(f"∂L/∂w = δ_j · a_i = {_p(L.delta[0, j])} · {_p(L.a_in[0, i])} = {f(L.dW[j, i])}")
    else:
        pairs = [(L.delta[n, j], L.a_in[n, i]) for n in range(batch)]
        lines.append(f"∂L/∂w = Σ_n δ_j·a_i over the batch = {_terms(pairs)} = {f(L.dW[j, i])}")
    if numeric is not None:
        diff = abs(numeric - L.dW[j, i]) / max(1e-12, abs(numeric) + abs(L.dW[j, i]))
        lines.append(f"Gradient check: (L(w+ε) − L(w−ε)) / 2ε = {f(numeric)}  vs backprop {f(L.dW[j, i])}  "
                     f"(relative difference {diff:.1e})")
    lines.append(f"Update: w ← w − η ∂L/∂w = {f(L.W[j, i])} − {f(trace.lr)}·{_p(L.dW[j, i])} = {f(L.W_after[j, i])}")
    return "<br>".join(lines)
