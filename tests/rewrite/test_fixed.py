"""Conditions on fixed data decided at compile time (``rewrite/fixed.py``): the
rewritten graph computes what the unrewritten one does, conditions with a False
element stay, and a model's observed data loses its per-row support checks while
a ``pg.Data`` container keeps them."""

from __future__ import annotations

from typing import Any

import jax
import jax.extend
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.rewrite.fixed import FIXED, is_fixed
from ppgraph.tensor.check import Check
from tests.rewrite.util import eager, ops, rewritten

N = 50


def fixed(values: Any, dtype: str = "float64") -> Any:
    data = pt.shared(np.asarray(values, dtype=dtype), name="data")
    data.tag[FIXED] = True
    return data


def both(inputs: list[Any], out: Any, *values: Any) -> tuple[np.ndarray, np.ndarray]:
    """The unrewritten graph op by op, and the rewritten one jitted."""
    return eager(inputs, out, *values), pg.function(inputs, out)(*values)


def test_a_where_on_fixed_data_that_holds_everywhere_is_its_true_branch() -> None:
    rng = np.random.default_rng(0)
    y, mu = fixed(rng.uniform(0.0, 3.0, N)), pt.vector("mu")
    out = pt.where((y >= 0) & pt.eq(pt.floor(y * 0.0), 0.0), mu * y, -np.inf)
    new, trace = rewritten(out, [mu])
    assert "where_fixed_true" in trace and "Elemwise{where}" not in ops(new)
    before, after = both([mu], out, rng.normal(size=N))
    np.testing.assert_array_equal(after, before)


def test_the_true_branch_is_broadcast_to_the_output() -> None:
    y, s = fixed(np.arange(1.0, 6.0)), pt.scalar("s")
    out = pt.where(y > 0, s, -np.inf)  # a scalar branch, a vector output
    new, trace = rewritten(out, [s])
    assert "where_fixed_true" in trace and new.type.shape == (5,)
    before, after = both([s], out, 2.5)
    np.testing.assert_array_equal(before, np.full(5, 2.5))
    np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize("bad", [np.nan, -1.0, np.inf])
def test_a_condition_with_a_false_element_is_left_alone(bad: float) -> None:
    values = np.linspace(0.0, 2.0, 7)
    values[3] = bad
    y, mu = fixed(values), pt.scalar("mu")
    out = pt.where(pt.isfinite(y) & (y >= 0), mu * y, -np.inf)
    new, trace = rewritten(out, [mu])
    assert "where_fixed_true" not in trace and "Elemwise{where}" in ops(new)
    before, after = both([mu], out, 1.5)
    assert after[3] == -np.inf
    np.testing.assert_array_equal(after, before)


def test_a_condition_on_an_input_or_on_unfixed_data_is_left_alone() -> None:
    mu = pt.vector("mu")
    data = pt.shared(np.ones(4), name="data")  # not fixed: set_value may change it
    assert not is_fixed(data)
    for cond in ((fixed(np.ones(4)) + mu) > 0, data > 0):
        _, trace = rewritten(pt.where(cond, mu, -np.inf), [mu])
        assert "where_fixed_true" not in trace
    f = pg.function([mu], pt.where(data > 0, mu, -np.inf))
    data.set_value(-np.ones(4))
    np.testing.assert_array_equal(f(np.zeros(4)), np.full(4, -np.inf))


def test_a_check_loses_only_the_conditions_that_hold_on_fixed_data() -> None:
    y, s = fixed([1.0, 2.0, 3.0]), pt.scalar("s")
    checked = Check("y > 0, s > 0", var="v", nan=("s",))(
        pt.sum(y) * s, pt.all(y > 0), s > 0, ~pt.isnan(s)
    )
    new, trace = rewritten(checked, [s])
    assert "check_fixed_true" in trace
    assert new.owner is not None and isinstance(new.owner.op, Check)
    assert len(new.owner.inputs) == 3 and new.owner.op.nan == ("s",)
    f = pg.function([s], checked)
    assert f(2.0) == 12.0
    with pytest.raises(pg.ParameterValueError, match="v: y > 0, s > 0"):
        f(-1.0)
    with pytest.raises(pg.ParameterValueError, match="v: s is NaN"):
        f(np.nan)
    # every condition on fixed data: no Check left
    only, _ = rewritten(pt.check(pt.sum(y) * s, y > 0, msg="y > 0"), [s])
    assert not any(op.startswith("Check") for op in ops(only))


