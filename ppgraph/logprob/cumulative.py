"""The log-cdf of a discrete distribution on a bounded support whose size is only
known at run time (BetaBinomial or HyperGeometric with a symbolic ``n``): the
log-masses summed over the support, in a loop.

``DiscreteLogCdf`` holds the family's log-mass as a graph of stand-in variables
(``k`` and the parameters), as ``DiscreteQuantile`` holds a logcdf; the JAX
backend lowers it once and sums it over ``k = lower .. upper`` in one
``while_loop`` shared by every element (each element masks the ``k`` outside its
own support), keeping the mass at or below ``x`` and the mass above it apart so
that the upper tail stays accurate. A ``while_loop`` has no reverse-mode
derivative, so the lowering carries its own (a ``jax.custom_vjp``): a second loop
sums the log-mass gradients weighted by ``exp(logpmf(k) - logcdf)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

MAX_TERMS = 10_000_000  # the loop's cap: a support longer than this is cut there


@dataclasses.dataclass(frozen=True)
class DiscreteLogCdf(Op):
    """``log sum_{lower <= k <= x} exp(logpmf(k))`` elementwise, over a support
    ``[lower, upper]`` of finite ends known at run time.

    Inputs: ``x``, ``lower``, ``upper``, then the parameters. ``logpmf`` is a graph
    of ``inputs`` (``k``, then stand-ins for the parameters).
    """

    logpmf: Variable
    inputs: tuple[Variable, ...]
    family: str

    def make_node(self, x: Any, lower: Any, upper: Any, *params: Any) -> Apply:
        if len(params) != len(self.inputs) - 1:
            raise TypeError(
                f"{self}: expected {len(self.inputs) - 1} parameters, got {len(params)}"
            )
        x, lower, upper = (as_tensor_variable(v) for v in (x, lower, upper))
        ps = [as_tensor_variable(p) for p in params]
        k = self.inputs[0]
        assert isinstance(k.type, TensorType)
        return Apply(self, [x, lower, upper, *ps], [TensorType(k.type.dtype, k.type.shape)])

    def props_str(self) -> str:
        return self.family


def summed_logcdf(
    family: str, x: Any, logpmf: Callable[..., Any], lower: Any, upper: Any, *params: Any
) -> TensorVariable:
    """``log P(X <= x)`` of a discrete family from its ``logpmf(k, *params)``
    (no support checks needed: ``k`` runs over ``[lower, upper]`` only).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.distributions.discrete_math import binom_logpmf
        >>> n = pt.scalar("n")
        >>> out = summed_logcdf("binomial", 2.0, binom_logpmf, 0.0, n, n, 0.3)
        >>> round(float(out.eval({n: 10.0})), 9)  # log scipy.stats.binom(10, 0.3).cdf(2)
        -0.960287588
    """
    x = as_tensor_variable(x)
    ps = [as_tensor_variable(p) for p in params]
    probe = as_tensor_variable(logpmf(x, *ps))
    k = TensorType(probe.type.dtype, probe.type.shape).make_variable(name="k")
    stand = [
        p if isinstance(p, Constant) else p.type.make_variable(name=f"param{i}")
        for i, p in enumerate(ps)
    ]
    inner = as_tensor_variable(logpmf(k, *stand))
    out = DiscreteLogCdf(inner, (k, *stand), family)(x, lower, upper, *ps)
    assert isinstance(out, TensorVariable)
    return out
