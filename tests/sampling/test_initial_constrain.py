"""pg.initial_positions (chain axis, jitter, initvals, the invalid-start error) and
pg.constrain (chunked, vmappable, deterministics)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ppgraph as pg
from tests.sampling.models import eight_schools, random_points


def test_initial_positions_have_a_chain_axis_and_bounded_jitter() -> None:
    m = eight_schools()
    start = m.initial_point()
    pos = pg.initial_positions(m, chains=6, random_seed=3, jitter=0.5)
    assert {k: v.shape for k, v in pos.items()} == {
        "mu": (6,), "tau_log__": (6,), "theta_t": (6, 8)
    }  # fmt: skip
    for k, v in pos.items():
        diff = v - start[k]
        assert np.all(np.abs(diff) < 0.5) and np.std(diff) > 0.05
    again = pg.initial_positions(m, chains=6, random_seed=3, jitter=0.5)
    assert all(np.array_equal(pos[k], again[k]) for k in pos)
    same = pg.initial_positions(m, chains=2, jitter=0.0)
    assert np.array_equal(same["theta_t"], np.zeros((2, 8)))


@pytest.mark.parametrize(
    "seed",
    [jax.random.key(5), jax.random.PRNGKey(5), np.random.default_rng(5), [5, 6]],
    ids=["typed key", "raw key", "numpy generator", "ints (as pg.sample passes)"],
)
def test_initial_positions_take_every_kind_of_seed(seed: object) -> None:
    m = eight_schools()
    start = m.initial_point()
    pos = pg.initial_positions(m, chains=3, random_seed=seed, jitter=0.5)
    diff = pos["theta_t"] - start["theta_t"]
    assert np.all(np.abs(diff) < 0.5) and np.std(diff) > 0.05
    if not isinstance(seed, np.random.Generator):  # a key gives the same jitter each time
        again = pg.initial_positions(m, chains=3, random_seed=seed, jitter=0.5)
        assert np.array_equal(pos["theta_t"], again["theta_t"])


def test_initial_positions_reject_a_bad_seed() -> None:
    with pytest.raises(TypeError, match="random_seed must be"):
        pg.initial_positions(eight_schools(), chains=2, random_seed="zero")
    with pytest.raises(ValueError, match="random_seed must be non-negative"):
        pg.initial_positions(eight_schools(), chains=2, random_seed=-1)


def test_initvals_by_variable_or_value_name_and_per_chain() -> None:
    with pg.Model() as m:
        lo = pg.Normal("lo", 0.0, 1.0)
        pg.Uniform("u", lo, lo + 4.0)
        pg.HalfNormal("s", 1.0, shape=2)
    pos = pg.initial_positions(m, chains=2, jitter=0.0, initvals={"lo": 1.0, "u": 4.0, "s": 2.0})
    np.testing.assert_allclose(pos["lo"], [1.0, 1.0])
    np.testing.assert_allclose(pos["u_interval__"], [np.log(3.0 / 1.0)] * 2)  # (4-1)/(5-4)
    np.testing.assert_allclose(pos["s_log__"], np.log(2.0) * np.ones((2, 2)))
    per_chain = [{"s_log__": [0.0, 1.0]}, {"s": [3.0, 4.0]}]
    pos = pg.initial_positions(m, chains=2, jitter=0.0, initvals=per_chain)
    np.testing.assert_allclose(pos["s_log__"], [[0.0, 1.0], np.log([3.0, 4.0])])
    with pytest.raises(KeyError, match="'nope' is not a free variable"):
        pg.initial_positions(m, chains=2, initvals={"nope": 1.0})
    with pytest.raises(ValueError, match="one dict per chain \\(3\\)"):
        pg.initial_positions(m, chains=3, initvals=per_chain)
    with pytest.raises(ValueError, match="s has shape \\(3,\\)"):
        pg.initial_positions(m, chains=1, initvals={"s": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="outside its support"):
        pg.initial_positions(m, chains=1, initvals={"s": -1.0})


def test_an_invalid_start_is_explained_naming_the_variable() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", -1.0, 0.1)  # starts at -1: a negative sigma below
        pg.Normal("y", 0.0, s, observed=[1.0])
    with pytest.raises(pg.SamplingError, match=r"(?s)chain 0.*y ~ .*sigma > 0"):
        pg.initial_positions(m, chains=2, jitter=0.5)


def test_a_bad_jittered_start_is_retried() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 0.1)  # jitter 2 often makes s negative
        pg.Normal("y", 0.0, s, observed=[1.0])
    pos = pg.initial_positions(m, chains=50, random_seed=0, jitter=2.0)
    assert np.all(pos["s"] > 0) and len(np.unique(pos["s"])) > 10


def test_constrain_free_variables_and_deterministics() -> None:
    m = eight_schools()
    raw = {k: v.reshape(3, 4, *v.shape[1:]) for k, v in random_points(m, 12, seed=4).items()}
    out = pg.constrain(raw, model=m)
    assert list(out) == ["mu", "tau", "theta_t", "theta"]
    np.testing.assert_allclose(out["tau"], np.exp(raw["tau_log__"]), rtol=1e-14)
    theta = raw["mu"][..., None] + np.exp(raw["tau_log__"])[..., None] * raw["theta_t"]
    np.testing.assert_allclose(out["theta"], theta, rtol=1e-13)
    chunked = pg.constrain(raw, model=m, chunk_size=5)  # 12 draws: 5 + 5 + 2 (padded)
    assert all(np.array_equal(out[k], chunked[k]) for k in out)
    one = pg.constrain({k: v[1, 2] for k, v in raw.items()}, model=m, var_names=["theta"])
    np.testing.assert_allclose(one["theta"], theta[1, 2], rtol=1e-13)
    with jax.enable_x64(True):
        traced = jax.jit(jax.vmap(lambda p: pg.constrain(p, model=m)))(
            {k: jnp.asarray(v[0]) for k, v in raw.items()}
        )
    np.testing.assert_allclose(traced["theta"], theta[0], rtol=1e-13)
    with pytest.raises(KeyError, match="no value for \\['theta_t'\\]"):
        pg.constrain({"mu": 0.0, "tau_log__": 0.0}, model=m)
    with pytest.raises(KeyError, match="unknown var_names \\['tau_log__'\\]"):
        pg.constrain(raw, model=m, var_names=["tau_log__"])
    with pytest.raises(ValueError, match="do not share leading"):
        pg.constrain({**raw, "mu": raw["mu"][0]}, model=m)