def test_a_check_on_fixed_data_that_fails_still_raises() -> None:
    y, s = fixed([1.0, -2.0]), pt.scalar("s")
    out = pt.check(pt.sum(y) * s, y > 0, msg="y > 0")
    assert "Check{y > 0}" in ops(rewritten(out, [s])[0])
    with pytest.raises(pg.ParameterValueError, match="y > 0"):
        pg.function([s], out)(1.0)


# --- models: the observed data's support checks leave the compiled function ---


def _per_row_ops(fn: Any, position: Any, rows: int) -> set[str]:
    """The primitives of the traced log-density (data as arguments) whose output
    has ``rows`` elements."""
    found: set[str] = set()

    def walk(jaxpr: Any) -> None:
        for eqn in jaxpr.eqns:
            if any(getattr(v.aval, "size", 0) == rows for v in eqn.outvars):
                found.add(eqn.primitive.name)
            for sub in jax.extend.core.jaxprs_in_params(eqn.params):
                walk(sub)

    with jax.enable_x64(True):
        closed = jax.make_jaxpr(fn.apply)(position, tuple(fn.data))
    walk(closed.jaxpr)
    return found


# The support checks each model had on its observed data (the Poisson's xlogy
# compares mu <= 0 itself, as SciPy's and NumPyro's do: that one stays).
SUPPORT_CHECKS = {
    "bernoulli": {"ge", "le", "is_finite"},
    "poisson": {"ge", "is_finite", "floor"},
    "normal": {"is_finite"},
}


def _models() -> dict[str, tuple[Any, Any]]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=N)
    y_b = (rng.uniform(size=N) < 0.4).astype(np.int64)
    y_p = rng.poisson(2.0, size=N).astype(np.float64)  # whole floats, stored as ints
    y_n = rng.normal(1.0, 2.0, size=N)

    def bern(obs: Any) -> Any:
        a = pg.Normal("a", 0.0, 1.0)
        pg.Bernoulli("y", logit_p=a + x, observed=obs)

    def pois(obs: Any) -> Any:
        a = pg.Normal("a", 0.0, 1.0)
        pg.Poisson("y", pt.exp(a + 0.1 * x), observed=obs)

    def norm(obs: Any) -> Any:
        a = pg.Normal("a", 0.0, 1.0)
        pg.Normal("y", a + x, 2.0, observed=obs)

    return {"bernoulli": (bern, y_b), "poisson": (pois, y_p), "normal": (norm, y_n)}


def _oracle(kind: str, a: float, obs: np.ndarray) -> float:
    x = np.random.default_rng(1).normal(size=N)
    prior = st.norm.logpdf(a)
    if kind == "bernoulli":
        return prior + st.bernoulli.logpmf(obs, 1 / (1 + np.exp(-(a + x)))).sum()
    if kind == "poisson":
        return prior + st.poisson.logpmf(obs, np.exp(a + 0.1 * x)).sum()
    return prior + st.norm.logpdf(obs, a + x, 2.0).sum()


@pytest.mark.parametrize("kind", ["bernoulli", "poisson", "normal"])
def test_observed_data_support_checks_are_gone_and_the_density_is_unchanged(kind: str) -> None:
    build, obs = _models()[kind]
    with pg.Model() as m:
        build(obs)
    fn, position = pg.logdensity(m)
    assert not _per_row_ops(fn, position, N) & SUPPORT_CHECKS[kind]
    with jax.enable_x64(True):
        got = float(fn({"a": np.float64(0.3)}))
    np.testing.assert_allclose(got, _oracle(kind, 0.3, obs), rtol=1e-10)


