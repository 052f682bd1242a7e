"""Densities of invertible functions of one random variable.

``pg.logp(y, v)`` for ``y = g(x)``, ``x`` a random variable and ``g`` built from
the invertible steps below, is ``x``'s log-density at ``g^{-1}(v)`` plus the
log-Jacobian ``log |d g^{-1}(v) / dv|``, summed over the steps from ``y`` down
to ``x``. So ``pt.exp(pg.Normal.dist(0, 1))`` has LogNormal's density and
``a * x + b`` the density of the scaled and shifted family.

Each step inverts one elementwise node whose only random input is ``x``'s
branch (the other operand is a parameter: a constant, an input, any graph
without random variables). Broadcasting the random branch to a larger shape
is not invertible and is refused, as is a second random operand (``x + z`` is a
convolution, not a change of variables). For a discrete ``x`` only shifts and
negation apply: they keep integers integers and need no Jacobian. For a
multivariate ``x`` the steps act elementwise and the Jacobian terms are summed
over a draw's core dims.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.logprob.basic import (
    _as_value,
    _logprob,
    finish,
    guard_value,
    split_checks,
    wrap_checks,
)
from ppgraph.random.op import RandomVariable, is_random_variable
from ppgraph.tensor import math as m
from ppgraph.tensor.elemwise import Elemwise
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable


@dataclasses.dataclass(frozen=True)
class Step:
    """One inverted node ``op``: the value below it, its log-Jacobian term (None
    for 0), and a support condition on the value above it (None for none)."""

    value: TensorVariable
    log_jac: TensorVariable | None = None
    support: TensorVariable | None = None
    op: str = ""


# Each inverse takes (y, c, i): the value of the node's output, the other operand
# and the position of the random operand; it returns x with y = op(x, c).
Inverse = Callable[[TensorVariable, Any, int], Step]


def _add(y: TensorVariable, c: Any, i: int) -> Step:
    return Step(y - c)  # y = x + c  ->  x = y - c


def _sub(y: TensorVariable, c: Any, i: int) -> Step:
    # y = x - c -> x = y + c;  y = c - x -> x = c - y
    return Step(y + c if i == 0 else c - y)


def _neg(y: TensorVariable, c: Any, i: int) -> Step:
    return Step(-y)  # y = -x  ->  x = -y


def _mul(y: TensorVariable, c: Any, i: int) -> Step:
    return Step(y / c, -m.log(m.abs(c)))  # y = c x -> x = y / c, |dx/dy| = 1/|c|


def _div(y: TensorVariable, c: Any, i: int) -> Step:
    if i == 0:
        return Step(y * c, m.log(m.abs(c)))  # y = x / c -> x = c y, |dx/dy| = |c|
    # y = c / x -> x = c / y, |dx/dy| = |c| / y^2
    return Step(c / y, m.log(m.abs(c)) - 2.0 * m.log(m.abs(y)), m.neq(y, 0))


def _exp(y: TensorVariable, c: Any, i: int) -> Step:
    return Step(m.log(y), -m.log(y), y > 0)  # y = e^x -> x = log y, |dx/dy| = 1/y


def _log(y: TensorVariable, c: Any, i: int) -> Step:
    return Step(m.exp(y), y)  # y = log x -> x = e^y, |dx/dy| = e^y


INVERSES: dict[str, Inverse] = {
    "add": _add,
    "sub": _sub,
    "neg": _neg,
    "mul": _mul,
    "true_div": _div,
    "exp": _exp,
    "log": _log,
}
# Steps that map integers to integers with a unit Jacobian: all a discrete x allows.
DISCRETE_STEPS = ("add", "sub", "neg")


def _is_random(var: Variable) -> bool:
    return any(is_random_variable(v) for v in ancestors([var]))


def _refuse(var: Variable, why: str) -> NotImplementedError:
    ops = ", ".join(INVERSES)
    return NotImplementedError(
        f"logp of {var!r}: {why}. A density is derived for a random variable or an "
        f"invertible elementwise function of one ({ops})"
    )


def invert(var: TensorVariable, value: TensorVariable) -> tuple[TensorVariable, list[Step]]:
    """The random variable ``var`` is a function of, and the inverted steps from
    ``value`` (a value of ``var``) down to a value of it, top first.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x = pg.Normal.dist(0.0, 1.0)
        >>> rv, steps = invert(pt.exp(2.0 * x), pt.scalar("v"))
        >>> rv is x, [s.op for s in steps]
        (True, ['exp', 'mul'])
    """
    steps: list[Step] = []
    y, top = value, var
    while not is_random_variable(var):
        node = var.owner
        if node is None:
            raise _refuse(top, f"{var!r} is not a random variable nor a function of one")
        name = node.op.scalar_op if isinstance(node.op, Elemwise) else str(node.op)
        if name not in INVERSES:
            raise _refuse(top, f"{node.op} is not an invertible step we know")
        random = [i for i, x in enumerate(node.inputs) if _is_random(x)]
        if len(random) != 1:
            raise _refuse(top, f"{node.op} has {len(random)} random operands, not one")
        (i,) = random
        x = node.inputs[i]
        assert isinstance(x, TensorVariable)
        if any(a == 1 and b != 1 for a, b in zip(x.type.shape, var.type.shape, strict=True)):
            raise _refuse(
                top,
                f"{node.op} broadcasts the random operand of shape {x.type.shape} to "
                f"{var.type.shape}, which is not invertible",
            )
        others = [c for j, c in enumerate(node.inputs) if j != i]
        step = dataclasses.replace(INVERSES[name](y, others[0] if others else None, i), op=name)
        steps.append(step)
        y, var = step.value, x
    return var, steps


def _core_reduce(
    x: TensorVariable, var: TensorVariable, ndim_supp: int, how: Callable[..., TensorVariable]
) -> Any:
    """``x`` (elementwise over draws of ``var``) reduced over the core dims of a
    multivariate variable: one term per element of a draw."""
    if not ndim_supp:
        return x
    core = var.type.shape[var.ndim - ndim_supp :]
    if None in core:
        raise NotImplementedError(
            f"the Jacobian of a transformed multivariate variable needs its core shape, "
            f"got {var.type}"
        )
    x = x if x.type.shape[x.ndim - ndim_supp :] == core else m.add(x, np.zeros(core, x.dtype))
    return how(x, axis=tuple(range(x.ndim - ndim_supp, x.ndim)))


def derived_logp(var: TensorVariable, value: Any) -> TensorVariable:
    """The log-density of ``var``, an invertible function of one random variable,
    at ``value`` (what ``pg.logp`` calls for a variable that is not an RV).

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> y = pt.exp(pg.Normal.dist(0.0, 1.0))  # LogNormal(0, 1)
        >>> round(float(pg.logp(y, 2.0).eval()), 8)
        -1.85231222
    """
    if not _is_random(var):
        raise TypeError(
            f"logp takes a random variable (e.g. pg.Normal.dist(0, 1)) or a function of "
            f"one; {var!r} depends on no random variable"
        )
    value = _as_value(var, value)
    rv, steps = invert(var, value)
    node = rv.owner
    assert node is not None and isinstance(node.op, RandomVariable)
    op: RandomVariable = node.op
    bad = [s.op for s in steps if s.op not in DISCRETE_STEPS]
    if bad and not op.dtype.startswith("float"):
        raise _refuse(var, f"{bad[0]} of a discrete random variable has no density")
    params = [p for p in node.inputs[2:] if isinstance(p, TensorVariable)]
    base_value = steps[-1].value if steps else value
    inner, checks = split_checks(_logprob(op, base_value, *params))
    inner = guard_value(base_value, inner, op.ndim_supp)
    for step in steps:
        if step.log_jac is not None:
            inner = inner + _core_reduce(step.log_jac, var, op.ndim_supp, sum_)
        if step.support is not None:
            ok = _core_reduce(step.support, var, op.ndim_supp, all_)
            inner = m.where(ok, inner, -np.inf)
    name = var.name or rv.name or f"{op.name} variable"
    out = finish(wrap_checks(inner, checks), name, op, params, guard=(value, op.ndim_supp))
    out.name = f"{var.name}_logprob" if var.name else None
    return out


__all__ = ["derived_logp", "invert"]
