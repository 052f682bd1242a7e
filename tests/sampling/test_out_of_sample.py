"""Out-of-sample prediction as in PyMC: ``pg.set_data`` with a new length, then
``pg.sample_posterior_predictive`` draws at the new size, both with ``dims`` and
new ``coords`` and with a shape taken from a data container
(``shape=x.shape[0]``). The oracle is the regression line computed in NumPy
from the posterior draws; a shape that no longer fits is an error naming the
data container, the variable and both shapes.
"""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg

RNG = np.random.default_rng(0)
X = np.linspace(-1.0, 1.0, 12)
Y = 0.5 + 2.0 * X + RNG.normal(scale=0.3, size=12)
# A posterior to predict from: (chain, draw) arrays around the fitted line.
A = 0.5 + 0.05 * RNG.normal(size=(2, 300))
B = 2.0 + 0.05 * RNG.normal(size=(2, 300))
POST = {"a": A, "b": B, "s": np.full((2, 300), 0.01)}


def _dims_model() -> pg.Model:
    with pg.Model(coords={"obs": range(12)}) as m:
        x = pg.Data("x", X, dims="obs")
        y = pg.Data("y", Y, dims="obs")
        a, b = pg.Normal("a", 0.0, 10.0), pg.Normal("b", 0.0, 10.0)
        s = pg.HalfNormal("s", 1.0)
        pg.Normal("lik", a + b * x, s, observed=y, dims="obs")
    return m


def _line(x_new: np.ndarray) -> np.ndarray:
    return A.mean() + B.mean() * x_new


@pytest.fixture(scope="module")
def dims_model() -> pg.Model:
    return _dims_model()


@pytest.mark.parametrize("n_new", [4, 30], ids=["smaller", "larger"])
def test_dims_and_new_coords(dims_model: pg.Model, n_new: int) -> None:
    m = dims_model
    x_new = np.linspace(-2.0, 3.0, n_new)
    with m:
        pg.set_data({"x": x_new, "y": np.zeros(n_new)}, coords={"obs": range(n_new)})
        pp = pg.sample_posterior_predictive(POST, random_seed=1)
    lik = pp.posterior_predictive["lik"]
    assert lik.shape == (2, 300, n_new) and lik.dims == ("chain", "draw", "obs")
    assert list(lik["obs"].values) == list(range(n_new))
    # mean over 600 draws of a + b x + e: within 4 standard errors of the line
    se = np.sqrt(0.05**2 * (1 + x_new**2) + 0.01**2) / np.sqrt(600)
    assert np.all(np.abs(lik.values.mean(axis=(0, 1)) - _line(x_new)) < 4 * se + 1e-12)


def test_prior_predictive_follows_new_coords() -> None:
    m = _dims_model()
    with m:
        pg.set_data({"x": np.array([0.0, 10.0]), "y": np.zeros(2)}, coords={"obs": [0, 1]})
        prior = pg.sample_prior_predictive(draws=2000, random_seed=3)
    lik = prior.prior_predictive["lik"]
    assert lik.shape == (1, 2000, 2)
    # lik = a + b x + s e with a, b ~ N(0, 10), s ~ HalfNormal(1): var = 100 + 100 x^2 + 1
    np.testing.assert_allclose(lik.values[0].std(axis=0), np.sqrt([101.0, 10101.0]), rtol=0.1)


def test_a_length_seen_before_reuses_its_compiled_function(dims_model: pg.Model) -> None:
    m = dims_model
    with m:
        for n in (5, 7):
            pg.set_data({"x": np.zeros(n), "y": np.zeros(n)}, coords={"obs": range(n)})
            pg.sample_posterior_predictive(POST, random_seed=1)
        before = {k for k in m._caches if isinstance(k, tuple) and "predictive" in k}
        pg.set_data({"x": np.ones(5), "y": np.zeros(5)}, coords={"obs": range(5)})
        pp = pg.sample_posterior_predictive(POST, random_seed=1)
        after = {k for k in m._caches if isinstance(k, tuple) and "predictive" in k}
    assert before == after  # one per length: the length seen before is not rebuilt
    np.testing.assert_allclose(pp.posterior_predictive["lik"].values.mean(), _line(1.0), atol=0.02)


def test_symbolic_shape_machinery_follows_the_data() -> None:
    # What shape=x.shape[0] records (Model.rv_shape resolves it to today's ints
    # and the variable keeps the symbolic form for set_data).
    with pg.Model() as m:
        x = pg.Data("x", X)
        a, b = pg.Normal("a", 0.0, 10.0), pg.Normal("b", 0.0, 10.0)
        s = pg.HalfNormal("s", 1.0)
        pg.Normal("lik", a + b * x, s, shape=m.rv_shape(shape=x.shape[0], name="lik"))
    assert m["lik"].type.shape == (12,)
    for n_new in (3, 25):
        x_new = np.linspace(0.0, 1.0, n_new)
        pg.set_data({"x": x_new}, model=m)
        pp = pg.sample_posterior_predictive(POST, var_names=["lik"], random_seed=2, model=m)
        mean = pp.posterior_predictive["lik"].values.mean(axis=(0, 1))
        assert mean.shape == (n_new,)
        np.testing.assert_allclose(mean, _line(x_new), atol=0.02)


