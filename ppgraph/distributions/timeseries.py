"""Time-series distributions, with PyMC's names: random walks here, the AR,
GARCH(1,1) and Euler-Maruyama recursions in ``timeseries_recursive.py``.

A series has its time axis last (before the support dims of a multivariate
walk): ``steps`` values after the initial ones, ``steps`` given or read from
``shape`` / ``dims`` / ``observed``. The densities are vectorized over time:
a random walk's innovations are the differences ``x[1:] - x[:-1]``, an AR's
means are sums of shifted slices of the series; GARCH(1,1)'s variance, a true
recursion, is one ``pt.scan``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import Normal
from ppgraph.distributions.discrete_math import as_float
from ppgraph.distributions.multivariate import MvNormal, MvStudentT
from ppgraph.distributions.timeseries_base import (
    TimeSeries,
    batch_size,
    get_steps,
    normal_init,
    unpack_dist,
    warn_default_init,
)
from ppgraph.distributions.timeseries_recursive import AR, GARCH11, EulerMaruyama
from ppgraph.logprob.basic import _logprob, split_checks, wrap_checks
from ppgraph.random.multivariate import MvNormalRV, MvStudentTRV
from ppgraph.random.op import RandomKeySharedVariable, make_rv
from ppgraph.random.timeseries import RandomWalkRV
from ppgraph.tensor.extra_ops import cumsum
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import broadcast_to, concatenate, expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def _at_time(x: TensorVariable, index: Any, n_core: int) -> TensorVariable:
    """``x[..., index, :, ...]`` with ``n_core`` support dims after the time axis."""
    return x[(Ellipsis, index, *([slice(None)] * n_core))]


def _with_time_axis(params: list[Any], ndims: list[int]) -> list[TensorVariable]:
    """Each parameter with a unit axis before its core dims, to meet the time axis."""
    out = []
    for p, n in zip(params, ndims, strict=True):
        p = as_tensor_variable(p)
        out.append(expand_dims(p, p.ndim - n))
    return out


@_logprob.register(RandomWalkRV)
def random_walk_logp(op: RandomWalkRV, value: Any, *params: Any) -> TensorVariable:
    r""":math:`\log p(x_0) + \sum_{t \ge 1} \log q(x_t - x_{t-1})`, init ``p``,
    innovation ``q``: the walk's differences, all at once."""
    init, innov = op.parts
    init_ps, innov_ps = op.split(params)
    n = innov.ndim_supp
    x0 = _at_time(value, 0, n)
    diffs = _at_time(value, slice(1, None), n) - _at_time(value, slice(None, -1), n)
    lp_init, checks = split_checks(_logprob(init, x0, *init_ps))
    innov_ps = _with_time_axis(innov_ps, innov.ndims_params)
    lp_innov, more = split_checks(_logprob(innov, diffs, *innov_ps))
    return wrap_checks(lp_init + sum_(lp_innov, axis=-1), checks + more)


def _random_walk(
    dist: str,
    init_dist: Any,
    innovation_dist: Any,
    steps: Any,
    size: Any,
    shape: Any,
    rng: RandomKeySharedVariable | None,
) -> TensorVariable:
    init_op, init_ps = unpack_dist(init_dist, "init_dist")
    innov_op, innov_ps = unpack_dist(innovation_dist, "innovation_dist")
    if init_dist is innovation_dist:
        raise ValueError(f"{dist}: init_dist and innovation_dist must be completely independent")
    n_core = innov_op.ndim_supp
    steps = get_steps(dist, steps, shape, offset=1, ndim_core=n_core)
    op = RandomWalkRV(init=init_op, innovation=innov_op, steps=steps)
    return make_rv(op, *init_ps, *innov_ps, size=batch_size(shape, size, 1 + n_core), rng=rng)


_MEAN_PARAM = {MvNormalRV: 0, MvStudentTRV: 1}  # families whose support point is ``mu``


