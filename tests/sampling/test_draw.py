"""``pg.draw``: shapes, joint (ancestral) draws, seeds, one vectorized call."""

from __future__ import annotations

import importlib
from typing import Any

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt

# ``ppgraph.sampling.draw`` the function hides the module of the same name.
draw_module = importlib.import_module("ppgraph.sampling.draw")


def test_shapes() -> None:
    x = pg.Normal.dist(0.0, 1.0, size=(2, 3))
    assert pg.draw(x, draws=5, random_seed=0).shape == (5, 2, 3)
    assert pg.draw(x, random_seed=0).shape == (2, 3)
    assert pg.draw(pg.Normal.dist(0.0, 1.0), random_seed=0).shape == ()
    a, b = pg.draw([x, pg.HalfNormal.dist(1.0)], draws=4, random_seed=0)
    assert (a.shape, b.shape) == ((4, 2, 3), (4,))


def test_a_list_is_drawn_jointly() -> None:
    x = pg.Normal.dist(0.0, 1.0)
    y = pg.Normal.dist(x, 0.01)
    xs, ys = pg.draw([x, y], draws=2000, random_seed=1)
    assert np.abs(ys - xs).max() < 0.06
    assert xs.std() > 0.5  # and x itself varies from draw to draw
    # A deterministic function of the parent sees the same draw too.
    xs2, doubled = pg.draw([x, 2.0 * x], draws=10, random_seed=1)
    np.testing.assert_array_equal(doubled, 2.0 * xs2)


def test_draws_are_independent_and_normal() -> None:
    x = pg.Normal.dist(1.0, 2.0, size=3)
    draws = pg.draw(x, draws=3000, random_seed=2)
    for j in range(3):
        assert st.kstest(draws[:, j], st.norm(1.0, 2.0).cdf).pvalue > 0.01
    assert abs(np.corrcoef(draws[:, 0], draws[:, 1])[0, 1]) < 0.06


@pytest.mark.parametrize(
    "seed",
    [
        7,
        np.int64(7),
        lambda: np.random.default_rng(7),
        lambda: jax.random.key(7),
        lambda: jax.random.PRNGKey(7),
    ],
)
def test_a_seed_makes_draws_reproducible(seed: Any) -> None:
    x = pg.Normal.dist(0.0, 1.0, size=4)
    make = seed if callable(seed) else (lambda: seed)
    first, second = pg.draw(x, draws=3, random_seed=make()), pg.draw(x, draws=3, random_seed=make())
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, pg.draw(x, draws=3, random_seed=8))


def test_without_a_seed_each_call_differs() -> None:
    x = pg.Normal.dist(0.0, 1.0)
    assert not np.array_equal(pg.draw(x, draws=3), pg.draw(x, draws=3))


def test_one_jitted_call_whatever_the_number_of_draws(monkeypatch: Any) -> None:
    calls: list[int] = []
    build = draw_module._build

    def counting_build(*args: Any) -> Any:
        fn, shared = build(*args)

        def counted(*a: Any) -> Any:
            calls.append(1)
            return fn(*a)

        return counted, shared

    monkeypatch.setattr(draw_module, "_build", counting_build)
    monkeypatch.setattr(draw_module, "_cache", type(draw_module._cache)())
    x = pg.Normal.dist(0.0, 1.0)
    y = pg.Normal.dist(x, 1.0)
    pg.draw([x, y], draws=1000, random_seed=0)
    assert len(calls) == 1


def test_float32() -> None:
    with pg.config.change_flags(floatX="float32"):
        x = pg.Normal.dist(0.0, 1.0)
        y = pg.HalfNormal.dist(pt.exp(x))
        xs, ys = pg.draw([x, y], draws=100, random_seed=0)
    assert xs.dtype == ys.dtype == np.float32
    assert (ys >= 0).all()


def test_shared_values_are_read_at_call_time() -> None:
    mu = pt.shared(np.array(0.0), name="mu")
    x = pg.Normal.dist(mu, 0.001)
    assert abs(pg.draw(x, random_seed=0)) < 0.01
    mu.set_value(np.array(5.0))
    assert abs(pg.draw(x, random_seed=0) - 5.0) < 0.01


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"draws": 0}, ValueError),
        ({"draws": 2.5}, ValueError),
        ({"draws": True}, ValueError),
        ({"random_seed": "seed"}, TypeError),
        ({"random_seed": -1}, ValueError),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        pg.draw(pg.Normal.dist(0.0, 1.0), **kwargs)


def test_not_a_variable() -> None:
    with pytest.raises(TypeError, match="variable"):
        pg.draw([pg.Normal.dist(0.0, 1.0), 3.0])
