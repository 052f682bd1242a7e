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

import dataclasses
import functools
import inspect
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Constant, SharedVariable, Variable, is_fixed
from ppgraph.random.op import RandomVariable, is_random_variable
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.math import invert, isfinite, isnan, where
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable


@functools.singledispatch
def _logprob(op: RandomVariable, value: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no logp registered for {op.name}")


@functools.singledispatch
def _logcdf(op: RandomVariable, value: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no logcdf registered for {op.name}")


@functools.singledispatch
def _icdf(op: RandomVariable, q: TensorVariable, *params: TensorVariable) -> TensorVariable:
    raise NotImplementedError(f"no icdf registered for {op.name}")


@functools.singledispatch
def _measurable_logprob(op: Any, var: TensorVariable, value: Any) -> TensorVariable | None:
    """The log-density of ``var``, an output of ``op`` that draws without being a
    random variable (a loop whose step draws: ``ppgraph.logprob.scan``), or None
    when ``op`` registers none."""
    return None


def _rv_parts(rv: Any, what: str) -> tuple[RandomVariable, list[TensorVariable]]:
    if not is_random_variable(rv):
        raise TypeError(f"{what} takes a random variable (e.g. pg.Normal.dist(0, 1)); got {rv!r}")
    node = rv.owner
    _, _, *params = node.inputs
    return node.op, params


def _as_value(rv: TensorVariable, value: Any) -> TensorVariable:
    v = as_tensor_variable(value)
    if rv.dtype[:3] in ("int", "uin") and v.dtype.startswith("float"):
        return v  # a discrete logp of 2.5 is -inf: never round the value to an integer
    if v.dtype != rv.dtype and not isinstance(value, Variable):
        v = as_tensor_variable(np.asarray(value), dtype=rv.dtype)
    elif v.dtype != rv.dtype and rv.dtype.startswith("float"):
        v = cast(v, rv.dtype)
    return v


def split_checks(out: TensorVariable) -> tuple[TensorVariable, list[tuple[Check, list[Any]]]]:
    """``out`` without the Checks at its root, and those Checks (outermost first)
    with their conditions, to combine densities before checking their parameters:
    a failed Check turned into -inf inside a sum or a logsumexp would be lost.

    Example:
        >>> import ppgraph as pg
        >>> inner, checks = split_checks(pg.logp(pg.Normal.dist(0.0, 1.0), 0.5))
        >>> [str(op) for op, _ in checks]
        ['Check{sigma > 0}']
    """
    checks: list[tuple[Check, list[Any]]] = []
    while out.owner is not None and isinstance(out.owner.op, Check):
        checks.append((out.owner.op, list(out.owner.inputs[1:])))
        out = out.owner.inputs[0]  # type: ignore[assignment]
    return out, checks


def _structure(var: Variable, memo: dict[Variable, Any]) -> Any:
    """A hashable key equal for graphs that compute the same thing the same way."""
    if var not in memo:
        if isinstance(var, Constant):
            memo[var] = var.signature()
        elif var.owner is None:
            memo[var] = var
        else:
            ins = tuple(_structure(v, memo) for v in var.owner.inputs)
            memo[var] = (var.owner.op, ins, var.index)
    return memo[var]


def wrap_checks(inner: Any, checks: list[tuple[Check, list[Any]]]) -> TensorVariable:
    """``inner`` under ``checks`` (as ``split_checks`` returned them); a Check
    repeated (same op, conditions built alike, as when a density uses its base's
    logp and logcdf) is applied once.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Truncated.dist(pg.Normal.dist(0.0, 1.0), lower=-1.0, upper=1.0)
        >>> [str(op) for op, _ in split_checks(pg.logp(x, 0.5))[1]]
        ['Check{sigma > 0}', 'Check{lower <= upper}']
    """
    out = as_tensor_variable(inner)
    memo: dict[Variable, Any] = {}
    seen: set[Any] = set()
    for op, conds in reversed(checks):
        key = (op, tuple(_structure(c, memo) for c in conds))
        if key not in seen:
            seen.add(key)
            out = op(out, *conds)
    return out


def _param_names(op: RandomVariable, n: int) -> list[str]:
    """The parameters' names as the family's logp formula calls them (``mu``,
    ``sigma``) when its signature says so, else the op's (``loc``, ``scale``)."""
    fn = inspect.unwrap(_logprob.dispatch(type(op)))
    ps = list(inspect.signature(fn).parameters.values())
    if ps and ps[0].name == "op":
        ps = ps[1:]
    names = [p.name for p in ps[1:] if p.kind is p.POSITIONAL_OR_KEYWORD]
    if len(names) == n == len(ps) - 1:
        return names
    return [*op.params, *(f"parameter {i}" for i in range(len(op.params), n))]


def _nan_flags(op: RandomVariable, params: list[TensorVariable]) -> dict[str, TensorVariable]:
    """``{parameter name: not-NaN flag}`` for the float parameters that may be NaN."""
    names = _param_names(op, len(params))
    flags: dict[str, TensorVariable] = {}
    for i, p in enumerate(params):
        if not p.dtype.startswith("float"):
            continue
        if isinstance(p, TensorConstant) and not np.isnan(p.data).any():
            continue
        ok = invert(isnan(p))
        flags[names[i]] = ok if ok.ndim == 0 else all_(ok)
    return flags


def finish(
    out: TensorVariable,
    name: str,
    op: RandomVariable,
    params: list[TensorVariable],
    guard: tuple[TensorVariable, int] | None = None,
) -> TensorVariable:
    """A density graph as users get it: ``guard`` (value, ndim_supp) applied under
    the root Checks, which get the variable's ``name`` and the not-NaN flags of
    the parameters (so a NaN parameter is reported as NaN)."""
    inner, checks = split_checks(out)
    if guard is not None:
        inner = guard_value(guard[0], inner, guard[1])
    flags = _nan_flags(op, params)
    if flags and not checks:
        checks = [(Check(", ".join(flags) + " not NaN"), [])]
    # Every root Check gets the flags: a NaN fails each of their conditions.
    named = []
    for check_op, conds in checks:
        if not check_op.var:
            check_op = dataclasses.replace(check_op, var=name)
        if flags:
            check_op = dataclasses.replace(check_op, nan=check_op.nan + tuple(flags))
            conds = [*conds, *flags.values()]
        named.append((check_op, conds))
    return wrap_checks(inner, named)


def guard_value(value: TensorVariable, logp: TensorVariable, ndim_supp: int) -> TensorVariable:
    """-inf where the value is NaN or infinite, whatever the family's formula gives."""
    if not value.dtype.startswith("float"):
        return logp
    if _fixed_and_finite(value):
        return logp  # a fixed value known to be finite: no guard, no extra pass
    ok = isfinite(value)
    if ndim_supp:
        ok = all_(ok, axis=tuple(range(value.ndim - ndim_supp, value.ndim)))
    return where(ok, logp, -np.inf)


def _fixed_and_finite(value: TensorVariable) -> bool:
    """True for a constant, or a model's private (fixed) observed data, with no
    NaN or infinite element."""
    if isinstance(value, Constant):
        return bool(np.all(np.isfinite(value.data)))
    if isinstance(value, SharedVariable) and is_fixed(value):
        return bool(np.all(np.isfinite(value.get_value())))
    return False


def logp(rv: Any, value: Any) -> TensorVariable:
    """The log-density (or log-mass) of ``rv`` at ``value``, as a graph.

    Parameter constraints appear as ``Check{...}`` nodes; a value outside the
    support gives -inf. ``rv`` may also be an invertible function of one random
    variable (``a * x + b``, ``pt.exp(x)``, ``pt.log(x)``): its density is derived
    from ``x``'s with the Jacobian (see ``ppgraph.logprob.derived``).

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> z = pg.Normal.dist(mu=0.0, sigma=2.0)
        >>> v = pt.scalar("v")
        >>> round(float(pg.logp(z, v).eval({v: 0.0})), 8)
        -1.61208571
    """
    if not is_random_variable(rv) and isinstance(rv, TensorVariable) and rv.owner is not None:
        from ppgraph.logprob.derived import derived_logp

        root = split_checks(rv)[0].owner
        measured = None if root is None else _measurable_logprob(root.op, rv, value)
        return derived_logp(rv, value) if measured is None else measured
    op, params = _rv_parts(rv, "logp")
    value = _as_value(rv, value)
    out = _logprob(op, value, *params)
    out = finish(out, _var_name(rv), op, params, guard=(value, op.ndim_supp))
    out.name = f"{rv.name}_logprob" if rv.name else None
    return out


def _var_name(rv: TensorVariable) -> str:
    assert rv.owner is not None
    return rv.name or f"{rv.owner.op.name} variable"  # type: ignore[attr-defined]


def logcdf(rv: Any, value: Any) -> TensorVariable:
    """The log of the cumulative distribution function of ``rv`` at ``value``.

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logcdf(pg.Normal.dist(0.0, 1.0), 0.0).eval()), 8)
        -0.69314718
    """
    op, params = _rv_parts(rv, "logcdf")
    value = _as_value(rv, value)
    out = finish(_logcdf(op, value, *params), _var_name(rv), op, params)
    out.name = f"{rv.name}_logcdf" if rv.name else None
    return out


def icdf(rv: Any, q: Any) -> TensorVariable:
    """The quantile function (inverse cdf) of ``rv`` at probability ``q``: in the
    variable's dtype for a continuous distribution; for a discrete one, integral
    values in floatX (as PyMC and SciPy's ``ppf`` return), so that "no quantile"
    and an infinite one are representable. ``q`` is taken in the distribution's
    float dtype (floatX for a discrete one).

    As SciPy's ``ppf``, the quantile at ``q = 0`` is the lower end of the
    support (one below it for a discrete distribution), ``q`` outside [0, 1] (or
    NaN) has none: NaN, and ``q = 1`` on an unbounded support gives ``inf``.

    Example:
        >>> import ppgraph as pg
        >>> float(pg.icdf(pg.Normal.dist(1.0, 2.0), 0.5).eval())
        1.0
        >>> pg.icdf(pg.Poisson.dist(3.0), [0.1, 0.5, 1.0, 1.5]).eval()  # stats.poisson(3).ppf
        array([ 1.,  3., inf, nan])
    """
    op, params = _rv_parts(rv, "icdf")
    q_var = as_tensor_variable(q)
    discrete = not rv.dtype.startswith("float")
    q_dtype = config.floatX if discrete else rv.dtype
    if q_var.dtype != q_dtype:
        q_var = cast(q_var, q_dtype)
    out = _icdf(op, q_var, *params)
    inner, checks = split_checks(out)
    if discrete and inner.dtype != q_dtype:
        out = wrap_checks(cast(inner, q_dtype), checks)
    elif not discrete and inner.dtype != rv.dtype:
        out = wrap_checks(cast(inner, rv.dtype), checks)
    out = finish(out, _var_name(rv), op, params)
    out.name = f"{rv.name}_icdf" if rv.name else None
    return out
