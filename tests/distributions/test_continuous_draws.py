"""Draws of the continuous distributions against their twins in ``scipy_table``:
a Kolmogorov-Smirnov test and the first two moments, in float64 and float32,
with batched parameters. All twins are drawn in one ``pg.draw`` call per dtype
(fixed seeds, so every outcome is deterministic)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
from tests.distributions.scipy_table import TWINS, Twin

N = 4000
P_MIN = 1e-3  # KS p-value threshold (the seeds are fixed, so this never flakes)
DRAWN = {t.name: t for t in TWINS if t.draws and t.grad}
BATCHED = {n: t for n, t in DRAWN.items() if len(t.params) > 1 and t.params[0]}


def _stack(twin: Twin) -> dict[str, np.ndarray]:
    """The first two hand-picked parameter sets, stacked along a last axis of 2."""
    return {k: np.array([twin.params[0][k], twin.params[1][k]]) for k in twin.params[0]}


@functools.cache
def draws(dtype: str) -> dict[str, np.ndarray]:
    """One joint draw of every twin (first parameter set) and, in float64, of the
    batched twins with parameters of shape (2,) and size (3, 2)."""
    with pg.config.change_flags(floatX=dtype):
        rvs = {n: t.dist.dist(**t.params[0]) for n, t in DRAWN.items()}
        if dtype == "float64":
            batched = {f"{n}/batched": t.dist.dist(**_stack(t), size=(3, 2)) for n, t in BATCHED.items()}
            rvs.update(batched)
        out = pg.draw(list(rvs.values()), draws=N, random_seed=20240601)
    return dict(zip(rvs, out, strict=True))


def _ks(x: np.ndarray, dist: Any) -> float:
    return float(stats.kstest(np.asarray(x, dtype=float).ravel(), dist.cdf).pvalue)


def _assert_moments(x: np.ndarray, dist: Any, name: str) -> None:
    """The sample mean within 5 standard errors of the twin's mean; the sample
    variance too, where the fourth moment is finite."""
    mean, var = float(dist.mean()), float(dist.var())
    if not (np.isfinite(mean) and np.isfinite(var)):
        return
    n = len(x)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n), f"{name}: mean {x.mean()} vs {mean}"
    kurt = float(np.asarray(dist.stats(moments="k")))
    if np.isfinite(kurt):
        se = np.sqrt((kurt + 2.0) * var**2 / n)  # sd of the sample variance: (mu4 - var^2) / n
        assert abs(x.var() - var) < 5 * se, f"{name}: variance {x.var()} vs {var}"


@pytest.mark.parametrize("name", list(DRAWN))
def test_draws_match_scipy(name: str) -> None:
    twin = DRAWN[name]
    x = draws("float64")[name]
    assert x.shape == (N,) and x.dtype == np.float64
    dist = twin.oracle(**twin.params[0])
    lo, hi = dist.support()
    assert np.all((x >= lo) & (x <= hi)), f"{name}: draws outside the support"
    assert _ks(x, dist) > P_MIN, f"{name}: KS test rejects the draws"
    if twin.moments:
        _assert_moments(x, dist, name)


@pytest.mark.parametrize("name", list(DRAWN))
def test_float32_draws_match_scipy(name: str) -> None:
    twin = DRAWN[name]
    x = draws("float32")[name]
    assert x.shape == (N,) and x.dtype == np.float32
    assert np.all(np.isfinite(x)), f"{name}: non-finite float32 draws"
    assert _ks(x, twin.oracle(**twin.params[0])) > P_MIN, f"{name}: KS test rejects the draws"


@pytest.mark.parametrize("name", list(BATCHED))
def test_batched_draws(name: str) -> None:
    """Parameters of shape (2,) broadcast against size (3, 2): each column is
    drawn from its own parameters."""
    twin = DRAWN[name]
    x = draws("float64")[f"{name}/batched"]
    assert x.shape == (N, 3, 2)
    for j in range(2):
        dist = twin.oracle(**twin.params[j])
        assert _ks(x[:, :, j], dist) > P_MIN, f"{name}: column {j} is not its distribution"


@pytest.mark.parametrize("dist", [pg.Flat, pg.HalfFlat])
def test_improper_distributions_have_no_draws(dist: Any) -> None:
    with pytest.raises(NotImplementedError, match="improper"):
        pg.draw(dist.dist(), draws=3, random_seed=1)
