"""PyMC itself as the oracle: every model file of ``tests/compat`` built once with
``pm`` bound to ppgraph and once with PyMC, then compared on the value-variable
names, ``model.initial_point()`` and ``model.compile_logp()`` at the same points
(in the transformed space). PyMC's functions are compiled once per module, in
PyTensor's FAST_COMPILE mode (no C compilation)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ppgraph

from . import test_customdist, test_ordered_cutpoints, test_pymc_math, test_transforms
from . import test_zerosum_hurdle as zh

pytestmark = pytest.mark.slow

P = np.array  # the points below are short literal arrays
# model name -> (builder taking (pm, pt), points in the transformed space)
MODELS: dict[str, tuple[Callable[[Any, Any], Any], list[dict[str, Any]]]] = {
    "best": (
        lambda pm, pt: test_pymc_math.best(pm),
        [
            {"mu": P([0.8, -0.2]), "sigma_interval__": P([-0.3, 0.4]),
             "nu_minus_one_log__": P(np.log(6.0))},
            {"mu": P([1.5, 0.1]), "sigma_interval__": P([-2.0, 1.0]),
             "nu_minus_one_log__": P(0.1)},
        ],
    ),
    "logistic": (
        lambda pm, pt: test_pymc_math.logistic(pm),
        [{"alpha": P(0.3), "beta": P([0.5, -1.0])}, {"alpha": P(-2.0), "beta": P([3.0, 0.2])}],
    ),
    "ordered": (
        lambda pm, pt: test_ordered_cutpoints.build(pm),
        [
            {"beta": P(0.3), "cutpoints_ordered__": P([-1.5, 0.2, -0.4])},
            {"beta": P(-1.0), "cutpoints_ordered__": P([0.5, 1.0, 0.0])},
        ],
    ),
    "transforms": (
        lambda pm, pt: test_transforms.build(pm),
        [
            {"s_chain__": P([-0.3, 0.4]), "x_interval__": P(0.7), "p": P(0.35),
             "c_circular__": P(0.9), "w_simplex__": P([0.2, -0.5]), "e_log_exp_m1__": P(-0.2)},
            {"s_chain__": P([1.2, -2.0]), "x_interval__": P(-3.0), "p": P(0.9),
             "c_circular__": P(-2.5), "w_simplex__": P([-1.0, 2.0]), "e_log_exp_m1__": P(3.0)},
        ],
    ),
    "customdist_logp": (
        lambda pm, pt: test_customdist.logp_model(pm),
        [{"mu": P(0.4)}, {"mu": P(-1.3)}],
    ),
    "customdist_dist": (
        test_customdist.dist_model,
        [{"mu": P(0.2), "sigma_log__": P(np.log(0.7))}, {"mu": P(-0.5), "sigma_log__": P(0.9)}],
    ),
    "zerosum": (
        lambda pm, pt: zh.zerosum_model(pm),
        [
            {"intercept": P(0.9), "sigma_group_log__": P(np.log(0.6)),
             "group_effect_zerosum__": P([0.4, -0.3, 0.2]), "sigma_log__": P(np.log(1.1))},
            {"intercept": P(-0.2), "sigma_group_log__": P(0.5),
             "group_effect_zerosum__": P([-1.0, 0.8, 0.1]), "sigma_log__": P(-0.3)},
        ],
    ),
    "hurdle": (
        lambda pm, pt: zh.hurdle_model(pm),
        [
            {"beta0": P(0.4), "beta1": P(0.25), "psi_logodds__": P(0.2)},
            {"beta0": P(-0.5), "beta1": P(1.0), "psi_logodds__": P(-1.5)},
        ],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def pymc_results() -> dict[str, Any]:
    """Per model: PyMC's value-variable names, initial point and logp at each point."""
    pymc = pytest.importorskip("pymc")
    import pytensor.tensor as pytensor_pt

    out: dict[str, Any] = {}
    for name, (build, points) in MODELS.items():
        with warnings.catch_warnings():  # PyMC's own deprecation notices, not ours
            warnings.simplefilter("ignore")
            model = build(pymc, pytensor_pt)
            logp = model.compile_logp(mode="FAST_COMPILE")
        out[name] = (
            [v.name for v in model.value_vars],
            model.initial_point(),
            [float(logp(point)) for point in points],
        )
    return out


@pytest.mark.parametrize("name", list(MODELS))
def test_model_file_against_pymc(name: str, pymc_results: dict[str, Any]) -> None:
    import ppgraph.tensor as pt

    build, points = MODELS[name]
    names, start, logps = pymc_results[name]
    model = build(ppgraph, pt)
    assert [v.name for v in model.value_vars] == names
    ours_start = model.initial_point()
    assert list(ours_start) == list(start)
    for key, want in start.items():
        if name == "transforms" and key == "s_chain__":
            # PyMC's ordered transform of two equal support points (a HalfNormal's 1, 1)
            # is (0, log 0) = (0, -inf), a start whose logp is -inf; ppgraph spreads
            # equal points apart (what PyMC asks users to do with initval=)
            assert np.isneginf(want[1]) and np.all(np.isfinite(ours_start[key]))
            continue
        # PyTensor narrows constants to float32 where it can (PyMC's Beta(2, 3) support
        # point is float32's 0.4, its Exponential(1.5)'s is float32's 2/3, its
        # Normal(0, 5) logp 3e-8 off scipy's); the scipy oracles beside this file hold
        # ppgraph to 1e-10 relative
        np.testing.assert_allclose(ours_start[key], want, rtol=1e-7, atol=1e-7, err_msg=key)
    f = model.compile_logp()
    got = [float(f(point)) for point in points]
    np.testing.assert_allclose(got, logps, rtol=1e-10, atol=2e-7)
