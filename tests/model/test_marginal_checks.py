"""Checks in a marginal model (``pg.marginalize``): a condition that involves the
summed value is applied in the -inf mode inside the sum (an impossible value
of the discrete variable adds nothing, whatever the function's check mode); a
condition that does not involve it guards the whole term, so raise mode and
``model.debug`` still name the variable and the condition.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError


def scale_model() -> pg.Model:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 1.0)  # no transform: it can be negative
        z = pg.Bernoulli("z", p=0.3)
        pg.Normal("y", 2.0 * z, s, observed=[1.0, 2.5])
    return m


def test_a_check_on_the_summed_value_is_minus_inf_inside_the_sum() -> None:
    """sigma = [1, -1][z]: z = 1 is impossible, so the marginal is the z = 0 term
    alone, in raise mode too, and under jit."""
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        z = pg.Categorical("z", p=[0.4, 0.6])
        pg.Normal("y", mu, pt.as_tensor_variable(np.array([1.0, -1.0]))[z], observed=[0.3])
    mm = pg.marginalize(m)
    want = np.log(0.4) + st.norm.logpdf(0.3, 0.1, 1.0) + st.norm.logpdf(0.1)
    np.testing.assert_allclose(mm.compile_logp()({"mu": 0.1}), want, rtol=1e-12)
    fn, _ = pg.logdensity(mm)
    with jax.enable_x64(True):
        np.testing.assert_allclose(jax.jit(fn)({"mu": 0.1}), want, rtol=1e-12)
    assert "every log-density term is finite" in str(mm.debug({"mu": 0.1}, file="str"))
    with pytest.raises(ParameterValueError, match=r"y: sigma > 0"):  # the original model
        m.compile_logp()({"mu": 0.1, "z": 1})


def test_other_checks_still_name_the_variable() -> None:
    mm = pg.marginalize(scale_model())
    with pytest.raises(ParameterValueError, match=r"y: sigma > 0"):
        mm.compile_logp()({"s": -1.0})
    with pytest.raises(ParameterValueError, match=r"y: sigma is NaN"):
        mm.compile_logp()({"s": np.nan})
    assert mm.compile_logp(check_mode="-inf")({"s": -1.0}) == -np.inf
    text = str(mm.debug({"s": -1.0}, file="str"))
    assert "y ~ N" in text and "failing check: y: sigma > 0" in text
    # at a valid point the marginal is the two-term mixture
    s = 1.3
    mix = np.logaddexp(np.log(0.7) + st.norm.logpdf([1.0, 2.5], 0.0, s).sum(),
                       np.log(0.3) + st.norm.logpdf([1.0, 2.5], 2.0, s).sum())  # fmt: skip
    want = mix + st.norm.logpdf(s, 1.0, 1.0)
    np.testing.assert_allclose(mm.compile_logp()({"s": s}), want, rtol=1e-12)


def test_pure_function_under_jit_and_vmap_gives_minus_inf() -> None:
    """The pure JAX function cannot raise: the failing row is -inf, the other the
    mixture; the compiled function raises for the same point."""
    f = pg.marginalize(scale_model()).compile_logp()
    with jax.enable_x64(True):
        out = np.asarray(jax.jit(jax.vmap(f.jax_fn))({"s": np.array([1.3, -1.0])}))
    assert np.isfinite(out[0]) and out[1] == -np.inf
    np.testing.assert_allclose(out[0], f({"s": 1.3}), rtol=1e-12)
