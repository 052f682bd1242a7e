"""The quantile of a discrete distribution without a closed form: the smallest
integer ``k`` of the support with ``logcdf(k) >= log q``, found by a search
over the integers that works under jit and vmap.

``DiscreteQuantile`` holds the family's logcdf as a graph of stand-in
variables (``k`` and the parameters), as ``Grad`` holds its cost; the JAX
backend lowers that graph once and runs the search on it (doubling from the
lower end of the support to bracket the answer, then bisection), each loop
capped at a fixed number of rounds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable


@dataclasses.dataclass(frozen=True)
class DiscreteQuantile(Op):
    """``k = min{k in [lower, upper] : logcdf(k) >= log q}`` elementwise, as a float
    (NaN for ``q`` outside [0, 1]; ``lower - 1`` at ``q = 0``, as SciPy's ``ppf``).

    Inputs: ``q``, ``lower``, ``upper`` (``inf`` for an unbounded support), then
    the parameters. ``logcdf`` is a graph of ``inputs`` (``k``, then stand-ins
    for the parameters).
    """

    logcdf: Variable
    inputs: tuple[Variable, ...]
    family: str

    def make_node(self, q: Any, lower: Any, upper: Any, *params: Any) -> Apply:
        if len(params) != len(self.inputs) - 1:
            raise TypeError(
                f"{self}: expected {len(self.inputs) - 1} parameters, got {len(params)}"
            )
        q, lower, upper = (as_tensor_variable(v) for v in (q, lower, upper))
        ps = [as_tensor_variable(p) for p in params]
        k = self.inputs[0]
        assert isinstance(k.type, TensorType)
        return Apply(self, [q, lower, upper, *ps], [TensorType(k.type.dtype, k.type.shape)])

    def props_str(self) -> str:
        return self.family


def discrete_quantile(
    family: str,
    q: Any,
    logcdf: Callable[..., Any],
    lower: Any,
    upper: Any,
    *params: Any,
) -> TensorVariable:
    """The quantile of a discrete family at ``q`` from its ``logcdf(k, *params)``
    and the ends of its support (``upper`` may be ``inf``).

    Example:
        >>> import numpy as np
        >>> import ppgraph as pg
        >>> from ppgraph.distributions.discrete_math import poisson_logcdf
        >>> k = discrete_quantile("poisson", 0.5, poisson_logcdf, 0.0, np.inf, 3.0)
        >>> float(k.eval())  # scipy.stats.poisson(3).ppf(0.5)
        3.0
    """
    from ppgraph.logprob.basic import split_checks

    q = as_tensor_variable(q)
    ps = [as_tensor_variable(p) for p in params]
    # the shape of the answer: q broadcast against the parameters' batch shape
    probe = as_tensor_variable(split_checks(logcdf(q, *ps))[0])
    k = TensorType(q.dtype, probe.type.shape).make_variable(name="k")
    # Stand-ins for the parameters (constants stay: a sum over 0..n needs n static)
    stand = [
        p if isinstance(p, Constant) else p.type.make_variable(name=f"param{i}")
        for i, p in enumerate(ps)
    ]
    inner = as_tensor_variable(split_checks(logcdf(k, *stand))[0])
    op = DiscreteQuantile(inner, (k, *stand), family)
    out = op(q, lower, upper, *ps)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class PositiveQuantile(Op):
    """``x > 0`` with ``logcdf(x) = log q`` elementwise, for a continuous family on
    the positive half-line without a closed-form quantile (Wald): bracketed by
    doubling and halving from ``start``, then bisected on ``log x``. ``q`` is
    taken in ``(0, 1)``; the caller handles the ends and NaN.

    Inputs: ``q``, ``start`` (a positive guess, e.g. the mean), then the
    parameters. ``logcdf`` is a graph of ``inputs`` (``x``, then stand-ins).
    """

    logcdf: Variable
    inputs: tuple[Variable, ...]
    family: str

    def make_node(self, q: Any, start: Any, *params: Any) -> Apply:
        q, start = as_tensor_variable(q), as_tensor_variable(start)
        ps = [as_tensor_variable(p) for p in params]
        x = self.inputs[0]
        assert isinstance(x.type, TensorType)
        return Apply(self, [q, start, *ps], [TensorType(x.type.dtype, x.type.shape)])

    def props_str(self) -> str:
        return self.family


def positive_quantile(
    family: str, q: Any, logcdf: Callable[..., Any], start: Any, *params: Any
) -> TensorVariable:
    """The quantile at ``q`` in ``(0, 1)`` of a family on ``x > 0`` from its
    ``logcdf(x, *params)`` (without its Checks), searched from ``start``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> def exp_logcdf(x, lam):
        ...     return pt.log1mexp(-lam * x)
        >>> x = positive_quantile("exponential", 0.5, exp_logcdf, 1.0, 2.0)
        >>> round(float(x.eval()), 12)  # log(2) / 2
        0.34657359028
    """
    from ppgraph.logprob.basic import split_checks

    q = as_tensor_variable(q)
    ps = [as_tensor_variable(p) for p in params]
    probe = as_tensor_variable(split_checks(logcdf(q + as_tensor_variable(start), *ps))[0])
    x = TensorType(q.dtype, probe.type.shape).make_variable(name="x")
    stand = [
        p if isinstance(p, Constant) else p.type.make_variable(name=f"param{i}")
        for i, p in enumerate(ps)
    ]
    inner = as_tensor_variable(split_checks(logcdf(x, *stand))[0])
    out = PositiveQuantile(inner, (x, *stand), family)(q, start, *ps)
    assert isinstance(out, TensorVariable)
    return out
