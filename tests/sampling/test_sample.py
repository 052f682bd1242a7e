"""pg.sample on the eight schools (non-centered) with each sampler against the
published reference posterior, the InferenceData it returns, and its errors."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import arviz as az
import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
from tests.sampling.models import (
    REFERENCE,
    SCHOOLS,
    SIGMA,
    Y,
    eight_schools,
    eight_schools_logp,
)

CHAINS, TUNE, DRAWS = 4, 500, 500


@pytest.fixture(scope="module", params=["blackjax", "numpyro"])
def run(request: pytest.FixtureRequest) -> tuple[str, Any, pg.Model]:
    model = eight_schools()
    idata = pg.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, sampler=request.param,
                      random_seed=11, progress_bar=False, model=model)  # fmt: skip
    return request.param, idata, model


def test_eight_schools_matches_the_reference_posterior(run: tuple[str, Any, pg.Model]) -> None:
    sampler, idata, _ = run
    post = idata.posterior
    for name, (mean, sd) in REFERENCE.items():
        mcse = float(az.mcse(post, var_names=[name])[name])
        got = float(post[name].mean())
        assert abs(got - mean) < 4 * mcse + 0.1, (sampler, name, got, mean, mcse)
        assert float(post[name].std()) == pytest.approx(sd, rel=0.15)
    assert int(idata.sample_stats.diverging.sum()) == 0
    assert float(az.rhat(post, var_names=["mu", "tau"]).to_array().max()) < 1.01


def test_inference_data_groups_coords_and_stats(run: tuple[str, Any, pg.Model]) -> None:
    sampler, idata, _ = run
    assert set(idata.groups()) == {"posterior", "sample_stats", "log_likelihood",
                                   "observed_data"}  # fmt: skip
    post = idata.posterior
    assert list(post.data_vars) == ["mu", "tau", "theta_t", "theta"]
    assert post["theta"].dims == ("chain", "draw", "school")
    assert list(post["school"].values) == SCHOOLS
    assert post["mu"].shape == (CHAINS, DRAWS) and post["mu"].dtype == np.float64
    assert float(post["tau"].min()) > 0
    # theta = mu + tau * theta_t: the sum can cancel, so the error bound scales with the
    # terms, not with the result (an entry near zero differs by ~1e-16 on some machines).
    shift = post["tau"] * post["theta_t"]
    scale = np.abs(post["mu"]) + np.abs(shift)
    assert np.all(np.abs(post["theta"] - (post["mu"] + shift)) <= 1e-12 * scale + 1e-300)
    stats = idata.sample_stats
    assert {"diverging", "energy", "step_size", "tree_depth", "n_steps", "acceptance_rate",
            "lp"} <= set(stats.data_vars)  # fmt: skip
    assert stats["diverging"].dtype == bool and stats["lp"].shape == (CHAINS, DRAWS)
    assert np.all((stats["tree_depth"] >= 1) & (stats["tree_depth"] <= 10))
    assert np.all(2 ** (stats["tree_depth"] - 1) <= stats["n_steps"])
    assert np.all(stats["n_steps"] <= 2 ** stats["tree_depth"] - 1)
    assert 0.6 < float(stats["acceptance_rate"].mean()) < 0.98
    # lp is +logp (Jacobian included) at the draw: the hand-written density agrees
    position = {"mu": post["mu"].values, "tau_log__": np.log(post["tau"].values),
                "theta_t": post["theta_t"].values}  # fmt: skip
    with jax.enable_x64(True):
        want = jax.vmap(jax.vmap(eight_schools_logp))(position)
    np.testing.assert_allclose(stats["lp"], want, rtol=1e-9, atol=1e-9)
    loglik = idata.log_likelihood["y"]
    assert loglik.dims == ("chain", "draw", "school")
    np.testing.assert_allclose(loglik, st.norm.logpdf(Y, post["theta"], SIGMA), rtol=1e-10)
    np.testing.assert_array_equal(idata.observed_data["y"], Y)
    assert idata.posterior.attrs["sampler"] == sampler


def test_log_likelihood_can_be_skipped(run: tuple[str, Any, pg.Model]) -> None:
    sampler, idata, model = run
    if sampler != "blackjax":
        pytest.skip("one sampler is enough")
    # same model graph and settings: the compiled run is reused
    again = pg.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, random_seed=11, progress_bar=False,
                      model=model, log_likelihood=False)  # fmt: skip
    assert "log_likelihood" not in again.groups()
    np.testing.assert_array_equal(again.posterior["mu"], idata.posterior["mu"])


def test_bad_input() -> None:
    m = eight_schools()
    with pytest.raises(ValueError, match="unknown sampler 'stan'; known samplers: \\['blackjax'"):
        pg.sample(sampler="stan", model=m)
    with pytest.raises(ValueError, match="unknown chain_method 'pmap'"):
        pg.sample(chain_method="pmap", model=m)
    with pytest.raises(ValueError, match=r"sharded.*blackjax"):
        pg.sample(chain_method="sharded", sampler="numpyro", model=m)
    with pytest.raises(ValueError, match="draws must be an int >= 1"):
        pg.sample(draws=0, model=m)
    with pytest.raises(ValueError, match="target_accept must be in \\(0, 1\\)"):
        pg.sample(target_accept=1.5, model=m)
    with pg.Model() as discrete:
        pg.Poisson("k", 3.0)
    with pytest.raises(NotImplementedError, match="\\['k'\\] is discrete"):
        pg.sample(model=discrete)
    with pg.Model() as empty:
        pg.Normal("y", 0.0, 1.0, observed=[0.0])
    with pytest.raises(ValueError, match="no free random variables"):
        pg.sample(model=empty)
    with pg.Model() as bad_start:
        s = pg.Normal("s", -1.0, 0.1)
        pg.Normal("y", 0.0, s, observed=[1.0])
    with pytest.raises(pg.SamplingError, match=r"(?s)not a valid start.*check: y: sigma > 0"):
        pg.sample(model=bad_start, progress_bar=False)


@pytest.mark.parametrize("missing", ["blackjax", "numpyro", "arviz"])
def test_a_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # import now fails
    monkeypatch.setitem(sys.modules, "numpyro.infer", None)
    sampler = "blackjax" if missing == "arviz" else missing
    with pytest.raises(ImportError, match=f'needs {missing}: pip install "ppgraph\\[samplers\\]"'):
        pg.sample(sampler=sampler, model=eight_schools(), progress_bar=False)


def _fake(draws: np.ndarray, diverging: int = 0) -> Any:
    chains, n = draws.shape
    div = np.zeros((chains, n), bool)
    div.flat[:diverging] = True
    return az.from_dict(posterior={"x": draws}, sample_stats={"diverging": div})


def _messages(draws: np.ndarray, diverging: int = 0) -> list[str]:
    from ppgraph.sampling.diagnostics import convergence_warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        convergence_warnings(_fake(draws, diverging), diverging, ["x"])
    assert all(w.category is pg.SamplingWarning for w in caught)
    return [str(w.message) for w in caught]


def test_convergence_warnings() -> None:
    rng = np.random.default_rng(0)
    good = rng.normal(size=(4, 500))
    assert _messages(good) == []
    [divergences] = _messages(good, 3)
    assert divergences.startswith("there were 3 divergences after tuning (of 2000 draws)")
    shifted = _messages(good + np.arange(4)[:, None])
    assert any(m.startswith("r-hat > 1.01 for ['x']") for m in shifted)
    sticky = np.cumsum(rng.normal(size=(4, 500)), axis=1) * 0.01 + good * 1e-3
    assert any("effective sample size is below 100 per chain" in m for m in _messages(sticky))
    assert _messages(good[:, :50] + np.arange(4)[:, None]) == []  # too few draws to judge


def test_non_finite_draws_are_an_error_and_non_finite_deterministics_a_warning() -> None:
    from ppgraph.sampling.diagnostics import check_finite, warn_non_finite

    with pytest.warns(pg.SamplingWarning, match=r"deterministics contain non-finite values: d \(2"):
        warn_non_finite({"d": np.array([1.0, np.nan, -np.inf]), "ok": np.ones(3)},
                        "the deterministics")  # fmt: skip

    draws = np.zeros((2, 5))
    draws[1, 3] = np.nan
    with pytest.raises(pg.SamplingError, match="'x' contain 1 non-finite value\\(s\\) in chain"):
        check_finite({"x": draws}, "pg.sample")


def test_pg_sample_warns_after_a_bad_run() -> None:
    """No warm-up (step size 1, unit mass) on a posterior of scale 0.01: most
    trajectories diverge and the chains barely move; pg.sample says so."""
    with pg.Model() as m:
        pg.Normal("x", 0.0, 0.01)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        idata = pg.sample(draws=100, tune=0, chains=2, random_seed=0, progress_bar=False,
                          model=m)  # fmt: skip
    messages = [str(w.message) for w in caught if w.category is pg.SamplingWarning]
    n_div = int(idata.sample_stats["diverging"].sum())
    assert n_div > 50
    assert any(s.startswith(f"there were {n_div} divergences") for s in messages), messages
    assert any("effective sample size is below 100 per chain for ['x']" in s for s in messages)
    assert np.all(np.isfinite(idata.posterior["x"]))