def _walk_support_point(op: RandomWalkRV, *params: Any) -> TensorVariable | None:
    """The init's support point, then the innovations' accumulated (PyMC's)."""
    from ppgraph.distributions.mixture import _family

    innov = op.parts[1]
    points = []
    for part, ps in zip(op.parts, op.split(params), strict=True):
        fn = getattr(_family(part), "support_point", None)
        if fn is None and type(part) in _MEAN_PARAM:  # PyMC's: the multivariate mean
            points.append(as_tensor_variable(ps[_MEAN_PARAM[type(part)]]))
        elif fn is None:
            return None
        else:
            points.append(as_tensor_variable(fn(*ps)))
    n = innov.ndim_supp
    x0, step = points
    shapes = [tuple(d for d in v.type.shape if d is not None) for v in (x0, step)]
    if [len(s) for s in shapes] != [x0.ndim, step.ndim]:
        return None  # a size known only when run: zeros
    full = np.broadcast_shapes(*shapes)  # batch + core
    batch, core = full[: len(full) - n], full[len(full) - n :]
    x0 = broadcast_to(expand_dims(x0, x0.ndim - n), (*batch, 1, *core))
    steps = broadcast_to(expand_dims(step, step.ndim - n), (*batch, op.steps, *core))
    return cumsum(concatenate([x0, steps], axis=-1 - n), axis=-1 - n)


