"""No silent wrong answers from data: NaN in data containers, masked arrays
outside observed=, draws with invalid parameters, a variable named like
another's value variable, a non-integer shape, find_MAP at -inf."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt

MASKED = np.ma.masked_array([1.0, 99.0, 3.0], mask=[0, 1, 0])


def _model() -> pg.Model:
    with pg.Model() as m:
        x = pg.Data("x", [1.0, 2.0, 3.0])
        s = pg.HalfNormal("s", 1.0)
        pg.Normal("y", x, s, observed=[1.0, 2.0, 2.5])
    return m


# --- NaN in data containers (PyMC imputes only plain observed arrays) ----------


def test_nan_in_a_data_container_is_an_error() -> None:
    with pg.Model(), pytest.raises(ValueError, match=r"pg.Data: data container 'x' has 1 NaN"):
        pg.Data("x", [1.0, np.nan])


def test_nan_given_through_set_data_is_an_error() -> None:
    m = _model()
    logp = m.compile_logp()
    assert np.isfinite(logp({"s_log__": 0.0}))
    with pytest.raises(ValueError, match="data container 'x' has 1 NaN"):  # was a silent -inf
        pg.set_data({"x": [1.0, np.nan, 3.0]}, model=m)
    np.testing.assert_array_equal(m["x"].get_value(), [1.0, 2.0, 3.0])  # left as it was
    assert np.isfinite(logp({"s_log__": 0.0}))


# --- masked arrays: honoured (imputed) in observed=, refused elsewhere ----------


def test_masked_observed_is_honoured() -> None:
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        pg.Normal("y", 0.0, 1.0, observed=MASKED)
    np.testing.assert_array_equal(m.rvs_to_values[m["y_observed"]].get_value(), [1.0, 3.0])


def test_masked_arrays_refused_as_function_inputs_and_points() -> None:
    a = pt.vector("a")
    with pytest.raises(pg.InputError, match="input a: got a masked array with 1 masked"):
        pg.function([a], 2.0 * a)(MASKED)
    with pg.Model() as m:
        pg.Normal("z", 0.0, 1.0, shape=3)
    with pytest.raises(pg.InputError, match="masked array"):
        m.compile_logp()({"z": MASKED})
    # a mask with nothing masked hides nothing
    np.testing.assert_array_equal(pg.function([a], 2.0 * a)(np.ma.masked_array([1.0])), [2.0])


def test_masked_start_refused() -> None:
    with pg.Model() as m:
        pg.Normal("z", 0.0, 1.0, shape=3)
    with pytest.raises(TypeError, match=r"find_MAP: start\['z'\]: got a masked array"):
        pg.find_MAP(start={"z": MASKED}, model=m)


def test_masked_posterior_draws_refused() -> None:
    m = _model()
    draws = np.ma.masked_array(np.ones((1, 2)), mask=[[0, 1]])
    with pytest.raises(TypeError, match="draws of s: got a masked array with 1 masked entry"):
        pg.sample_posterior_predictive({"s": draws}, model=m)


def test_masked_data_containers_refused() -> None:
    with pg.Model(), pytest.raises(TypeError, match="masked"):
        pg.Data("x", MASKED)
    m = _model()
    with pytest.raises(TypeError, match="masked"):
        pg.set_data({"x": MASKED}, model=m)


# --- draws refuse invalid parameters, as the log-density does --------------------


def test_draw_with_a_failing_check_names_the_variable() -> None:
    with pytest.raises(pg.ParameterValueError, match=r"sd: sigma > 0"):
        x = pg.Normal.dist(0.0, -1.0)
        x.name = "sd"
        pg.draw(x, draws=3)
    with pytest.raises(pg.ParameterValueError, match=r"p > 1|p <= 1"):
        pg.draw(pg.Bernoulli.dist(p=1.5), draws=3)


def test_predictive_draws_with_a_failing_check() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.Normal("y", mu, -2.0, observed=[0.0, 1.0])
    with pytest.raises(pg.ParameterValueError, match=r"y: sigma > 0"):
        pg.sample_prior_predictive(draws=5, model=m)
    m = _model()
    with pytest.raises(pg.ParameterValueError, match=r"y: sigma > 0"):
        pg.sample_posterior_predictive({"s": np.array([[1.0, -1.0]])}, model=m)
    ok = pg.sample_posterior_predictive({"s": np.array([[1.0, 2.0]])}, model=m, random_seed=0)
    assert ok.posterior_predictive["y"].shape == (1, 2, 3)


# --- names --------------------------------------------------------------------


def test_a_name_like_another_value_variable_is_an_error_either_order() -> None:
    with pg.Model():
        pg.HalfNormal("s", 1.0)
        with pytest.raises(ValueError, match="'s_log__' is the name of s's value variable"):
            pg.Normal("s_log__", 0.0, 1.0)
    with pg.Model():
        pg.Normal("s_log__", 0.0, 1.0)
        with pytest.raises(ValueError, match="s: its value variable would be named s_log__"):
            pg.HalfNormal("s", 1.0)


# --- shapes and find_MAP ---------------------------------------------------------


def test_a_non_integer_shape_names_the_variable() -> None:
    with pg.Model() as m:
        with pytest.raises(TypeError, match=r"y: shape must be ints .* got 2\.5"):
            m.rv_shape(shape=2.5, name="y")
        with pytest.raises(TypeError, match=r"y: shape must be ints .* got \(2, 1\.5\)"):
            m.rv_shape(shape=(2, 1.5), name="y")


def test_shape_2_5_in_a_distribution_names_the_variable() -> None:
    with pg.Model(), pytest.raises(TypeError, match=r"y: shape must be ints"):
        pg.Normal("y", 0.0, 1.0, shape=2.5)


def test_find_map_says_it_started_at_minus_inf() -> None:
    with pg.Model() as m:
        pg.Uniform("u", 0.0, 1.0, transform=None)
    with pytest.raises(pg.SamplingError, match=r"(?s)started where logp = -inf.*u ~ U"):
        pg.find_MAP(start={"u": 2.0}, model=m)


# --- every public entry point: a mask is honoured (imputed) or refused ----------------


def _entry_points() -> dict[str, Any]:
    """Each public way an array enters ppgraph, called with MASKED."""
    a = pt.vector("a")
    m = _model()
    with pg.Model() as sized:
        d = pg.Data("d", np.zeros(3))
        c = pg.Normal("c", 0.0, 1.0)
        pg.Normal("lik", c + d, 1.0, shape=d.shape[0])
    return {
        "pg.function input": lambda: pg.function([a], 2.0 * a)(MASKED),
        "eval givens": lambda: (2.0 * a).eval({a: MASKED}),
        "pg.Data": lambda: pg.Data("x2", MASKED, model=m),
        "pg.set_data (then predictions)": lambda: pg.set_data({"d": MASKED}, model=sized),
        "compile_logp point": lambda: m.compile_logp()({"s_log__": np.ma.masked_array(0.0, True)}),
        "find_MAP start": lambda: pg.find_MAP(
            start={"s_log__": np.ma.masked_array(0.0, True)}, model=m
        ),
        "posterior draws": lambda: pg.sample_posterior_predictive(
            {"c": np.ma.masked_array(np.zeros((1, 2)), [[0, 1]])}, model=sized
        ),
    }


@pytest.mark.parametrize(
    "entry",
    [
        "pg.function input",
        "eval givens",
        "pg.Data",
        "pg.set_data (then predictions)",
        "compile_logp point",
        "find_MAP start",
        "posterior draws",
    ],
)
def test_no_entry_point_drops_a_mask(entry: str) -> None:
    with pytest.raises((TypeError, pg.InputError), match="masked array"):
        _entry_points()[entry]()


def test_observed_is_the_entry_point_that_honours_it() -> None:
    # the hidden 99.0 is never data: the logp is that of the two present values
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        pg.Normal("y", 0.0, 1.0, observed=MASKED)
    logp = m.compile_logp()({"y_unobserved": np.array([0.5])})
    np.testing.assert_allclose(logp, st.norm.logpdf([1.0, 0.5, 3.0]).sum(), rtol=1e-12)


@pytest.mark.parametrize("entry", ["initvals", "pg.logp value", "pt.as_tensor_variable"])
def test_initvals_logp_values_and_constants_refuse_a_mask(entry: str) -> None:
    with pg.Model() as m:
        pg.Normal("z", 0.0, 1.0, shape=3)
    calls = {
        "initvals": lambda: pg.sample(
            draws=2, tune=2, chains=1, initvals={"z": MASKED}, model=m, progress_bar=False
        ),
        "pg.logp value": lambda: pg.logp(pg.Normal.dist(0.0, 1.0), MASKED).eval(),
        "pt.as_tensor_variable": lambda: pt.as_tensor_variable(MASKED),
    }
    with pytest.raises((TypeError, pg.InputError), match="masked"):
        calls[entry]()
