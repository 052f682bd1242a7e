"""Simulation-based calibration (Talts et al. 2018), vectorized: R independent
replicates of a small model (normal mean and scale) in one model, so one
pg.sample run gives R posteriors; the rank of each true value among its
(thinned) posterior draws must be uniform. Built and sampled in float32, which
this module also checks stays float32 end to end."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg

# Few observations, so the prior (and the log transform's Jacobian) matter: this
# test fails with HalfNormal(2) in the model or with the Jacobian left out.
R, N_OBS = 200, 3
CHAINS, TUNE, DRAWS, THIN = 2, 500, 500, 10
BINS = 10
SBC = tuple[dict[str, np.ndarray], Any, pg.Model]  # truth, InferenceData, model


@pytest.fixture(scope="module")
def sbc() -> SBC:
    rng = np.random.default_rng(2024)
    truth = {"mu": rng.normal(0.0, 1.0, R), "sigma": np.abs(rng.normal(0.0, 1.0, R))}
    data = rng.normal(truth["mu"][:, None], truth["sigma"][:, None], size=(R, N_OBS))
    with pg.config.change_flags(floatX="float32"), pg.Model() as model:
        mu = pg.Normal("mu", 0.0, 1.0, shape=R)
        sigma = pg.HalfNormal("sigma", 1.0, shape=R)
        pg.Normal("y", mu[:, None], sigma[:, None], observed=data.astype("float32"))
    idata = pg.sample(
        draws=DRAWS, tune=TUNE, chains=CHAINS, target_accept=0.95, random_seed=5,
        progress_bar=False, model=model, compute_convergence_checks=False,
    )  # fmt: skip
    return truth, idata, model


def test_ranks_of_the_truth_are_uniform(sbc: SBC) -> None:
    truth, idata, _ = sbc
    # A few divergences are expected where sigma is near 0 (three observations
    # each, float32); many would bias the ranks.
    assert int(idata.sample_stats.diverging.sum()) <= 0.01 * CHAINS * DRAWS
    for name, true in truth.items():
        draws = idata.posterior[name].values[:, ::THIN].reshape(-1, R)[: BINS * BINS - 1]
        ranks = (draws < true[None, :]).sum(axis=0)  # in 0 .. BINS**2 - 1
        counts = np.bincount(ranks // BINS, minlength=BINS)
        p = st.chisquare(counts).pvalue
        assert p > 1e-3, (name, counts, p)


def test_float32_end_to_end(sbc: SBC) -> None:
    _, idata, model = sbc
    assert {v.dtype for v in model.value_vars} == {"float32"}
    fn, position = pg.logdensity(model)
    assert not fn.x64 and all(v.dtype == np.float32 for v in position.values())
    assert float(jax.jit(fn)(position)).__class__ is float  # runs without 64-bit JAX
    assert jax.jit(fn)(position).dtype == np.float32
    for group in (idata.posterior, idata.log_likelihood):
        assert {str(v.dtype) for v in group.data_vars.values()} == {"float32"}
    stats = idata.sample_stats
    assert stats["lp"].dtype == np.float32 and stats["step_size"].dtype == np.float32
    assert not jax.config.jax_enable_x64
