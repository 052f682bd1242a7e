"""Compiled functions pickle with the standard ``pickle`` (they are rebuilt from
their graph when unpickled), so they can go to worker processes: the values
after a round trip, and in a ``multiprocessing`` worker started with spawn,
are the values before (and scipy's)."""

from __future__ import annotations

import multiprocessing
import pickle
from typing import Any

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt

Y = [0.5, -0.3, 1.2]


def _model() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        s = pg.HalfNormal("s", 2.0)
        x = pg.Data("x", [1.0, 2.0, 3.0])
        pg.Normal("y", mu * x, s, observed=Y)
    return m


POINT = {"mu": 0.4, "s_log__": np.log(1.5)}


def _want() -> float:
    mu, s = 0.4, 1.5
    return float(st.norm(0, 1).logpdf(mu) + st.halfnorm(scale=2).logpdf(s) + np.log(s)
                 + st.norm(mu * np.array([1.0, 2.0, 3.0]), s).logpdf(Y).sum())  # fmt: skip


def test_compile_logp_round_trip() -> None:
    m = _model()
    f = m.compile_logp()
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g(POINT), _want(), rtol=1e-12)
    np.testing.assert_allclose(g(POINT), f(POINT), rtol=0)
    d = pickle.loads(pickle.dumps(m.compile_dlogp()))
    np.testing.assert_allclose(d(POINT), m.compile_dlogp()(POINT), rtol=1e-12)
    # the check mode goes along: an invalid parameter still raises
    with pg.Model() as bad:
        pg.Normal("z", 0.0, -1.0)
    h = pickle.loads(pickle.dumps(bad.compile_logp()))
    with pytest.raises(pg.ParameterValueError, match="z: sigma > 0"):
        h({"z": 0.0})


def test_function_round_trip() -> None:
    a, b = pt.vector("a"), pt.scalar("b")
    f = pg.function([a, b], [pt.log1p(pt.exp(a)) * b, a.sum()])
    g = pickle.loads(pickle.dumps(f))
    out = g(a=[0.0, 1.0], b=2.0)
    np.testing.assert_allclose(out[0], 2.0 * np.log1p(np.exp([0.0, 1.0])), rtol=1e-12)
    np.testing.assert_allclose(out[1], 1.0)
    assert [v.name for v in g.inputs] == ["a", "b"]


def test_logdensity_round_trip() -> None:
    fn, _ = pg.logdensity(_model())
    again = pickle.loads(pickle.dumps(fn))
    with jax.enable_x64(True):
        np.testing.assert_allclose(float(again(POINT)), _want(), rtol=1e-12)
        g = jax.grad(again)(POINT)
        np.testing.assert_allclose(float(g["mu"]), float(jax.grad(fn)(POINT)["mu"]), rtol=1e-12)


def _worker(payload: bytes) -> list[Any]:
    f, fn, point = pickle.loads(payload)
    with jax.enable_x64(True):
        return [float(f(point)), float(fn(point))]


def test_in_a_spawned_worker_process() -> None:
    m = _model()
    payload = pickle.dumps((m.compile_logp(), pg.logdensity(m)[0], POINT))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        got = pool.apply(_worker, (payload,))
    np.testing.assert_allclose(got, [_want(), _want()], rtol=1e-12)