@pytest.mark.parametrize("kind", ["bernoulli", "poisson"])
def test_data_containers_keep_their_support_checks(kind: str) -> None:
    build, obs = _models()[kind]
    with pg.Model() as m:
        build(pg.Data("d", obs.astype(np.int64)))
    fn, position = pg.logdensity(m)
    assert "ge" in _per_row_ops(fn, position, N)
    point = {"a": np.float64(0.3)}
    with jax.enable_x64(True):
        np.testing.assert_allclose(float(fn(point)), _oracle(kind, 0.3, obs), rtol=1e-10)
    bad = obs.astype(np.int64).copy()
    bad[2] = -1 if kind == "poisson" else 2  # out of the support
    pg.set_data({"d": bad}, model=m)
    with jax.enable_x64(True):
        assert float(fn(point)) == -np.inf
    assert m.compile_logp()(point) == -np.inf


SPECIAL = [np.nan, -np.inf, np.inf, -2.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.0]


@pytest.mark.parametrize(
    "build",
    [
        lambda y: y >= 0.5, lambda y: y > 0.5, lambda y: y <= 0.5, lambda y: y < 0.5,
        lambda y: pt.eq(y, 2.5), lambda y: pt.neq(y, 2.5), lambda y: (y > 0) & (y < 2),
        lambda y: (y > 0) | pt.isnan(y), lambda y: ~pt.isinf(y), lambda y: pt.isfinite(y),
        lambda y: pt.eq(pt.floor(y), y), lambda y: pt.eq(pt.ceil(y), pt.round(y)),
        lambda y: pt.all(y > -3), lambda y: pt.any(pt.isnan(y)),
        lambda y: pt.eq(pt.cast(pt.cast(y > 0, "int64"), "float64"), 1.0),
        lambda y: pt.cast(y, "int32") > 0,  # float -> int: computed by JAX
        lambda y: pt.eq(pt.cast(y > 0, "int64") & pt.cast(y < 2, "int64"), 1),  # bitwise
        lambda y: pt.eq(~pt.cast(y > 0, "int64"), -2),
    ],
)  # fmt: skip
def test_conditions_are_evaluated_as_the_compiled_function_does(build: Any) -> None:
    from ppgraph.rewrite.fixed import FixedValues

    y = fixed(SPECIAL)
    cond = build(y)
    got = FixedValues().value(cond)
    want = pg.function([], cond, rewrite=False)()
    assert got.dtype == want.dtype == np.bool_
    np.testing.assert_array_equal(got, want)


def test_bernoulli_checks_after_the_rewrites_still_report_what_failed() -> None:
    y = np.array([0, 1, 1, 0, 1])
    with pg.Model() as m:
        a = pg.Normal("a", 0.0, 1.0)
        pg.Bernoulli("y", logit_p=a + np.linspace(-1.0, 1.0, 5), observed=y)
    f = m.compile_logp()
    p = 1 / (1 + np.exp(-(0.2 + np.linspace(-1.0, 1.0, 5))))
    np.testing.assert_allclose(f({"a": 0.2}), st.norm.logpdf(0.2) + st.bernoulli.logpmf(y, p).sum())
    with pytest.raises(pg.ParameterValueError, match="y: p is NaN"):
        f({"a": np.nan})
    # with p given directly, the range Check stays and says which condition failed
    q = pt.scalar("q")
    out = pg.logp(pg.Bernoulli.dist(p=q), y)
    assert "Check{0 <= p <= 1}" in ops(rewritten(out, [q])[0])
    g = pg.function([q], out)
    np.testing.assert_allclose(g(0.3), st.bernoulli.logpmf(y, 0.3))
    with pytest.raises(pg.ParameterValueError, match="0 <= p <= 1"):
        g(1.5)
    with pytest.raises(pg.ParameterValueError, match="p is NaN"):
        g(np.nan)
