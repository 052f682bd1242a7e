"""pg.find_MAP against analytic modes of conjugate models."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg

COUNTS = np.array([3, 5, 2, 4, 6, 1])
ALPHA, BETA = 3.0, 2.0


@pytest.fixture(scope="module")
def poisson_gamma() -> pg.Model:
    with pg.Model() as m:
        lam = pg.Gamma("lam", alpha=ALPHA, beta=BETA)
        pg.Deterministic("twice", 2.0 * lam)
        pg.Poisson("k", lam, observed=COUNTS)
    return m


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS"])
def test_mode_of_a_gamma_posterior_in_its_own_space(method: str, poisson_gamma: pg.Model) -> None:
    # Gamma(alpha + sum k, beta + n): mode (alpha + sum k - 1) / (beta + n). The
    # optimizer moves in log space; without the Jacobian its optimum is this mode,
    # not the mode of log(lam) (which is the mean (alpha + sum k) / (beta + n)).
    mode = (ALPHA + COUNTS.sum() - 1) / (BETA + COUNTS.size)
    out, raw = pg.find_MAP(method=method, model=poisson_gamma, return_raw=True)
    assert sorted(out) == ["lam", "lam_log__", "twice"]
    assert float(out["lam"]) == pytest.approx(mode, rel=1e-6)
    assert float(out["lam_log__"]) == pytest.approx(np.log(mode), rel=1e-6)
    assert float(out["twice"]) == pytest.approx(2 * mode, rel=1e-6)
    assert raw["success"] and raw["iterations"] > 0


def test_normal_mean_mode_and_start() -> None:
    y = np.array([1.2, 0.4, 2.2, 1.7])
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0, shape=2)
        pg.Normal("y", mu[0] + mu[1], 1.0, observed=y)
    # the posterior of (mu0, mu1) is Gaussian; its mode solves (I/4 + n 11^T) m = sum(y) 1
    precision = np.eye(2) / 4 + y.size * np.ones((2, 2))
    want = np.linalg.solve(precision, np.full(2, y.sum()))
    out = pg.find_MAP(start={"mu": [5.0, -3.0]}, model=m, include_transformed=False)
    np.testing.assert_allclose(out["mu"], want, rtol=1e-7)


def test_find_map_errors(poisson_gamma: pg.Model) -> None:
    m = poisson_gamma  # compiled already by the tests above: maxiter is an argument
    with pytest.raises(ValueError, match=r"unknown method 'Powell'; known methods: \['BFGS'"):
        pg.find_MAP(method="Powell", model=m)
    with pytest.raises(KeyError, match="'nope' is not a free variable"):
        pg.find_MAP(start={"nope": 1.0}, model=m)
    with pg.Model() as discrete:
        pg.Poisson("k", 2.0)
    with pytest.raises(NotImplementedError, match="discrete"):
        pg.find_MAP(model=discrete)
    with pytest.warns(pg.SamplingWarning, match="without converging"):
        pg.find_MAP(model=m, maxiter=1)
