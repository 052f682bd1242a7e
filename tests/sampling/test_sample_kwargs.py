"""pg.sample with PyMC's keywords: each one honoured with PyMC's meaning, or
refused with a clear error (a warning for process settings)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ppgraph as pg
from ppgraph.sampling.sample_kwargs import resolve_options

Y = np.array([0.3, -0.5, 1.1, 0.4])


@pytest.fixture(scope="module")
def model() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 10.0)
        sigma = pg.HalfNormal("sigma", 2.0)
        pg.Normal("y", mu, sigma, observed=Y)
    return m


SMALL: dict[str, Any] = {"draws": 30, "tune": 30, "compute_convergence_checks": False,
                         "target_accept": 0.9, "progressbar": False}  # fmt: skip
PYMC: dict[str, Any] = dict(chains=2, cores=2, nuts_sampler="blackjax", random_seed=[1, 2],
                            init="jitter+adapt_diag", discard_tuned_samples=True, n_init=1000,
                            idata_kwargs={"log_likelihood": True, "include_transformed": True},
                            var_names=["sigma"])  # fmt: skip


@pytest.fixture(scope="module")
def idata(model: pg.Model) -> Any:
    return pg.sample(model=model, **SMALL, **PYMC)


def test_pymc_call(model: pg.Model, idata: Any) -> None:
    assert set(idata.posterior.data_vars) == {"sigma", "sigma_log__"}
    np.testing.assert_allclose(
        np.log(idata.posterior["sigma"].values),
        idata.posterior["sigma_log__"].values,
        rtol=1e-10,
        atol=1e-14,  # log(exp(x)) = x to rounding: absolute near x = 0
    )
    assert idata.posterior["sigma"].shape == (2, 30)
    assert idata.log_likelihood["y"].shape == (2, 30, 4)
    again = pg.sample(model=model, **SMALL, **PYMC)  # a per-chain seed list reproduces
    np.testing.assert_array_equal(idata.posterior["sigma"], again.posterior["sigma"])


def test_return_inferencedata_false_and_chains_from_cores(model: pg.Model, idata: Any) -> None:
    out = pg.sample(model=model, cores=2, chains=None, return_inferencedata=False,
                    random_seed=np.random.RandomState(0), **SMALL)  # fmt: skip
    assert isinstance(out, dict) and set(out) == {"mu", "sigma"}
    assert out["mu"].shape == (2, 30)
    assert np.all(out["sigma"] > 0)
    assert not np.array_equal(out["sigma"], idata.posterior["sigma"].values)


@pytest.mark.slow
def test_numpyro_by_pymc_name(model: pg.Model) -> None:
    pytest.importorskip("numpyro")
    kwargs = {**SMALL, "target_accept": None}
    idata = pg.sample(model=model, chains=2, nuts_sampler="numpyro", random_seed=4,
                      nuts_sampler_kwargs={"target_accept": 0.85}, **kwargs)  # fmt: skip
    assert idata.posterior.attrs["sampler"] == "numpyro"
    assert idata.posterior["mu"].shape == (2, 30)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"nuts_sampler": "pymc"}, ValueError, "PyMC's own sampler"),
        ({"nuts_sampler": "nutpie"}, ValueError, "nutpie"),
        ({"sampler": "blackjax", "nuts_sampler": "numpyro"}, ValueError, "disagree"),
        ({"discard_tuned_samples": False}, NotImplementedError, "discard_tuned_samples"),
        ({"step": object()}, NotImplementedError, "step="),
        ({"init": "advi_map"}, NotImplementedError, "init='advi_map'"),
        ({"trace": []}, NotImplementedError, "trace="),
        ({"idata_kwargs": {"save_warmup": True}}, ValueError, "save_warmup"),
        ({"nuts_sampler_kwargs": {"max_tree_depth": 5}}, ValueError, "max_tree_depth"),
        ({"nuts": {"max_treedepth": 5}}, ValueError, "nuts="),
        ({"cores": 0}, ValueError, "cores"),
        ({"random_seed": [1, 2, 3], "chains": 2}, ValueError, "3 seeds for 2 chains"),
        ({"var_names": ["nope"]}, KeyError, "nope"),
        ({"tunes": 10}, TypeError, "unexpected keyword argument 'tunes'"),
    ],
)
def test_refused(model: pg.Model, kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        pg.sample(model=model, progressbar=False, **kwargs)


def test_process_settings_warn() -> None:
    with pytest.warns(UserWarning, match="mp_ctx='spawn' has no effect"):
        resolve_options(None, None, None, None, None, None, None, "vectorized", 1.0, None,
                        None, None, True, {"mp_ctx": "spawn"})  # fmt: skip


def test_defaults_and_mapping() -> None:
    o = resolve_options(None, None, None, None, None, None, None, "vectorized", 1.0, None,
                        None, {"chain_method": "sharded"}, True,
                        {"init": "adapt_diag", "nuts": {"target_accept": 0.95},
                         "jitter_max_retries": 3})  # fmt: skip
    assert (o.sampler, o.chains, o.target_accept, o.progress_bar) == ("blackjax", 4, 0.95, True)
    assert (o.chain_method, o.jitter, o.jitter_max_retries) == ("sharded", 0.0, 3)
