"""``logp``, ``logcdf`` and ``icdf``: dispatched on the RandomVariable op, they
return graphs in the IR (never JAX code).

A family registers its densities with::

    @_logprob.register(NormalRV)
    def normal_logp(op, value, loc, scale):
        ...

Each function receives the op, the value graph and the RV's parameter graphs,
and returns the elementwise log-density over the RV's batch shape.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.random.op import RandomVariable, is_random_variable
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.math import isfinite, where
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


@functools.singledispatch
def _logprob(op: RandomVariable, value: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no logp registered for {op.name}")


@functools.singledispatch
def _logcdf(op: RandomVariable, value: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no logcdf registered for {op.name}")


@functools.singledispatch
def _icdf(op: RandomVariable, q: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no icdf registered for {op.name}")


def _rv_parts(rv: Any, what: str) -> tuple[RandomVariable, list[TensorVariable]]:
    if not is_random_variable(rv):
        raise TypeError(f"{what} takes a random variable (e.g. pg.Normal.dist(0, 1)); got {rv!r}")
    node = rv.owner
    _, _, *params = node.inputs
    return node.op, params


def _as_value(rv: TensorVariable, value: Any) -> TensorVariable:
    v = as_tensor_variable(value)
    if v.dtype != rv.dtype and not isinstance(value, Variable):
        v = as_tensor_variable(np.asarray(value), dtype=rv.dtype)
    elif v.dtype != rv.dtype and rv.dtype.startswith("float"):
        v = cast(v, rv.dtype)
    return v


def _name_checks(out: TensorVariable, name: str | None) -> TensorVariable:
    """Give the variable's name to the Check at the root of a log-density graph."""
    node = out.owner
    if name is None or node is None or not isinstance(node.op, Check) or node.op.var:
        return out
    new = Check(node.op.msg, name)(*node.inputs)
    assert isinstance(new, TensorVariable)
    return new


def guard_value(value: TensorVariable, logp: TensorVariable, ndim_supp: int) -> TensorVariable:
    """-inf where the value is NaN or infinite, whatever the family's formula gives."""
    if not value.dtype.startswith("float"):
        return logp
    ok = isfinite(value)
    if ndim_supp:
        ok = all_(ok, axis=tuple(range(value.ndim - ndim_supp, value.ndim)))
    return where(ok, logp, -np.inf)


def logp(rv: Any, value: Any) -> TensorVariable:
    """The log-density (or log-mass) of ``rv`` at ``value``, as a graph.

    Parameter constraints appear as ``Check{...}`` nodes; a value outside the
    support gives -inf.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> z = pg.Normal.dist(mu=0.0, sigma=2.0)
        >>> v = pt.scalar("v")
        >>> round(float(pg.logp(z, v).eval({v: 0.0})), 8)
        -1.61208571
    """
    op, params = _rv_parts(rv, "logp")
    value = _as_value(rv, value)
    out = _logprob(op, value, *params)
    out = _lift_guard(out, value, op.ndim_supp)
    out = _name_checks(out, rv.name or f"{op.name} variable")
    out.name = f"{rv.name}_logprob" if rv.name else None
    return out


def _lift_guard(out: TensorVariable, value: TensorVariable, ndim_supp: int) -> TensorVariable:
    """Apply ``guard_value`` under the top Check, so the Check stays the root."""
    node = out.owner
    if node is not None and isinstance(node.op, Check):
        inner = guard_value(value, node.inputs[0], ndim_supp)  # type: ignore[arg-type]
        new = node.op(inner, *node.inputs[1:])
        assert isinstance(new, TensorVariable)
        return new
    return guard_value(value, out, ndim_supp)


def logcdf(rv: Any, value: Any) -> TensorVariable:
    """The log of the cumulative distribution function of ``rv`` at ``value``.

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logcdf(pg.Normal.dist(0.0, 1.0), 0.0).eval()), 8)
        -0.69314718
    """
    op, params = _rv_parts(rv, "logcdf")
    value = _as_value(rv, value)
    out = _name_checks(_logcdf(op, value, *params), rv.name or f"{op.name} variable")
    out.name = f"{rv.name}_logcdf" if rv.name else None
    return out


def icdf(rv: Any, q: Any) -> TensorVariable:
    """The quantile function (inverse cdf) of ``rv`` at probability ``q``.

    Example:
        >>> import ppgraph as pg
        >>> float(pg.icdf(pg.Normal.dist(1.0, 2.0), 0.5).eval())
        1.0
    """
    op, params = _rv_parts(rv, "icdf")
    q_var = as_tensor_variable(q)
    if not q_var.dtype.startswith("float"):
        q_var = cast(q_var, params[0].dtype if params else "float64")
    out = _name_checks(_icdf(op, q_var, *params), rv.name or f"{op.name} variable")
    out.name = f"{rv.name}_icdf" if rv.name else None
    return out
