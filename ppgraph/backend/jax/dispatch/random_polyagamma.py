"""The Polya-Gamma sampler: Devroye's alternating-series rejection method for
PG(1, c) as Polson, Scott & Windle (2013) give it, summed for integer ``h``.

PG(1, c) = J*(1, z) / 4 with z = |c| / 2. J* is drawn from a two-piece proposal,
split at ``T = 0.64``: an exponential tail (rate ``K = pi^2/8 + z^2/2``) to the right
of ``T`` and an inverse Gaussian IG(1/z, 1) truncated to ``(0, T)`` to its left,
chosen with probabilities proportional to ``p`` and ``q`` below. A proposal ``x``
is accepted when ``V a_0(x)`` falls under the density, decided by the partial sums
of the alternating series ``sum_n (-1)^n a_n(x)``: the first odd partial sum above
it accepts, the first even one below it rejects. Everything is vectorized: one
``lax.while_loop`` runs attempts for every undecided element at once, and the
series is evaluated to ``N_SERIES`` terms (its terms fall by a factor of at least
200 each, so the decision is reached by the second or third).

Non-integer ``h``: ``floor(h)`` exact PG(1, c) draws plus, for the fractional part
``f``, the series representation ``sum_k g_k / (2 pi^2 ((k - 1/2)^2 + c^2/(4 pi^2)))``,
``g_k ~ Gamma(f, 1)``, to ``N_GAMMA`` terms with the rest replaced by its mean: the
mean is exact and the variance short by a relative ~1e-8, so that part is not
exact.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.scipy.special import log_ndtr

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.random import multivariate_extra as mv

T = 0.64
N_SERIES = 8
N_GAMMA = 200


def _log_ratios(x: Any) -> Any:
    """``log(a_n(x) / a_0(x))`` for n = 0..N_SERIES-1, on a new last axis."""
    n = jnp.arange(N_SERIES, dtype=x.dtype)
    k = n + 0.5
    xe = x[..., None]
    gap = jnp.square(k) - 0.25
    left = -2.0 * gap / xe  # a_n = pi k (2 / (pi x))^{3/2} exp(-2 k^2 / x), x <= T
    right = -0.5 * np.pi**2 * gap * xe  # a_n = pi k exp(-k^2 pi^2 x / 2), x > T
    return jnp.log(2.0 * k) + jnp.where(xe <= T, left, right)


def _accept(x: Any, v: Any) -> Any:
    """Whether ``v a_0(x)`` lies under the density: the alternating series decides."""
    signs = jnp.where(jnp.arange(N_SERIES) % 2 == 0, 1.0, -1.0).astype(x.dtype)
    partial = jnp.cumsum(signs * jnp.exp(_log_ratios(x)), axis=-1)  # S_n / a_0
    odd = jnp.arange(N_SERIES) % 2 == 1
    ve = v[..., None]
    acc = odd & (ve < partial)
    rej = ~odd & (ve > partial) & (jnp.arange(N_SERIES) > 0)
    first = jnp.argmax(acc | rej, axis=-1)
    return jnp.take_along_axis(acc, first[..., None], axis=-1)[..., 0]


def _truncated_ig(key: Any, z: Any) -> tuple[Any, Any]:
    """One attempt at IG(1/z, 1) truncated to ``(0, T)``: ``(x, valid)``."""
    k1, k2, k3, k4 = jax.random.split(key, 4)
    shape, dtype = z.shape, z.dtype
    # mu = 1/z > T: 1/x is a chi-square(1) above 1/T (a normal tail by exponentials),
    # then the tilt exp(-z^2 x / 2) by rejection
    e1 = jax.random.exponential(k1, shape, dtype)
    e2 = jax.random.exponential(k2, shape, dtype)
    x_wide = T / jnp.square(1.0 + T * e1)
    u = jax.random.uniform(k3, shape, dtype)
    ok_wide = (jnp.square(e1) <= 2.0 * e2 / T) & (u < jnp.exp(-0.5 * jnp.square(z) * x_wide))
    # mu <= T: an untruncated IG draw (Michael, Schucany & Haas), kept if below T
    mu = 1.0 / jnp.maximum(z, 1.0 / T)
    y = jnp.square(jax.random.normal(k4, shape, dtype))
    w = 0.5 * mu * y
    x0 = mu / (1.0 + w + jnp.sqrt(w * (2.0 + w)))  # mu + mu^2 y/2 - mu/2 sqrt(...)
    x_narrow = jnp.where(u * (mu + x0) > mu, jnp.square(mu) / x0, x0)
    wide = z < 1.0 / T
    x = jnp.where(wide, x_wide, x_narrow)
    return x, jnp.where(wide, ok_wide, x_narrow < T)


def _pg1(key: Any, c: Any) -> Any:
    """PG(1, c) for every element of ``c`` (exact: Devroye's method)."""
    z = 0.5 * jnp.abs(c)
    kk = np.pi**2 / 8 + 0.5 * jnp.square(z)
    log_p = np.log(np.pi / 2) - jnp.log(kk) - kk * T
    rt = np.sqrt(T)
    # q = 2 e^{-z} IG_cdf(T | 1/z, 1)
    log_q = np.log(2.0) + jnp.logaddexp(
        -z + log_ndtr((T * z - 1.0) / rt), z + log_ndtr(-(T * z + 1.0) / rt)
    )
    prob_exp = jax.nn.sigmoid(log_p - log_q)
    shape, dtype = c.shape, c.dtype

    def step(state: Any) -> Any:
        key, done, x, branch = state
        key, kb, ke, ki, kv = jax.random.split(key, 5)
        pick = jax.random.uniform(kb, shape, dtype) < prob_exp
        branch = jnp.where(branch < 0, jnp.where(pick, 0, 1), branch)
        x_exp = T + jax.random.exponential(ke, shape, dtype) / kk
        x_ig, ig_ok = _truncated_ig(ki, z)
        cand = jnp.where(branch == 0, x_exp, x_ig)
        valid = ~done & ((branch == 0) | ig_ok)  # a failed IG attempt keeps its branch
        ok = valid & _accept(cand, jax.random.uniform(kv, shape, dtype))
        branch = jnp.where(valid, -1, branch)
        return key, done | ok, jnp.where(ok, cand, x), branch

    init = (key, jnp.zeros(shape, bool), jnp.zeros(shape, dtype), jnp.full(shape, -1))
    return 0.25 * lax.while_loop(lambda s: ~jnp.all(s[1]), step, init)[2]


def _pg_fraction(key: Any, f: Any, c: Any) -> Any:
    """PG(f, c) by ``N_GAMMA`` terms of its gamma series plus the rest's mean."""
    k = jnp.arange(1, N_GAMMA + 1, dtype=c.dtype)
    denom = 2.0 * np.pi**2 * (jnp.square(k - 0.5) + jnp.square(c[..., None] / (2 * np.pi)))
    g = jax.random.gamma(key, jnp.broadcast_to(f[..., None], denom.shape), dtype=c.dtype)
    # the mean of PG(1, c) is tanh(c/2) / (2c) (1/4 at c = 0)
    safe = jnp.where(c == 0, 1.0, c)
    mean1 = jnp.where(c == 0, 0.25, jnp.tanh(0.5 * safe) / (2.0 * safe))
    rest = f * (mean1 - jnp.sum(1.0 / denom, axis=-1))
    return jnp.sum(g / denom, axis=-1) + rest


@sampler(mv.PolyaGammaRV)
def _polyagamma(key: Any, shape: tuple[int, ...], dtype: Any, h: Any, z: Any) -> Any:
    h = jnp.broadcast_to(jnp.asarray(h, dtype), shape)
    c = jnp.broadcast_to(jnp.asarray(z, dtype), shape)
    whole = jnp.floor(h)
    frac = h - whole
    k_int, k_frac = jax.random.split(key)

    def add_one(state: Any) -> Any:
        j, total = state
        draw = _pg1(jax.random.fold_in(k_int, j), c)
        return j + 1, total + jnp.where(j < whole, draw, 0.0)

    start = (jnp.zeros((), jnp.int32), jnp.zeros(shape, dtype))
    n_max = jnp.max(whole, initial=0.0).astype(jnp.int32)
    total = lax.while_loop(lambda s: s[0] < n_max, add_one, start)[1]
    part = _pg_fraction(k_frac, jnp.where(frac > 0, frac, 1.0), c)
    return total + jnp.where(frac > 0, part, 0.0)
