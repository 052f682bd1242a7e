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
# Alternative parametrizations draw with the same op: one twin per family.
DRAWN = {t.name: t for t in TWINS if t.draws and t.grad and "_" not in t.name}
BATCHED = [n for n, t in DRAWN.items() if len(t.params) > 1]


def _rv(twin: Twin, dtype: str) -> Any:
    """In float64, the first two parameter sets stacked along a last axis of 2,
    with size (3, 2); in float32 the first set alone."""
    if dtype == "float32" or twin.name not in BATCHED:
        return twin.dist.dist(**twin.params[0])
    stacked = {k: np.array([twin.params[0][k], twin.params[1][k]]) for k in twin.params[0]}
    return twin.dist.dist(**stacked, size=(3, 2))


@functools.cache
def draws(dtype: str) -> dict[str, np.ndarray]:
    """One joint draw of every twin, in ``dtype``."""
    with pg.config.change_flags(floatX=dtype):
        rvs = {n: _rv(t, dtype) for n, t in DRAWN.items()}
        out = pg.draw(list(rvs.values()), draws=N, random_seed=20240601)
    return dict(zip(rvs, out, strict=True))


def _first(name: str, x: np.ndarray) -> np.ndarray:
    """The draws of the first parameter set (a column of a batched draw)."""
    return x[:, :, 0].ravel() if name in BATCHED else x


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


def _failures(check: Any, names: list[str]) -> list[str]:
    """Run ``check(name)`` for every name; the AssertionErrors' messages."""
    out = []
    for name in names:
        try:
            check(name)
        except AssertionError as err:
            out.append(f"{name}: {err}")
    return out


def _check_float64(name: str) -> None:
    twin = DRAWN[name]
    x = draws("float64")[name]
    assert x.shape == ((N, 3, 2) if name in BATCHED else (N,)) and x.dtype == np.float64
    x = _first(name, x)
    dist = twin.oracle(**twin.params[0])
    lo, hi = dist.support()
    assert np.all((x >= lo) & (x <= hi)), "draws outside the support"
    assert _ks(x, dist) > P_MIN, "KS test rejects the draws"
    if twin.moments:
        _assert_moments(x, dist, name)


def _check_batched(name: str) -> None:
    twin = DRAWN[name]
    x = draws("float64")[name]
    assert _ks(x[:, :, 1], twin.oracle(**twin.params[1])) > P_MIN, "column 1"
    assert not np.array_equal(x[:, 0, 0], x[:, 1, 0]), "rows repeat"


def _check_float32(name: str) -> None:
    twin = DRAWN[name]
    x = draws("float32")[name]
    assert x.shape == (N,) and x.dtype == np.float32
    assert np.all(np.isfinite(x)), "non-finite float32 draws"
    assert _ks(x, twin.oracle(**twin.params[0])) > P_MIN, "KS test rejects the draws"


# One test per compiled draw (not per twin), so parallel workers do not each compile it.
def test_draws_match_scipy() -> None:
    """Every twin: draws inside the support, a KS test and the moments."""
    assert not _failures(_check_float64, list(DRAWN))


def test_batched_draws() -> None:
    """Parameters of shape (2,) broadcast against size (3, 2): the second column
    is drawn from the second parameter set (the first: test_draws_match_scipy),
    and the rows are independent."""
    assert not _failures(_check_batched, BATCHED)


def test_float32_draws_match_scipy() -> None:
    """Every twin drawn in float32 (no 64-bit JAX): finite, and a KS test."""
    assert not _failures(_check_float32, list(DRAWN))


@pytest.mark.parametrize("dist", [pg.Flat, pg.HalfFlat])
def test_improper_distributions_have_no_draws(dist: Any) -> None:
    with pytest.raises(NotImplementedError, match="improper"):
        pg.draw(dist.dist(), draws=3, random_seed=1)
