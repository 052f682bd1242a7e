"""``AR``, ``GARCH11`` and ``EulerMaruyama``: series whose next value depends on
the previous ones through more than a sum (``pg.distributions.timeseries``
re-exports them).

An AR's and an Euler-Maruyama's log-density are still vectorized over time:
given the whole series, each step's mean is a function of shifted slices of it.
GARCH(1,1)'s variance is a recursion in the variance itself, so its density
runs one ``pt.scan`` over time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import sigma_from
from ppgraph.distributions.discrete_math import as_float
from ppgraph.distributions.timeseries_base import (
    TimeSeries,
    batch_size,
    get_steps,
    normal_init,
    unpack_dist,
)
from ppgraph.logprob.basic import _logprob, split_checks, wrap_checks
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random.op import RandomKeySharedVariable, make_rv
from ppgraph.random.timeseries import GARCH11RV, AutoRegressiveRV, EulerMaruyamaRV
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate, expand_dims, transpose, zeros
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

LOG_2PI = float(np.log(2 * np.pi))


def _scalar_init(
    init_dist: Any, dist: str, max_ndim_supp: int = 0
) -> tuple[Any, list[TensorVariable]]:
    op, params = unpack_dist(init_dist, "init_dist")
    if op.ndim_supp > max_ndim_supp:
        raise NotImplementedError(
            f"{dist}: init_dist must be a distribution of scalars"
            f"{' or vectors' if max_ndim_supp else ''}, got {op.name} "
            f"(support of {op.ndim_supp} dims)"
        )
    return op, params


@_logprob.register(AutoRegressiveRV)
def ar_logp(op: AutoRegressiveRV, value: Any, rho: Any, sigma: Any, *init_ps: Any) -> Any:
    r"""The init's density of the first ``p`` values, then normal terms of the
    residuals :math:`x_t - c - \sum_{i=1}^p \rho_i x_{t-i}` (shifted slices)."""
    p, c, total = op.ar_order, int(op.constant), op.steps + op.ar_order
    mean = rho[..., 0, None] if c else 0.0
    for i in range(1, p + 1):
        mean = mean + rho[..., c + i - 1, None] * value[..., p - i : total - i]
    # the normal terms summed in closed form: one square per step, the scale's
    # terms once per series
    sq = sum_(m.square(value[..., p:] - mean), axis=-1)
    lp_innov = -0.5 * sq / m.square(sigma) - op.steps * (m.log(sigma) + 0.5 * LOG_2PI)
    lp_init, checks = split_checks(_logprob(op.init_op, value[..., :p], *init_ps))
    if not op.init_op.ndim_supp:
        lp_init = sum_(lp_init, axis=-1)
    out = wrap_checks(lp_init + lp_innov, checks)
    return check_parameters(out, sigma > 0, msg="sigma > 0")


def _ar_order(rho: TensorVariable, ar_order: Any, constant: bool) -> int:
    if ar_order is None:
        n = rho.type.shape[-1]
        if n is None:
            raise ValueError(
                "AR: Could not infer ar_order from last dimension of rho. Pass it "
                "explicitly or make sure rho have a static shape"
            )
        ar_order = n - int(constant)
        if ar_order < 1:
            raise ValueError(
                "AR: Inferred ar_order is smaller than 1. Increase the last dimension "
                "of rho or remove constant_term"
            )
    return int(ar_order)


class AR(TimeSeries):
    r"""An autoregressive process of order ``p``, with normal innovations.

    .. math:: x_t = \rho_0 + \rho_1 x_{t-1} + \ldots + \rho_p x_{t-p} + \epsilon_t,
              \quad \epsilon_t \sim \mathcal{N}(0, \sigma)

    ``rho``'s last axis holds the coefficients, the constant ``rho_0`` first when
    ``constant=True``; ``ar_order`` is read from it. The first ``ar_order``
    values come from ``init_dist`` (scalars, or one vector of ``ar_order``
    values; default ``Normal.dist(0, 100)``, with PyMC's UserWarning); the
    series has ``steps + ar_order`` values.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.AR.dist(rho=[0.5, -0.2], sigma=1.0, steps=3,
        ...                init_dist=pg.Normal.dist(0.0, 1.0))
        >>> x.type
        TensorType(float64, shape=(5,))
        >>> # residuals 0, 0, 0.075: norm.logpdf([0, 1, 0, 0, 0.075]).sum()
        >>> round(float(pg.logp(x, [0.0, 1.0, 0.5, 0.05, 0.0]).eval()), 8)
        -5.09750517
    """

    rv_op = AutoRegressiveRV
    print_name: ClassVar[tuple[str, str]] = ("AR", r"\operatorname{AR}")

    @staticmethod
    def series_support_point(op: AutoRegressiveRV, *params: Any) -> TensorVariable | None:
        """The init's support point at its last lag, all along the series (PyMC's)."""
        from ppgraph.distributions.mixture import _family

        fn = getattr(_family(op.init_op), "support_point", None)
        if fn is None:
            return None
        point = as_tensor_variable(fn(*params[2:]))
        return point[..., -1:] if point.ndim else point

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        rho: Any,
        sigma: Any = None,
        tau: Any = None,
        *,
        init_dist: Any = None,
        steps: Any = None,
        constant: bool = False,
        ar_order: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The AR(``ar_order``) series of coefficients ``rho``."""
        rho = as_float(rho)
        if rho.ndim == 0:
            rho = expand_dims(rho, 0)
        sigma = as_float(sigma_from("AR", sigma, tau))
        order = _ar_order(rho, ar_order, constant)
        steps = get_steps("AR", steps, shape, offset=order)
        init_dist = normal_init(init_dist)
        init_op, init_ps = _scalar_init(init_dist, "AR", max_ndim_supp=1)
        if init_op.ndim_supp == 0:
            init_ps = [expand_dims(p, 0) if p.ndim == 0 else p for p in init_ps]
        elif init_dist.type.shape[-1] != order:
            raise ValueError(
                f"AR: a vector init_dist must have ar_order={order} values, "
                f"got shape {init_dist.type.shape}"
            )
        op = AutoRegressiveRV(init=init_op, ar_order=order, constant=bool(constant), steps=steps)
        return make_rv(op, rho, sigma, *init_ps, size=batch_size(shape, size, 1), rng=rng)


