"""``Censored(dist, lower, upper)``: a distribution clipped to ``[lower, upper]``.

The op is ``CensoredRV`` (``ppgraph/random/composite.py``); a draw is the base
draw clipped. The mass beyond a bound sits on the bound, as in PyMC:

.. math:: \\log p(x) = \\begin{cases} \\log F(l) & x = l \\\\
          \\log p_{base}(x) & l < x < u \\\\
          \\log (1 - F(u^-)) & x = u \\end{cases}

with :math:`F(u^-) = F(u)` for a continuous base and :math:`F(u - 1)` for an
integer one; -inf outside ``[l, u]``. Tails come from the base's logcdf, in
log space.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Distribution
from ppgraph.distributions.truncated import bounded_rv, check_order, in_bounds, logsf
from ppgraph.logprob.basic import _icdf, _logcdf, _logprob, split_checks, wrap_checks
from ppgraph.logprob.utils import bound
from ppgraph.random.composite import CensoredRV
from ppgraph.random.op import RandomKeySharedVariable
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable


@_logprob.register(CensoredRV)
def censored_logp(op: CensoredRV, value: Any, *params: Any) -> TensorVariable:
    """The base density inside, the tail masses on the bounds, -inf outside."""
    lower, upper, base_params = op.split(params)
    base = op.base_op
    res, checks = split_checks(_logprob(base, value, *base_params))
    if lower is not None:
        at_lower, cs = split_checks(_logcdf(base, lower, *base_params))
        checks += cs
        res = m.where(m.eq(value, lower), at_lower, res)
    if upper is not None:
        below = upper if op.dtype.startswith("float") else upper - 1
        sf, cs = split_checks(logsf(base, below, *base_params))
        checks += cs
        res = m.where(m.eq(value, upper), sf, res)
    ok = in_bounds(lower, upper, value)
    return wrap_checks(check_order(bound(res, *ok), lower, upper), checks)


@_logcdf.register(CensoredRV)
def censored_logcdf(op: CensoredRV, value: Any, *params: Any) -> TensorVariable:
    """The base logcdf inside: -inf below ``lower``, 0 from ``upper`` on."""
    lower, upper, base_params = op.split(params)
    res, checks = split_checks(_logcdf(op.base_op, value, *base_params))
    if lower is not None:
        res = m.where(value < lower, -np.inf, res)
    if upper is not None:
        res = m.where(value >= upper, 0.0, res)
    return wrap_checks(check_order(res, lower, upper), checks)


@_icdf.register(CensoredRV)
def censored_icdf(op: CensoredRV, q: Any, *params: Any) -> TensorVariable:
    """The base quantile, clipped to the bounds."""
    lower, upper, base_params = op.split(params)
    res, checks = split_checks(_icdf(op.base_op, q, *base_params))
    if lower is not None:
        res = m.where(m.and_(q >= 0, res < lower), lower, res)
    if upper is not None:
        res = m.where(m.and_(q <= 1, res > upper), upper, res)
    return wrap_checks(check_order(res, lower, upper), checks)


class Censored(Distribution):
    r"""A distribution censored to ``[lower, upper]`` (either may be None):
    values beyond a bound are recorded as the bound.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Censored.dist(pg.Normal.dist(0.0, 1.0), lower=None, upper=1.0)
        >>> round(float(pg.logp(x, 1.0).eval()), 8)  # log P(N(0, 1) >= 1)
        -1.84102165
        >>> float(pg.draw(x, draws=1000, random_seed=1).max())
        1.0
    """

    rv_op = CensoredRV
    print_name: ClassVar[tuple[str, str]] = ("Censored", r"\operatorname{Censored}")

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
        """``dist`` (a ``.dist`` variable) censored to ``[lower, upper]``."""
        return bounded_rv(CensoredRV, dist, lower, upper, size, shape, rng)


__all__ = ["Censored"]
