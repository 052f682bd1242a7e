"""Random expression graphs: the rewritten compiled graph computes what the
unrewritten graph computes, wherever the latter is finite (the documented
value changes only turn a non-finite value into the intended finite one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.rewrite.pattern import fits
from tests.rewrite.util import eager, rewritten

V = Any  # a tensor variable
UNARY: dict[str, Callable[[V], V]] = {
    "neg": lambda a: -a,
    "exp": pt.exp,
    "tanh": pt.tanh,
    "sin": pt.sin,
    "sigmoid": pt.sigmoid,
    "softplus": pt.softplus,
    "square": lambda a: a**2.0,
    "abs_neg": lambda a: pt.abs(-a),
    "neg_neg": lambda a: pt.neg(pt.neg(a)),
    "mul_one": lambda a: a * 1.0,
    "add_zero": lambda a: 0.0 + a,
    "identity": pt.identity,
    "log1p_exp": lambda a: pt.log(1.0 + pt.exp(a)),
    "log_exp": lambda a: pt.log(pt.exp(a)),
    "log_sigmoid": lambda a: pt.log(pt.sigmoid(a)),
    "log1m_sigmoid": lambda a: pt.log(1.0 - pt.sigmoid(a)),
    "expm1": lambda a: pt.exp(a) - 1.0,
    "one_minus_exp": lambda a: 1.0 - pt.exp(a),
    "log1mexp": lambda a: pt.log(1.0 - pt.exp(-pt.abs(a) - 0.1)),
    "log_ndtr": lambda a: pt.log(pt.ndtr(a)),
    "one_minus_erf": lambda a: 1.0 - pt.erf(a),
    "logsumexp": lambda a: pt.log(pt.sum(pt.exp(a))),
    "checked": lambda a: pt.check(a, pt.constant(1.0) > 0, msg="1 > 0"),
}
BINARY: dict[str, Callable[[V, V], V]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.5 + pt.tanh(b)),
    "cancel": lambda a, b: (1.5 + pt.tanh(b)) * (a / (1.5 + pt.tanh(b))),
    "cancel_rev": lambda a, b: (a * b) / b,
    "sub_neg": lambda a, b: a - (-b),
    "add_neg": lambda a, b: (-b) + a,
    "logaddexp": lambda a, b: pt.log(pt.exp(a) + pt.exp(b)),
    "where_true": lambda a, b: pt.where(True, a, b),
}
OPS = sorted(UNARY) + sorted(BINARY)


@st.composite
def programs(draw: st.DrawFn) -> list[tuple[str, list[int], bool]]:
    """Steps ``(op, argument indices, named)``; index 0-2 are the inputs, then each
    step; a named step's variable gets a name (which rewriting must leave alone)."""
    steps = []
    for i in range(draw(st.integers(1, 7))):
        op = draw(st.sampled_from(OPS))
        arity = 1 if op in UNARY else 2
        args = [draw(st.integers(0, 2 + i)) for _ in range(arity)]
        steps.append((op, args, draw(st.booleans())))
    return steps


def build(steps: list[tuple[str, list[int], bool]], inputs: list[Variable]) -> Variable:
    values = list(inputs)
    for i, (op, args, named) in enumerate(steps):
        fn: Any = UNARY.get(op) or BINARY[op]
        values.append(fn(*[values[a] for a in args]))
        if named:
            values[-1].name = f"v{i}"
    return values[-1]


def snapshot(out: Variable) -> list[tuple[Any, ...]]:
    """Every variable above ``out`` with its name, node, op and inputs."""
    return [
        (v, v.name, v.owner, v.index)
        + (() if v.owner is None else (v.owner.op, list(v.owner.inputs), list(v.owner.outputs)))
        for v in ancestors([out])
    ]


@settings(
    max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(steps=programs(), seed=st.integers(0, 2**16))
def test_rewritten_graphs_compute_the_same_values(steps: Any, seed: int) -> None:
    x, y, s = pt.vector("x"), pt.vector("y"), pt.scalar("s")
    inputs = [x, y, s]
    out = build(steps, inputs)
    rng = np.random.default_rng(seed)
    values = [rng.uniform(-2, 2, 5), rng.uniform(-2, 2, 5), rng.uniform(-2, 2)]

    before = snapshot(out)
    new, _ = rewritten(out, inputs)
    assert fits(new, out), f"{new.type} cannot stand for {out.type}"
    again, trace = rewritten(new, inputs)
    assert again is new and trace == [], f"not a fixed point: {trace}"

    want = eager(inputs, out, *values)
    got = pg.function(inputs, out)(*values)
    assert got.shape == want.shape and got.dtype == want.dtype
    finite = np.isfinite(want)
    assert np.all(np.isfinite(got[finite])), f"{got} where unrewritten is {want}"
    scale = max(1.0, float(np.max(np.abs(want[finite]), initial=0.0)))
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-6, atol=1e-9 * scale)
    assert snapshot(out) == before, "rewriting or compiling changed the caller's graph"