@_logprob.register(GARCH11RV)
def garch11_logp(
    op: GARCH11RV, value: Any, omega: Any, alpha_1: Any, beta_1: Any, initial_vol: Any
) -> Any:
    r"""Normal terms :math:`\mathcal{N}(x_t \mid 0, \sigma_t)` with the variance
    recursion :math:`\sigma_t^2 = \omega + \alpha_1 x_{t-1}^2 + \beta_1 \sigma_{t-1}^2`,
    :math:`\sigma_0 = \text{initial\_vol}`, run by ``pt.scan`` over time."""
    from ppgraph.tensor.scan import scan

    x = as_tensor_variable(value)
    time_first = np.roll(np.arange(x.ndim), 1)
    xs = transpose(x, tuple(int(i) for i in time_first)) if x.ndim > 1 else x
    var0 = m.square(initial_vol) + zeros(xs[0].shape, dtype=x.dtype)

    def step(x_prev: Any, var_prev: Any, w: Any, a: Any, b: Any) -> Any:
        return w + a * m.square(x_prev) + b * var_prev

    var = scan(
        step,
        sequences=[xs[:-1]],
        outputs_info=[var0],
        non_sequences=[omega, alpha_1, beta_1],
        return_updates=False,
    )
    var_t = concatenate([expand_dims(var0, 0), var], axis=0)
    # the normal terms with the variance itself: no Check on a derived scale
    lp = -0.5 * (m.square(xs) / var_t + m.log(var_t)) - 0.5 * LOG_2PI
    ok = [omega > 0, alpha_1 >= 0, beta_1 >= 0, initial_vol >= 0]
    msg = "omega > 0, alpha_1 >= 0, beta_1 >= 0, initial_vol >= 0"
    return check_parameters(sum_(lp, axis=0), *ok, msg=msg)


