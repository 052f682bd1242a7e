"""The Model's registry, printing, coords/dims, Deterministic/Potential/Data,
observed data, initial points, point_logps and debug. Oracles: scipy.stats."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import SharedVariable
from ppgraph.graph.traversal import graph_inputs


def test_context_and_registry() -> None:
    with pg.Model() as m:
        assert pg.modelcontext(None) is m
        mu = pg.Normal("mu", 0.0, 1.0)
        y = pg.Normal("y", mu, 1.0, observed=[0.1, -0.2])
    assert m.free_RVs == [mu] and m.observed_RVs == [y] and m.basic_RVs == [mu, y]
    assert m["mu"] is mu and "y" in m and m.named_vars == {"mu": mu, "y": y}
    assert m.values_to_rvs[m.rvs_to_values[mu]] is mu
    assert isinstance(m.rvs_to_values[y], SharedVariable)
    with pytest.raises(KeyError, match="no variable named 'nope'"):
        m["nope"]


def test_nested_model_is_a_namespace() -> None:
    with pg.Model() as outer:
        a = pg.Normal("a", 0.0, 1.0)
        with pg.Model(name="sub") as inner:
            b = pg.Normal("b", a, 1.0)
            assert pg.modelcontext(None) is inner
        assert pg.modelcontext(None) is outer
    assert b.name == "sub::b" and inner["b"] is b and outer["sub::b"] is b
    assert outer.value_vars == [outer.rvs_to_values[a], outer.rvs_to_values[b]]
    assert inner.root is outer
    point = {"a": 0.5, "sub::b": 1.0}
    want = st.norm.logpdf(0.5) + st.norm.logpdf(1.0, 0.5)
    np.testing.assert_allclose(outer.compile_logp()(point), want)


def test_text_and_latex_reprs() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.5)
        sigma = pg.HalfNormal("sigma_y", 1.0)
        d = pg.Deterministic("twice", 2.0 * mu)
        pg.Normal("obs", mu + 1.0, sigma, observed=[0.0])
        pg.Potential("pot", -(mu**2))
    assert str(m).splitlines() == [
        "     mu ~ N(0, 2.5)",
        "sigma_y ~ N**+(0, 1)",
        "  twice ~ Deterministic(f(mu))",
        "    obs ~ N(f(mu), sigma_y)",
        "    pot ~ Potential(f(mu))",
    ]
    assert repr(d) == "twice ~ Deterministic(f(mu))" and d.name == "twice"
    latex = m._repr_latex_()
    assert r"\text{sigma\_y} &\sim & \operatorname{N^{+}}(0,~1)" in latex
    assert latex.count(r"\\") == 4
    assert pg.Model()._repr_latex_().count("array") == 2


def test_coords_and_dims() -> None:
    with pg.Model(coords={"school": ["A", "B", "C"]}) as m:
        theta = pg.Normal("theta", 0.0, 1.0, dims="school")
        y = pg.Normal("y", theta, 1.0, observed=np.zeros((4, 3)), dims=("obs", "school"))
    assert theta.type.shape == (3,)
    assert m.dims == {"theta": ("school",), "y": ("obs", "school")}
    assert m.coords == {"school": ("A", "B", "C"), "obs": None}
    assert m.dim_lengths == {"school": 3, "obs": 4}
    assert y.type.shape == (4, 3)
    with m, pytest.raises(ValueError, match="dim 'county' has no coords"):
        pg.Normal("z", 0.0, 1.0, dims="county")
    with m, pytest.raises(ValueError, match="'school' has length 3"):
        pg.Normal("w", 0.0, 1.0, shape=4, dims="school")
    with m, pytest.raises(ValueError, match="already has coordinates"):
        m.add_coord("school", ["A", "B"])


def test_deterministic_and_potential_in_logp() -> None:
    with pg.Model() as m:
        x = pg.Normal("x", 0.0, 1.0)
        d = pg.Deterministic("d", pt.exp(x))
        pg.Normal("y", d, 1.0, observed=2.0)
        pot = pg.Potential("pot", -0.5 * x**2)
    assert m.deterministics == [d] and m.potentials == [pot]
    want = st.norm.logpdf(0.3) + st.norm.logpdf(2.0, np.exp(0.3)) - 0.045
    np.testing.assert_allclose(m.compile_logp()({"x": 0.3}), want)
    terms = m.compile_logp(sum=False)({"x": 0.3})
    assert len(terms) == 3
    np.testing.assert_allclose(terms[2], -0.045)
    assert len(m.logp(vars=[x], sum=False)) == 1
    np.testing.assert_allclose(m.compile_fn(d)({"x": 0.3}), np.exp(0.3))


def test_observed_data_enters_as_an_argument() -> None:
    data = np.linspace(-1, 1, 50)
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.Normal("y", mu, 2.0, observed=data)
    logp = m.logp()
    shared = [v for v in graph_inputs([logp]) if isinstance(v, SharedVariable)]
    assert [v.name for v in shared] == ["y_observed"]
    assert not any(getattr(v, "data", np.zeros(0)).size == 50 for v in graph_inputs([logp]))
    want = st.norm.logpdf(0.2) + st.norm.logpdf(data, 0.2, 2.0).sum()
    np.testing.assert_allclose(m.compile_logp()({"mu": 0.2}), want)


def test_data_and_set_data_without_recompiling() -> None:
    x0, y0 = np.array([0.0, 1.0, 2.0]), np.array([0.5, 1.0, 2.5])
    with pg.Model(coords={"obs": range(3)}) as m:
        x = pg.Data("x", x0, dims="obs")
        yd = pg.Data("y_data", y0, dims="obs")
        beta = pg.Normal("beta", 0.0, 1.0)
        pg.Normal("y", beta * x, 1.0, observed=yd, dims="obs")
    assert m.data_vars == [x, yd]
    f = m.compile_logp()
    point = {"beta": 0.7}
    np.testing.assert_allclose(f(point), st.norm.logpdf(0.7) + st.norm.logpdf(y0, 0.7 * x0).sum())
    pg.set_data({"x": x0 + 1.0}, model=m)
    np.testing.assert_allclose(
        f(point), st.norm.logpdf(0.7) + st.norm.logpdf(y0, 0.7 * (x0 + 1)).sum()
    )
    assert f.function.n_traces == 1
    with m:
        pg.set_data({"x": np.ones(5), "y_data": np.ones(5)}, coords={"obs": range(5)})
    np.testing.assert_allclose(f(point), st.norm.logpdf(0.7) + 5 * st.norm.logpdf(1.0, 0.7))
    assert m.dim_lengths["obs"] == 5
    with pytest.raises(KeyError, match=r"not a pg\.Data variable"):
        pg.set_data({"beta": 1.0}, model=m)
    with pytest.raises(ValueError, match="give coords"):
        pg.set_data({"x": np.ones(2)}, model=m)


def test_transform_none_gives_the_plain_logp() -> None:
    with pg.Model() as m:
        pg.HalfNormal("s", 2.0, transform=None)
    assert [v.name for v in m.value_vars] == ["s"]
    np.testing.assert_allclose(m.compile_logp()({"s": 1.5}), st.halfnorm.logpdf(1.5, scale=2.0))
    assert m.compile_logp()({"s": -1.0}) == -np.inf


@pytest.mark.parametrize(
    "make",
    [
        lambda: pg.Uniform("v", 2.0, 5.0, shape=2),
        lambda: pg.Beta("v", 2.0, 3.0),
        lambda: pg.Gamma("v", 2.0, 3.0),
        lambda: pg.HalfCauchy("v", 1.0),
        lambda: pg.VonMises("v", 1.0, 2.0),
        lambda: pg.Poisson("v", 3.5),
        lambda: pg.Exponential("v", 0.5, shape=3),
        lambda: pg.TruncatedNormal("v", 0.0, 1.0, lower=1.0),
    ],
)
def test_initial_point_is_inside_the_support(make: object) -> None:
    with pg.Model() as m:
        make()  # type: ignore[operator]
    point = m.initial_point()
    assert np.all(np.isfinite(m.compile_logp(sum=False)(point)[0]))


def test_initval_and_jitter() -> None:
    with pg.Model() as m:
        pg.Normal("a", 0.0, 1.0, initval=0.25)
        pg.HalfNormal("s", 1.0, initval=2.0, shape=2)
    point = m.initial_point()
    np.testing.assert_allclose(point["a"], 0.25)
    np.testing.assert_allclose(point["s_log__"], np.log([2.0, 2.0]))
    j1, j2 = m.initial_point(random_seed=3, jitter=1.0), m.initial_point(random_seed=3, jitter=1.0)
    np.testing.assert_array_equal(j1["s_log__"], j2["s_log__"])
    assert 0 < np.abs(j1["a"] - 0.25) < 1
    with pg.Model() as bad:
        pg.Normal("a", 0.0, 1.0, shape=2, initval=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="initval has shape"):
        bad.initial_point()


def test_initial_point_uses_parents_start() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 5.0, 1.0)
        pg.Normal("x", mu, 1.0, shape=2)
    np.testing.assert_allclose(m.initial_point()["x"], [5.0, 5.0])


def test_total_size_scales_the_observed_term() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.Normal("y", mu, 1.0, observed=[0.0, 1.0], total_size=10)
    want = st.norm.logpdf(0.0) + 5 * st.norm.logpdf([0.0, 1.0]).sum()
    np.testing.assert_allclose(m.compile_logp()({"mu": 0.0}), want)


def test_point_logps_and_debug() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 1.0)
        pg.Normal("x", 0.0, s, shape=2)
        pg.HalfNormal("h", 1.0, transform=None)
    logps = m.point_logps({"s": 1.0, "x": np.zeros(2), "h": 0.5})
    assert logps == {
        "s": round(st.norm.logpdf(1.0, 1.0), 2),
        "x": round(2 * st.norm.logpdf(0.0), 2),
        "h": round(st.halfnorm.logpdf(0.5), 2),
    }
    text = m.debug({"s": -1.0, "x": np.zeros(2), "h": -0.5}, file="str")
    assert text is not None
    assert "x ~ N(0, s): logp is -inf" in text and "failing check: x: sigma > 0" in text
    assert "scale = -1.0" in text
    assert "h ~ N**+(0, 1): logp is -inf" in text and "outside the support" in text
    assert "s ~" not in text
    ok = m.debug({"s": 1.0, "x": np.zeros(2), "h": 0.5}, file="str")
    assert ok is not None and "every log-density term is finite" in ok


def test_compiled_point_function_is_pure_jax() -> None:
    with pg.Model() as m:
        pg.Normal("x", 0.0, 1.0, shape=2)
    f = m.compile_logp()
    fn = jax.jit(f.jax_fn)
    with jax.enable_x64(True):
        got = fn({"x": np.array([0.0, 1.0])})
        batch = jax.vmap(f.jax_fn)({"x": np.zeros((3, 2))})
    np.testing.assert_allclose(got, st.norm.logpdf([0.0, 1.0]).sum())
    assert batch.shape == (3,)


def test_logp_graphs_are_cached_until_the_model_changes() -> None:
    with pg.Model() as m:
        pg.Normal("x", 0.0, 1.0)
    first = m.logp()
    assert m.logp() is first
    f = m.compile_logp()
    assert m.compile_logp().function._c is f.function._c
    with m:
        pg.Normal("y", 0.0, 1.0)
    assert m.logp() is not first


def test_interval_bounds_that_depend_on_other_variables() -> None:
    with pg.Model() as m:
        lo = pg.Normal("lo", 0.0, 1.0)
        pg.Uniform("x", lo, lo + 2.0, shape=2)
    assert str(m).splitlines()[1] == " x ~ U(lo, f(lo))"
    y = np.array([0.0, 1.0])
    x = 0.5 + 2.0 / (1.0 + np.exp(-y))
    jac = np.log(2.0) - np.log1p(np.exp(-y)) - np.log1p(np.exp(y))
    want = st.norm.logpdf(0.5) + st.uniform.logpdf(x, 0.5, 2.0).sum() + jac.sum()
    np.testing.assert_allclose(m.compile_logp()({"lo": 0.5, "x_interval__": y}), want)
    point = m.initial_point()
    assert np.isfinite(m.compile_logp()(point))
    np.testing.assert_allclose(m.compile_fn(m["x"])(point), [1.0, 1.0])


def test_logp_vars_by_name() -> None:
    with pg.Model() as m:
        pg.Normal("a", 0.0, 1.0)
        pg.HalfNormal("s", 1.0)
    by_value = m.compile_logp(vars=["s_log__"])({"a": 0.0, "s_log__": 0.0})
    by_rv = m.compile_logp(vars=["s"])({"a": 0.0, "s_log__": 0.0})
    np.testing.assert_allclose(by_value, st.halfnorm.logpdf(1.0))
    np.testing.assert_allclose(by_rv, by_value)
