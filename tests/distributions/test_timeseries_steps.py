"""Time series whose ``steps`` (or ``shape``) is symbolic, as PyMC allows: a
length computed from a ``pg.Data``'s shape is read when the series is built
(XLA compiles for static shapes); one that depends on inputs is an error."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt


def test_steps_and_shape_from_a_data_length() -> None:
    obs = np.random.default_rng(0).normal(size=12).cumsum()
    with pg.Model() as model:
        d = pg.Data("d", obs)
        sigma = pg.HalfNormal("sigma", 1.0)
        walk = pg.GaussianRandomWalk(
            "walk", sigma=sigma, init_dist=pg.Normal.dist(0.0, 2.0), steps=d.shape[0] - 1
        )
        ar = pg.AR("ar", rho=[0.5, -0.2], init_dist=pg.Normal.dist(), shape=(3, d.shape[0]))
        garch = pg.GARCH11.dist(0.1, 0.2, 0.3, 1.0, shape=(d.shape[0],))
    assert walk.type.shape == (12,) and ar.type.shape == (3, 12) and garch.type.shape == (12,)
    point = model.initial_point() | {"walk": obs, "sigma_log__": np.log(0.7)}
    got = model.compile_logp(sum=False)(point)[1]
    # the walk's density, a NumPy loop: init, then each difference
    want = stats.norm(0, 2).logpdf(obs[0])
    for t in range(1, 12):
        want += stats.norm(obs[t - 1], 0.7).logpdf(obs[t])
    assert got == pytest.approx(want, rel=1e-12)
    assert pg.draw(walk, draws=2, random_seed=0).shape == (2, 12)


def test_steps_that_depend_on_inputs_are_errors() -> None:
    n = pt.scalar("n", dtype="int64")
    with pytest.raises(TypeError, match=r"GaussianRandomWalk: steps must be known when"):
        pg.GaussianRandomWalk.dist(init_dist=pg.Normal.dist(), steps=n)
    with pytest.raises(TypeError, match=r"AR: shape must be known when"):
        pg.AR.dist(rho=[0.5], init_dist=pg.Normal.dist(), shape=(n + 1,))
    with pytest.raises(TypeError, match="steps must be an int scalar"):
        pg.GARCH11.dist(0.1, 0.2, 0.3, 1.0, steps=pt.constant(2.5))
    # a constant is an int known now
    x = pg.EulerMaruyama.dist(dt=0.1, sde_fn=lambda x: (-x, 1.0), sde_pars=(),
                              init_dist=pg.Normal.dist(), steps=pt.constant(4))  # fmt: skip
    assert x.type.shape == (5,)
