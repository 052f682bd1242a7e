"""``Truncated(dist, lower, upper)``: a distribution conditioned on a bounded range.

The op is ``TruncatedRV`` (``ppgraph/random/composite.py``): the base family as
a field, the bounds that are given and the base parameters as inputs. The
maths is the base family's, renormalized:

.. math:: \\log p(x) = \\log p_{base}(x) - \\log(F(u) - F(l^-)),
          \\quad l \\le x \\le u

where :math:`F(l^-) = F(l)` for a continuous base and :math:`F(l - 1)` for an
integer one (``l`` is in the support). The normalizer is computed from the
base's logcdf in log space, on the survival side when both bounds lie in the
upper half, so it stays exact far in either tail.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Distribution
from ppgraph.logprob.basic import _icdf, _logcdf, _logprob, split_checks, wrap_checks
from ppgraph.logprob.transforms import Interval
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random.basic import NormalRV
from ppgraph.random.composite import BoundedRV, TruncatedRV, unpack_rv
from ppgraph.random.op import RandomKeySharedVariable, RandomVariable, make_rv
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

LOG_HALF = float(np.log(0.5))
Checks = list[tuple[Any, list[Any]]]


def bounded_rv(
    op_class: type[BoundedRV],
    dist: Any,
    lower: Any,
    upper: Any,
    size: Any,
    shape: Any,
    rng: RandomKeySharedVariable | None,
) -> TensorVariable:
    """A ``TruncatedRV`` or ``CensoredRV`` of the ``.dist`` variable ``dist``."""
    what = op_class.name.capitalize()
    base, params = unpack_rv(dist, what)
    if shape is not None and size is not None:
        raise TypeError(f"{what}: give shape= or size=, not both")
    if shape is not None:
        size = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if size is None and dist.owner.inputs[1].data.size:
        size = tuple(int(s) for s in dist.owner.inputs[1].data)
    op = op_class(base=base, lower=lower is not None, upper=upper is not None)
    bounds = [b for b in (lower, upper) if b is not None]
    return make_rv(op, *bounds, *params, size=size, rng=rng)


@functools.singledispatch
def logsf(op: RandomVariable, value: Any, *params: Any) -> TensorVariable:
    """``log P(X > value)``: ``log1mexp(logcdf)``, unless the family registers its
    own here, exact where the cdf rounds to 1 (the normal's beyond ~8 sigma).

    Example:
        >>> import ppgraph as pg
        >>> op = pg.Normal.dist(0.0, 1.0).owner.op
        >>> round(float(logsf(op, 40.0, 0.0, 1.0).eval()), 4)
        -804.6084
    """
    inner, checks = split_checks(_logcdf(op, value, *params))
    return wrap_checks(m.log1mexp(inner), checks)


@logsf.register(NormalRV)
def _normal_logsf(op: NormalRV, value: Any, mu: Any, sigma: Any) -> TensorVariable:
    return check_parameters(m.log_ndtr((mu - value) / sigma), sigma > 0, msg="sigma > 0")


def _lower_arg(op: BoundedRV, lower: Any) -> Any:
    """Where the base cdf is taken for ``P(X < lower)``: ``lower - 1`` for integers."""
    return lower if op.dtype.startswith("float") else lower - 1


def log_mass(op: BoundedRV, lower: Any, upper: Any, params: list[Any]) -> tuple[Any, Checks]:
    """``log P(lower <= X <= upper)`` under the base family, and the Checks of the
    base's logcdf (to apply at the root)."""
    base = op.base_op
    checks: Checks = []

    def logcdf(x: Any) -> Any:
        out, cs = split_checks(_logcdf(base, x, *params))
        checks.extend(cs)
        return out

    def log_sf(x: Any) -> Any:
        out, cs = split_checks(logsf(base, x, *params))
        checks.extend(cs)
        return out

    if lower is None:
        return logcdf(upper), checks
    sf_lo = log_sf(_lower_arg(op, lower))
    if upper is None:
        return sf_lo, checks
    lo, hi = logcdf(_lower_arg(op, lower)), logcdf(upper)
    # log(F(u) - F(l)) from the cdf side, or log(S(l) - S(u)) from the survival side.
    from_cdf = hi + m.log1mexp(m.minimum(lo - hi, 0.0))
    from_sf = sf_lo + m.log1mexp(m.minimum(log_sf(upper) - sf_lo, 0.0))
    return m.where(lo > LOG_HALF, from_sf, from_cdf), checks


def in_bounds(lower: Any, upper: Any, value: Any) -> list[Any]:
    """The conditions ``lower <= value`` and ``value <= upper``, for the bounds given."""
    conds = [] if lower is None else [value >= lower]
    return conds if upper is None else [*conds, value <= upper]


def check_order(res: TensorVariable, lower: Any, upper: Any) -> TensorVariable:
    """``res`` under ``Check{lower <= upper}`` when both bounds are given."""
    if lower is None or upper is None:
        return res
    return check_parameters(res, lower <= upper, msg="lower <= upper")


@_logprob.register(TruncatedRV)
def truncated_logp(op: TruncatedRV, value: Any, *params: Any) -> TensorVariable:
    """The base log-density minus the log of the mass kept, -inf outside the bounds."""
    lower, upper, base_params = op.split(params)
    lp, checks = split_checks(_logprob(op.base_op, value, *base_params))
    mass, more = log_mass(op, lower, upper, base_params)
    res = lp - mass
    ok = in_bounds(lower, upper, value)
    res = bound(res, *ok) if ok else res
    return wrap_checks(check_order(res, lower, upper), checks + more)


@_logcdf.register(TruncatedRV)
def truncated_logcdf(op: TruncatedRV, value: Any, *params: Any) -> TensorVariable:
    """``log(F(x) - F(l^-)) - log mass``: -inf below ``lower``, 0 from ``upper`` on."""
    lower, upper, base_params = op.split(params)
    mass, checks = log_mass(op, lower, upper, base_params)
    below, cs = split_checks(_logcdf(op.base_op, value, *base_params))
    if lower is not None:
        lo, more = split_checks(_logcdf(op.base_op, _lower_arg(op, lower), *base_params))
        cs += more
        below = below + m.log1mexp(m.minimum(lo - below, 0.0))
    res = below - mass
    if lower is not None:
        res = m.where(value < lower, -np.inf, res)
    if upper is not None:
        res = m.where(value >= upper, 0.0, res)
    return wrap_checks(check_order(res, lower, upper), checks + cs)


@_icdf.register(TruncatedRV)
def truncated_icdf(op: TruncatedRV, q: Any, *params: Any) -> TensorVariable:
    """The base quantile at ``F(l^-) + q (F(u) - F(l^-))`` (computed in log space)."""
    lower, upper, base_params = op.split(params)
    mass, checks = log_mass(op, lower, upper, base_params)
    log_q = m.log(q) + mass
    if lower is not None:
        lo, more = split_checks(_logcdf(op.base_op, _lower_arg(op, lower), *base_params))
        checks += more
        log_q = m.logaddexp(lo, log_q)
    # Rounding may put log q a hair above 0 at q = 1.
    res, cs = split_checks(_icdf(op.base_op, m.exp(m.minimum(log_q, 0.0)), *base_params))
    # The ends exactly: rounding in log space would miss the bounds at q = 0, 1.
    for edge, bound_ in ((0.0, lower), (1.0, upper)):
        if bound_ is None:
            at = as_tensor_variable(edge, dtype=q.dtype)
            bound_, more = split_checks(_icdf(op.base_op, at, *base_params))
            cs += more
        res = m.where(m.eq(q, edge), bound_, res)
    res = m.where(m.and_(q >= 0, q <= 1), res, np.nan)
    return wrap_checks(check_order(res, lower, upper), checks + cs)


class Truncated(Distribution):
    r"""A distribution truncated to ``[lower, upper]`` (either may be None).

    Draws are in bounds; the density is renormalized by the mass kept. An
    integer base keeps both bounds in the support.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Truncated.dist(pg.Normal.dist(0.0, 1.0), lower=0.0)
        >>> round(float(pg.logp(x, 1.0).eval()), 8)  # HalfNormal's
        -0.72579135
        >>> bool((pg.draw(x, draws=100, random_seed=1) >= 0).all())
        True
    """

    rv_op = TruncatedRV
    print_name: ClassVar[tuple[str, str]] = ("Truncated", r"\operatorname{Truncated}")

    @classmethod
    def dist(  # type: ignore[override]  # takes a distribution, not parameters
        cls,
        dist: Any,
        lower: Any = None,
        upper: Any = None,
        *,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """``dist`` (a ``.dist`` variable) truncated to ``[lower, upper]``."""
        if lower is None and upper is None:
            raise ValueError("Truncated: give lower=, upper= or both")
        return bounded_rv(TruncatedRV, dist, lower, upper, size, shape, rng)

    def __new__(cls, name: str, *args: Any, **kwargs: Any) -> Any:
        """In a model, a continuous truncated variable is sampled through the
        interval transform of its bounds (``x_interval__``), as in PyMC."""
        dist = args[0] if args else kwargs.get("dist")
        lower = args[1] if len(args) > 1 else kwargs.get("lower")
        upper = args[2] if len(args) > 2 else kwargs.get("upper")
        if getattr(dist, "dtype", "").startswith("float"):
            kwargs.setdefault("default_transform", Interval(lower, upper))
        for key in ("transform", "default_transform"):
            if kwargs.get(key) == "interval":  # by name: the interval of the bounds
                kwargs[key] = Interval(lower, upper)
        return super().__new__(cls, name, *args, **kwargs)


__all__ = ["Truncated"]