def test_shape_from_a_data_container() -> None:
    with pg.Model() as m:
        x = pg.Data("x", X)
        a = pg.Normal("a", 0.0, 10.0)
        pg.Normal("lik", a * x, 1.0, shape=x.shape[0])
    pg.set_data({"x": np.zeros(3)}, model=m)
    pp = pg.sample_posterior_predictive({"a": A}, random_seed=2, model=m, var_names=["lik"])
    assert pp.posterior_predictive["lik"].shape == (2, 300, 3)


def test_a_shape_that_no_longer_fits_names_the_data() -> None:
    m = _dims_model()
    with m:
        pg.set_data({"x": np.zeros(5)}, coords={"obs": range(5)})  # y still has 12 rows
        match = r"lik has shape \(5,\), but its observed data has shape \(12,\) \(from data "
        with pytest.raises(ValueError, match=match + r"container 'y' of shape \(12,\)\)"):
            m.compile_logp()({"a": 0.0, "b": 0.0, "s_log__": 0.0})
    with pg.Model(coords={"obs": range(12)}) as m:
        x = pg.Data("x", X)  # no dims
        a = pg.Normal("a", 0.0, 10.0)
        pg.Normal("lik", a * x, 1.0, observed=Y, dims="obs")
        pg.set_data({"x": np.zeros(5)})  # the dim still has 12 coords: x no longer fits
        match = r"lik has shape \(12,\), but its parameter loc has shape \(5,\) \(from data "
        with pytest.raises(ValueError, match=match + r"container 'x' of shape \(5,\)\)"):
            pg.sample_posterior_predictive(POST)


def test_a_free_variable_sized_by_the_data_cannot_take_old_draws() -> None:
    with pg.Model(coords={"obs": range(3)}) as m:
        x = pg.Data("x", np.zeros(3), dims="obs")
        z = pg.Normal("z", 0.0, 1.0, dims="obs")
        pg.Normal("y", z + x, 1.0, observed=np.zeros(3), dims="obs")
    pg.set_data({"x": np.zeros(4)}, coords={"obs": range(4)}, model=m)
    with pytest.raises(ValueError, match=r"draws of z have shape \(3,\) per draw, but z has"):
        pg.sample_posterior_predictive({"z": np.zeros((1, 2, 3))}, model=m)


def _two_containers(lik: bool = True) -> pg.Model:
    with pg.Model() as m:
        x1, x2 = pg.Data("x1", X), pg.Data("x2", X)
        a = pg.Normal("a", 0.0, 1.0)
        pg.Deterministic("d", a * x1 + x2)
        pg.Potential("pot", -((a * x1 - x2) ** 2))
        if lik:
            pg.Normal("lik", a * x1, 1.0, observed=Y)
    return m


def test_pg_sample_names_the_variable_the_data_and_both_shapes() -> None:
    # found before any sampling: no JAX trace, no error naming only the containers
    m = _two_containers()
    pg.set_data({"x1": np.zeros(5)}, model=m)
    match = r"lik has shape \(12,\), but its parameter loc has shape \(5,\) \(from data "
    with pytest.raises(ValueError, match=match + r"container 'x1' of shape \(5,\)\)"):
        pg.sample(draws=5, tune=5, chains=1, progress_bar=False, model=m)


@pytest.mark.parametrize("var", ["d", "pot"])
def test_a_deterministic_or_potential_that_no_longer_computes_is_named(var: str) -> None:
    m = _two_containers(lik=False)  # the only variable that no longer fits is var
    pg.set_data({"x1": np.zeros(5)}, model=m)
    match = (
        rf"{var}: its value cannot be computed with the data's current shapes \(.*\(5,\), "
        r"\(12,\); from data container 'x1' of shape \(5,\), data container 'x2' of shape"
    )
    if var == "d":  # asked for: named before any draw
        with pytest.raises(ValueError, match=match):
            pg.sample_posterior_predictive(POST, var_names=["d"], model=m)
    else:  # in the log-density
        with pytest.raises(ValueError, match=match):
            m.compile_logp()({"a": 0.0})


def test_a_broken_variable_not_asked_for_does_not_stop_predictions() -> None:
    with pg.Model() as m:
        x1, x2 = pg.Data("x1", X), pg.Data("x2", X)
        a = pg.Normal("a", 0.0, 1.0)
        pg.Deterministic("d", a * x2 + x1)  # broken by the new x1, but not predicted
        pg.Normal("lik", a * x1, 0.01, shape=x1.shape[0])
    pg.set_data({"x1": np.ones(3)}, model=m)
    pred = pg.sample_posterior_predictive(POST, var_names=["lik"], model=m, random_seed=0)
    np.testing.assert_allclose(pred.posterior_predictive["lik"].mean(), A.mean(), atol=0.01)
