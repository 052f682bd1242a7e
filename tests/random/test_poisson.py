"""Our Poisson sampler (inversion below a rate of 30, Hörmann's PTRS from there
on) against ``scipy.stats.poisson``: chi-square tests over a range of rates,
in float32 and float64, with fixed seeds; rates of both kinds in one array."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
from ppgraph.backend.jax.dispatch.random_discrete import PTRS_FROM, poisson

N = 20_000
RATES = [0.0, 1e-8, 0.5, 3.0, 9.99, 10.0, 12.5, PTRS_FROM - 0.01, PTRS_FROM, 50.0, 1e3, 1e6]


def chi_square_p(draws: np.ndarray, mu: float) -> float:
    """The p-value of a chi-square test of ``draws`` against Poisson(mu), on
    bins of about equal mass (the tails merged into the end bins)."""
    dist = stats.poisson(mu)
    inner = np.unique(np.floor(dist.ppf(np.linspace(0.02, 0.98, 30)))) + 0.5
    edges = np.r_[-np.inf, inner, np.inf]
    observed = np.histogram(draws, edges)[0]
    expected = np.diff(dist.cdf(np.clip(edges, -1.0, 1e15))) * len(draws)
    if len(observed) == 1:
        return 1.0
    stat = np.sum((observed - expected) ** 2 / expected)
    return float(stats.chi2.sf(stat, len(observed) - 1))


_jitted = jax.jit(poisson, static_argnums=(2, 3))  # one compile per shape and dtype


def _draw(mu: Any, shape: tuple[int, ...], x64: bool, seed: int = 0) -> np.ndarray:
    with jax.enable_x64(x64):
        dtype = jnp.float64 if x64 else jnp.float32
        return np.asarray(_jitted(jax.random.key(seed), jnp.asarray(mu, dtype), shape, "int32"))


@pytest.mark.parametrize("x64", [True, False], ids=["float64", "float32"])
def test_draws_match_scipy(x64: bool) -> None:
    for mu in RATES:
        draws = _draw(mu, (N,), x64)
        assert draws.dtype == np.int32 and draws.min() >= 0
        if mu < 1e-6:
            # P(X > 0) = 1 - exp(-mu) < 1e-6: no draw in 20,000 should differ from 0
            assert (draws == 0).all(), mu
            continue
        p = chi_square_p(draws, mu)
        assert p > 1e-3, f"rate {mu}: chi-square p-value {p:.2g}"
        # the mean within 5 standard errors
        assert abs(draws.mean() - mu) < 5 * np.sqrt(mu / N), mu


def test_small_and_large_rates_in_one_array() -> None:
    # each element takes its own method: a column of rate 2 beside one of 400
    assert 2.0 < PTRS_FROM < 400.0
    mu = np.tile([2.0, 400.0], (N, 1))
    draws = _draw(mu, mu.shape, True, seed=3)
    for j, rate in enumerate([2.0, 400.0]):
        assert chi_square_p(draws[:, j], rate) > 1e-3, rate


def test_under_vmap_and_through_pg_draw() -> None:
    keys = jax.random.split(jax.random.key(5), 4)
    with jax.enable_x64(True):
        out = jax.vmap(lambda k: poisson(k, jnp.asarray([0.3, 30.0]), (2,), jnp.int64))(keys)
    assert out.shape == (4, 2)
    draws = pg.draw(pg.Poisson.dist(mu=[0.3, 30.0]), draws=N, random_seed=7)
    assert draws.shape == (N, 2) and draws.dtype == np.int64
    for j, rate in enumerate([0.3, 30.0]):
        assert chi_square_p(draws[:, j], rate) > 1e-3, rate
