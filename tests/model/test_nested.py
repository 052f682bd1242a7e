"""Models inside models, as in PyMC 5: an unnamed inner model is part of the
outer one (its variables count in the outer log-density); a named one is a
namespace (``"name::x"``); a name used twice across nested models is an error."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt


def test_unnamed_inner_model_adds_to_the_parent() -> None:
    with pg.Model() as outer:
        mu = pg.Normal("mu", 0.0, 1.0)
        with pg.Model() as inner:
            pg.Normal("y", mu, 2.0, observed=[0.5, 1.5])
            z = pg.Normal("z", mu, 3.0)
    assert inner.parent is outer and inner.root is outer
    assert [v.name for v in outer.free_RVs] == ["mu", "z"]
    assert [v.name for v in outer.observed_RVs] == ["y"]
    assert outer["z"] is z and inner["z"] is z
    point = {"mu": 0.3, "z": -1.0}
    want = (st.norm(0, 1).logpdf(0.3) + st.norm(0.3, 2).logpdf([0.5, 1.5]).sum()
            + st.norm(0.3, 3).logpdf(-1.0))  # fmt: skip
    np.testing.assert_allclose(outer.compile_logp()(point), want, rtol=1e-12)


def test_named_inner_models_are_namespaces() -> None:
    with pg.Model() as outer:
        pg.Normal("x", 0.0, 1.0)
        with pg.Model(name="a") as a:
            pg.Normal("x", 0.0, 1.0)
            with pg.Model(name="b") as b:
                s = pg.HalfNormal("s", 1.0)
            with pg.Model():  # unnamed inside a named one: a's namespace
                pg.Normal("w", 0.0, 1.0)
    names = [v.name for v in outer.free_RVs]
    assert names == ["x", "a::x", "a::b::s", "a::w"]
    assert [v.name for v in outer.value_vars] == ["x", "a::x", "a::b::s_log__", "a::w"]
    assert b["s"] is s and a["b::s"] is s and outer["a::b::s"] is s


def test_a_named_outermost_model_prefixes_its_variables() -> None:
    # PyMC: with pm.Model(name="m"): pm.Normal("x") is named "m::x"
    with pg.Model(name="m") as m:
        pg.Normal("x", 0.0, 1.0)
    assert [v.name for v in m.free_RVs] == ["m::x"] and m["x"] is m["m::x"]


def test_a_name_used_twice_across_nested_models_is_an_error() -> None:
    with pg.Model():
        pg.Normal("x", 0.0, 1.0)
        with pg.Model(), pytest.raises(ValueError, match="already has a variable named 'x'"):
            pg.Normal("x", 0.0, 1.0)
    with pg.Model():
        with pg.Model():
            pg.Deterministic("d", pt.constant(1.0))
        with pytest.raises(ValueError, match="already has a variable named 'd'"):
            pg.Normal("d", 0.0, 1.0)