class RandomWalk(TimeSeries):
    r"""A random walk: ``x[0] ~ init_dist``, ``x[t] = x[t-1] + e[t]``, the
    innovations ``e[t]`` drawn from ``innovation_dist`` (any ``.dist``
    variable; its parameters are the same at every step).

    .. math:: \log p(x) = \log p_0(x_0) + \sum_{t=1}^{T} \log q(x_t - x_{t-1})

    Example:
        >>> import ppgraph as pg
        >>> x = pg.RandomWalk.dist(init_dist=pg.Normal.dist(0.0, 1.0),
        ...                        innovation_dist=pg.StudentT.dist(nu=4.0), steps=9)
        >>> x.type
        TensorType(float64, shape=(10,))
        >>> pg.draw(x, draws=3, random_seed=0).shape
        (3, 10)
    """

    rv_op = RandomWalkRV
    print_name: ClassVar[tuple[str, str]] = ("RandomWalk", r"\operatorname{RandomWalk}")
    series_support_point = staticmethod(_walk_support_point)

    @classmethod
    def dist(  # type: ignore[override]  # takes distributions, not parameters
        cls,
        init_dist: Any,
        innovation_dist: Any,
        steps: Any = None,
        *,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The walk from ``init_dist`` with innovations from ``innovation_dist``."""
        return _random_walk("RandomWalk", init_dist, innovation_dist, steps, size, shape, rng)


class GaussianRandomWalk(TimeSeries):
    r"""A random walk with normal innovations of drift ``mu`` and scale ``sigma``.

    .. math:: x_t \mid x_{t-1} \sim \mathcal{N}(x_{t-1} + \mu, \sigma),
              \quad x_0 \sim \text{init\_dist}

    ``init_dist`` defaults to ``Normal.dist(0, 100)`` with PyMC's UserWarning.
    The series has ``steps + 1`` values; ``shape``/``dims`` give ``steps``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.GaussianRandomWalk.dist(mu=0.0, sigma=1.0,
        ...                                init_dist=pg.Normal.dist(0.0, 1.0), steps=2)
        >>> round(float(pg.logp(x, [0.0, 1.0, 1.5]).eval()), 8)  # norm.logpdf([0, 1, 0.5]).sum()
        -3.3818156
    """

    rv_op = RandomWalkRV
    print_name: ClassVar[tuple[str, str]] = ("GRW", r"\operatorname{GRW}")
    series_support_point = staticmethod(_walk_support_point)

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        mu: Any = 0.0,
        sigma: Any = 1.0,
        *,
        init_dist: Any = None,
        steps: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The walk of normal innovations ``N(mu, sigma)``."""
        init_dist = normal_init(init_dist, "Normal.dist(0, 100)")
        innovation = Normal.dist(mu=mu, sigma=sigma)
        return _random_walk("GaussianRandomWalk", init_dist, innovation, steps, size, shape, rng)


def _mv_init(innovation: TensorVariable, init_dist: Any) -> Any:
    if init_dist is not None:
        return init_dist
    warn_default_init("MvNormal.dist(0, I*100)")
    n = innovation.type.shape[-1]
    if n is None:
        raise ValueError("the walk's dimension must be known statically to build its init_dist")
    return MvNormal.dist(np.zeros(n), cov=100.0 * np.eye(n))


class MvGaussianRandomWalk(TimeSeries):
    r"""A random walk of vectors with multivariate normal innovations
    ``MvNormal(mu, cov)`` (or ``chol`` / ``tau``); draws are ``(..., steps + 1, n)``.

    ``init_dist`` defaults to ``MvNormal.dist(0, I*100)`` with PyMC's UserWarning.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> x = pg.MvGaussianRandomWalk.dist(mu=np.zeros(2), cov=np.eye(2), steps=4,
        ...     init_dist=pg.MvNormal.dist(np.zeros(2), cov=np.eye(2)))
        >>> x.type
        TensorType(float64, shape=(5, 2))
    """

    rv_op = RandomWalkRV
    print_name: ClassVar[tuple[str, str]] = ("MvGRW", r"\operatorname{MvGRW}")
    series_support_point = staticmethod(_walk_support_point)

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        mu: Any,
        *,
        cov: Any = None,
        tau: Any = None,
        chol: Any = None,
        lower: bool = True,
        init_dist: Any = None,
        steps: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The walk of ``MvNormal(mu, cov)`` innovations."""
        innovation = MvNormal.dist(mu=mu, cov=cov, tau=tau, chol=chol, lower=lower)
        init_dist = _mv_init(innovation, init_dist)
        return _random_walk("MvGaussianRandomWalk", init_dist, innovation, steps, size, shape, rng)


class MvStudentTRandomWalk(TimeSeries):
    r"""A random walk of vectors with multivariate Student's t innovations
    ``MvStudentT(nu, mu, scale)`` (or ``cov`` / ``chol`` / ``tau``).

    ``init_dist`` defaults to ``MvNormal.dist(0, I*100)`` with PyMC's UserWarning.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> x = pg.MvStudentTRandomWalk.dist(nu=5.0, mu=np.zeros(2), scale=np.eye(2),
        ...     steps=4, init_dist=pg.MvNormal.dist(np.zeros(2), cov=np.eye(2)))
        >>> pg.draw(x, draws=2, random_seed=1).shape
        (2, 5, 2)
    """

    rv_op = RandomWalkRV
    print_name: ClassVar[tuple[str, str]] = ("MvStudentTRW", r"\operatorname{MvStudentTRW}")
    series_support_point = staticmethod(_walk_support_point)

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        nu: Any,
        mu: Any,
        *,
        scale: Any = None,
        cov: Any = None,
        tau: Any = None,
        chol: Any = None,
        lower: bool = True,
        init_dist: Any = None,
        steps: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The walk of ``MvStudentT(nu, mu, scale)`` innovations."""
        innovation = MvStudentT.dist(
            nu=as_float(nu), mu=mu, scale=scale, cov=cov, tau=tau, chol=chol, lower=lower
        )
        init_dist = _mv_init(innovation, init_dist)
        return _random_walk("MvStudentTRandomWalk", init_dist, innovation, steps, size, shape, rng)


__all__ = [
    "AR",
    "GARCH11",
    "EulerMaruyama",
    "GaussianRandomWalk",
    "MvGaussianRandomWalk",
    "MvStudentTRandomWalk",
    "RandomWalk",
]
