"""The three check modes of a distribution's logp, called directly, under
``jax.jit`` and under ``jax.vmap``; a NaN parameter is reported as NaN."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats as st
from jax.experimental import checkify

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.linker import lower
from ppgraph.errors import ParameterValueError
from ppgraph.tensor.check import Check
from tests.helpers import op_names

SIGMAS = np.array([1.0, -1.0, np.nan, 2.0])


def normal_logp() -> tuple[list[Any], Any]:
    mu, sigma, v = pt.scalar("mu"), pt.scalar("sigma"), pt.scalar("v")
    z = pg.Normal.dist(mu, sigma)
    z.name = "z"
    return [mu, sigma, v], pg.logp(z, v)


def test_the_check_prints_as_before() -> None:
    _, out = normal_logp()
    assert str(out.owner.op) == "Check{sigma > 0}"
    assert pg.dprint(out, file="str").splitlines()[0] == "Check{sigma > 0} [id A] 'z_logprob'"
    # Constant parameters need no NaN flags: the graph is the seed's.
    const = pg.logp(pg.Normal.dist(0.0, 2.0), 1.0)
    assert "Elemwise{isnan}" not in op_names(const)
    assert const.owner.op == Check("sigma > 0", "normal variable")


def test_raise_mode_names_variable_and_condition() -> None:
    inputs, out = normal_logp()
    f = pg.function(inputs, out)  # "raise" is the default
    np.testing.assert_allclose(f(0.0, 2.0, 1.0), st.norm(0, 2).logpdf(1.0))
    with pytest.raises(ParameterValueError, match=r"^z: sigma > 0$"):
        f(0.0, -1.0, 1.0)


@pytest.mark.parametrize(("mu", "sigma", "name"), [(0.0, np.nan, "sigma"), (np.nan, 1.0, "mu")])
def test_a_nan_parameter_is_reported_as_nan(mu: float, sigma: float, name: str) -> None:
    inputs, out = normal_logp()
    with pytest.raises(ParameterValueError, match=rf"^z: ({name}) is NaN$"):
        pg.function(inputs, out)(mu, sigma, 1.0)
    assert pg.function(inputs, out, check_mode="-inf")(mu, sigma, 1.0) == -np.inf
    assert np.isnan(pg.function(inputs, out, check_mode="off")(mu, sigma, 1.0))


def test_raise_mode_under_jit_and_vmap_via_checkify() -> None:
    inputs, out = normal_logp()
    fn = lower(inputs, [out], [], "raise")

    def batched(sigmas: Any) -> Any:
        return jax.vmap(lambda s: fn(0.0, s, 1.0)[0])(sigmas)

    checked = jax.jit(checkify.checkify(batched))
    with jax.enable_x64(True):
        err, _ = checked(jnp.asarray([1.0, 2.0]))
        assert err.get() is None
        err, _ = checked(jnp.asarray(SIGMAS[:2]))
        assert "z: sigma > 0" in str(err.get())
        err, _ = checked(jnp.asarray(SIGMAS[2:]))
        msg = str(err.get())
        assert "is NaN" in msg and "sigma > 0" not in msg


@pytest.mark.parametrize("mode", ["raise", "-inf", "off"])
def test_modes_under_jit_and_vmap(mode: str) -> None:
    inputs, out = normal_logp()
    f = pg.function(inputs, out, check_mode=mode)
    pure = jax.vmap(f.jax_fn, in_axes=(None, 0, None))
    with jax.enable_x64(True):
        got = np.asarray(jax.jit(pure)(0.0, jnp.asarray(SIGMAS), 1.0))
    with np.errstate(invalid="ignore"):
        want = st.norm(0.0, SIGMAS).logpdf(1.0)
    # A pure function cannot raise: "raise" gives -inf there, as "-inf" does.
    bad = ~(SIGMAS > 0)
    np.testing.assert_allclose(got[~bad], want[~bad], rtol=1e-12)
    if mode == "off":
        assert np.isnan(got[bad]).all()
    else:
        assert (got[bad] == -np.inf).all()


def test_mode_from_config() -> None:
    inputs, out = normal_logp()
    with pg.config.change_flags(check_mode="-inf"):
        assert pg.function(inputs, out)(0.0, -1.0, 1.0) == -np.inf
    with pytest.raises(ParameterValueError):
        pg.function(inputs, out)(0.0, -1.0, 1.0)


def test_nan_flags_of_a_check_op() -> None:
    s = pt.scalar("s")
    ok = pt.invert(pt.isnan(s))
    out = Check("s > 0", "v", nan=("s",))(2.0 * s, s > 0, ok)
    assert str(out.owner.op) == "Check{s > 0}"
    f = pg.function([s], out)
    assert f(1.0) == 2.0
    with pytest.raises(ParameterValueError, match=r"^v: s > 0$"):
        f(-1.0)
    with pytest.raises(ParameterValueError, match=r"^v: s is NaN$"):
        f(np.nan)
    with pytest.raises(ValueError, match="NaN flags"):
        Check("s > 0", nan=("s", "t"))(s, ok)


@pytest.mark.parametrize(
    ("dist", "params", "nan"),
    [
        # PyMC's names, where the op's differ (loc/scale, scale for Pareto's m)
        (pg.HalfNormal, {"sigma": 2.0}, "sigma"),
        (pg.Pareto, {"alpha": 3.0, "m": 0.5}, "m"),
        (pg.StudentT, {"nu": 3.0, "mu": 0.0, "sigma": 1.0}, "sigma"),
        (pg.Laplace, {"mu": 0.0, "b": 1.0}, "b"),
        (pg.Gamma, {"alpha": 2.0, "beta": 1.0}, "alpha"),
        (pg.Binomial, {"n": 5.0, "p": 0.3}, "p"),
    ],
)
def test_a_nan_parameter_is_reported_by_its_pymc_name(
    dist: Any, params: dict[str, float], nan: str
) -> None:
    inputs = {k: pt.scalar(k) for k in params}
    x = dist.dist(**inputs)
    x.name = "x"
    v = pt.scalar("v")
    f = pg.function([*inputs.values(), v], pg.logp(x, v))
    args = [np.nan if k == nan else val for k, val in params.items()]
    with pytest.raises(ParameterValueError, match=rf"^x: {nan} is NaN$"):
        f(*args, 1.0)
