"""Bad input to the model layer: each a clear error naming what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg


@pytest.fixture
def model() -> pg.Model:
    with pg.Model() as m:
        pg.Normal("z", 0.0, 1.0, shape=2)
        pg.HalfNormal("sigma", 1.0)
    return m


def test_duplicate_name(model: pg.Model) -> None:
    with model, pytest.raises(ValueError, match="already has a variable named 'z'"):
        pg.Normal("z", 0.0, 1.0)
    with model, pytest.raises(ValueError, match="already has a variable named 'sigma'"):
        pg.Deterministic("sigma", model["z"] * 2.0)


def test_variable_outside_a_model() -> None:
    with pytest.raises(TypeError, match=r"pg.Normal\('x', ...\) must be created inside a model"):
        pg.Normal("x", 0.0, 1.0)
    with pytest.raises(TypeError, match="inside a model"):
        pg.Data("d", [1.0])


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("pg.sample", lambda: pg.sample(draws=10, tune=10)),
        ("pg.logdensity", lambda: pg.logdensity()),
        ("pg.sample_prior_predictive", lambda: pg.sample_prior_predictive(10)),
        ("pg.find_MAP", lambda: pg.find_MAP()),
        ("pg.set_data", lambda: pg.set_data({"x": [1.0]})),
        ("pg.model_to_graphviz", lambda: pg.model_to_graphviz()),
    ],
)
def test_a_call_without_a_model_names_itself(name: str, call: object) -> None:
    assert callable(call)
    with pytest.raises(TypeError, match=rf"^{name} needs a model: call it inside a `with model:`"):
        call()
    with pytest.raises(TypeError, match="the first argument is the variable's name"):
        with pg.Model():
            pg.Normal(0.0, 1.0)  # type: ignore[arg-type]


def test_unknown_keyword() -> None:
    with pg.Model(), pytest.raises(TypeError, match="unknown parameter 'sd'"):
        pg.Normal("x", 0.0, sd=1.0)


def test_point_with_missing_unknown_or_misshaped_values(model: pg.Model) -> None:
    f = model.compile_logp()
    with pytest.raises(KeyError, match="no value for 'sigma_log__'"):
        f({"z": np.zeros(2)})
    with pytest.raises(KeyError, match="an unknown name 'sigma'"):
        f({"z": np.zeros(2), "sigma_log__": 0.0, "sigma": 1.0})
    with pytest.raises(ValueError, match=r"point\['z'\] has shape \(3,\).*shape \(2,\)"):
        f({"z": np.zeros(3), "sigma_log__": 0.0})
    with pytest.raises(TypeError, match="a point is a dict"):
        f([np.zeros(2), 0.0])  # type: ignore[arg-type]
    assert f.function.n_traces == 0  # nothing was traced for the bad points
    with pytest.raises(ValueError, match=r"point\['z'\]"):
        model.compile_dlogp()({"z": np.zeros((2, 2)), "sigma_log__": 0.0})


def test_invalid_parameters_raise_or_give_minus_inf() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 1.0)
        pg.Normal("y", 0.0, s, observed=[0.5])
    with pytest.raises(pg.ParameterValueError, match="y: sigma > 0"):
        m.compile_logp()({"s": -2.0})
    assert m.compile_logp(check_mode="-inf")({"s": -2.0}) == -np.inf


def test_nan_in_a_data_container() -> None:
    # NaN in plain observed data is imputed (tests/model/test_imputation.py); a
    # data container is not imputed (as in PyMC), so NaN there is an error.
    with pg.Model(), pytest.raises(ValueError, match="data container 'd' has 1 NaN"):
        pg.Data("d", [np.nan, 1.0])


def test_bad_observed_data() -> None:
    with pg.Model(), pytest.raises(ValueError, match=r"whole numbers, got \[2\.5\]"):
        pg.Poisson("k", 3.0, observed=[1.0, 2.5])
    with pg.Model(), pytest.raises(ValueError, match=r"observed data has shape \(3,\).*\(2,\)"):
        pg.Normal("y", 0.0, 1.0, shape=2, observed=[1.0, 2.0, 3.0])
    with pg.Model(), pytest.raises(TypeError, match="must be numbers"):
        pg.Normal("y", 0.0, 1.0, observed=["a", "b"])


def test_bad_transforms_and_dims() -> None:
    with pg.Model(), pytest.raises(TypeError, match="needs a float variable"):
        pg.Poisson("k", 3.0, transform="log")
    with pg.Model(), pytest.raises(ValueError, match="unknown transform 'lgo'"):
        pg.HalfNormal("s", 1.0, transform="lgo")
    with pg.Model(coords={"a": [1, 2]}), pytest.raises(ValueError, match="name 1 dims"):
        pg.Normal("x", 0.0, 1.0, shape=(2, 2), dims="a")


def test_unregistered_random_variable_in_the_model() -> None:
    with pg.Model() as m:
        pg.Normal("x", pg.Normal.dist(0.0, 1.0), 1.0)
    with pytest.raises(ValueError, match="not registered in the model"):
        m.logp()


def test_logp_vars_must_belong_to_the_model(model: pg.Model) -> None:
    with pytest.raises(ValueError, match="not a random variable or value variable"):
        model.logp(vars=[pg.Normal.dist(0.0, 1.0)])
