"""Shared pieces of the rewrite tests: a table row per rule, and a check that
the rule fires and that the graph computes the NumPy value before and after."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors

Domain = tuple[float, float]


@dataclasses.dataclass(frozen=True)
class RuleCase:
    """``build(*inputs)`` is a graph the rule ``rule`` rewrites; ``oracle`` is
    its value in NumPy; inputs are float64 vectors drawn from ``domain``
    (one domain per input, or one for all)."""

    rule: str
    build: Callable[..., Variable]
    oracle: Callable[..., Any]
    n_inputs: int = 1
    domain: Domain | tuple[Domain, ...] = (-3.0, 3.0)
    matrix: bool = False

    def inputs(self) -> list[Variable]:
        make = pt.matrix if self.matrix else pt.vector
        return [make(name) for name in "xyz"[: self.n_inputs]]

    def values(self, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        doms = self.domain if isinstance(self.domain[0], tuple) else (self.domain,) * 3
        shape = (3, 4) if self.matrix else (7,)
        return [rng.uniform(*doms[i], size=shape) for i in range(self.n_inputs)]


def rewritten(output: Variable, inputs: list[Variable]) -> tuple[Variable, list[str]]:
    """The compile-time rewrite of ``output`` and the names of the rules that fired."""
    trace: list[str] = []
    [out] = pg.rewrite_graph([output], inputs, trace=trace)
    return out, trace


def ops(output: Variable) -> list[str]:
    """The op of every node above ``output``, printed."""
    return [str(v.owner.op) for v in ancestors([output]) if v.owner is not None]


def check_rule_case(case: RuleCase, seed: int = 0, rtol: float = 1e-12) -> Variable:
    """The rule fires on the case's graph, and the graph without rewrites (run
    op by op, and jitted) and with them equals the NumPy oracle. Returns the
    rewritten output."""
    inputs = case.inputs()
    out = case.build(*inputs)
    new, trace = rewritten(out, inputs)
    assert case.rule in trace, f"{case.rule} did not fire; fired: {trace}"
    values = case.values(seed)
    want = case.oracle(*values)
    results = {
        "unrewritten, op by op": eager(inputs, out, *values),
        "unrewritten, jitted": pg.function(inputs, out, rewrite=False)(*values),
        "rewritten, jitted": pg.function(inputs, out)(*values),
    }
    for how, got in results.items():
        assert got.shape == np.shape(want), how
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300, err_msg=how)
    return new


def eager(inputs: list[Variable], output: Variable, *values: Any) -> np.ndarray:
    """The unrewritten graph run op by op (un-jitted), so XLA's own
    simplifier (which folds ``log(exp(x))`` and ``x + 0`` itself) stays out."""
    f = pg.function(inputs, output, rewrite=False)
    with jax.enable_x64(True):
        return np.asarray(f.jax_fn(*[np.asarray(v, dtype="float64") for v in values]))