class GARCH11(TimeSeries):
    r"""GARCH(1,1) with normal innovations.

    .. math:: x_t \sim \mathcal{N}(0, \sigma_t), \quad
              \sigma_t^2 = \omega + \alpha_1 x_{t-1}^2 + \beta_1 \sigma_{t-1}^2,
              \quad \sigma_0 = \text{initial\_vol}

    Example:
        >>> import ppgraph as pg
        >>> x = pg.GARCH11.dist(omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.0, steps=2)
        >>> x.type
        TensorType(float64, shape=(3,))
    """

    rv_op = GARCH11RV
    print_name: ClassVar[tuple[str, str]] = ("GARCH11", r"\operatorname{GARCH11}")

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        omega: Any,
        alpha_1: Any,
        beta_1: Any,
        initial_vol: Any,
        *,
        steps: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The GARCH(1,1) series of these parameters."""
        steps = get_steps("GARCH11", steps, shape, offset=1)
        params = [as_float(p) for p in (omega, alpha_1, beta_1, initial_vol)]
        size = batch_size(shape, size, 1)
        return make_rv(GARCH11RV(steps=steps), *params, size=size, rng=rng)


@_logprob.register(EulerMaruyamaRV)
def euler_maruyama_logp(op: EulerMaruyamaRV, value: Any, *params: Any) -> Any:
    r""":math:`\log p_0(x_0) + \sum_t \log\mathcal{N}(x_t \mid x_{t-1} + f\,dt, g\sqrt{dt})`
    with ``(f, g) = sde_fn(x[:-1], *sde_pars)``: the drift and diffusion of
    every step at once (the parameters get a unit time axis). The scale depends
    on the series, so a step where it is not positive has density 0 (-inf),
    rather than failing a parameter Check."""
    dt, init_ps, pars = op.split(params)
    assert op.sde_fn is not None
    prev = value[..., :-1]
    f, g = (as_tensor_variable(v) for v in op.sde_fn(prev, *(expand_dims(p, -1) for p in pars)))
    var = dt * m.square(g)
    lp = -0.5 * (m.square(value[..., 1:] - prev - f * dt) / var + m.log(var)) - 0.5 * LOG_2PI
    lp = bound(lp, g > 0)
    lp_init, checks = split_checks(_logprob(op.init_op, value[..., 0], *init_ps))
    return check_parameters(wrap_checks(lp_init + sum_(lp, axis=-1), checks), dt > 0, msg="dt > 0")


class EulerMaruyama(TimeSeries):
    r"""A stochastic differential equation :math:`dx = f(x)\,dt + g(x)\,dW`
    discretized by the Euler-Maruyama method with time step ``dt``.

    .. math:: x_t \sim \mathcal{N}(x_{t-1} + f(x_{t-1}) dt,\ g(x_{t-1}) \sqrt{dt})

    ``sde_fn(x, *sde_pars)`` returns ``(f, g)``, built from ``pt`` functions so
    that it works on the whole series at once. ``init_dist`` defaults to
    ``Normal.dist(0, 100)`` with PyMC's UserWarning.

    Example:
        >>> import ppgraph as pg
        >>> def ou(x, k):  # Ornstein-Uhlenbeck: mean reversion at rate k
        ...     return -k * x, 1.0
        >>> x = pg.EulerMaruyama.dist(dt=0.1, sde_fn=ou, sde_pars=(2.0,), steps=4,
        ...                           init_dist=pg.Normal.dist(0.0, 1.0))
        >>> pg.draw(x, draws=3, random_seed=0).shape
        (3, 5)
    """

    rv_op = EulerMaruyamaRV
    print_name: ClassVar[tuple[str, str]] = ("EulerMaruyama", r"\operatorname{EulerMaruyama}")

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        dt: Any,
        sde_fn: Callable[..., Any],
        sde_pars: Any,
        *,
        init_dist: Any = None,
        steps: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The series of ``sde_fn``'s drift and diffusion, step ``dt``."""
        steps = get_steps("EulerMaruyama", steps, shape, offset=1)
        init_dist = normal_init(init_dist)
        init_op, init_ps = _scalar_init(init_dist, "EulerMaruyama")
        pars = [as_float(p) for p in sde_pars]
        op = EulerMaruyamaRV(init=init_op, sde_fn=sde_fn, n_pars=len(pars), steps=steps)
        size = batch_size(shape, size, 1)
        return make_rv(op, as_float(dt), *init_ps, *pars, size=size, rng=rng)


__all__ = ["AR", "GARCH11", "EulerMaruyama"]
