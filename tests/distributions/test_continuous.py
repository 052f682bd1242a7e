"""The continuous distributions against their twins in ``scipy_table``: logp,
logcdf and icdf at many points through one compiled function per twin (with
``pg.function`` and with ``jax.jit`` of its pure function), and the gradients
of logp and logcdf against central differences of the twin."""

from __future__ import annotations

import functools
import re
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from tests.distributions.scipy_table import TWINS, Twin, oracle, points, quantiles

ATOL = 1e-13  # beside rtol, for values that cross 0
BY_NAME = {t.name: t for t in TWINS}


class Built:
    """One compiled function of (values, parameters, probabilities, parameters)
    giving logp, logcdf and icdf of one twin, and its data."""

    def __init__(self, twin: Twin) -> None:
        self.params, self.values, self.interior, self.inside, self.scale = points(twin)
        self.qparams, self.qs = quantiles(twin)
        names = list(self.params)
        p_in = [pt.vector(k) for k in names]
        q_in = [pt.vector(f"{k}_q") for k in names]
        v, q = pt.vector("value"), pt.vector("q")
        rv = twin.dist.dist(**dict(zip(names, p_in, strict=True)))
        self.outputs = ["logp", "logcdf"] if twin.logcdf else ["logp"]
        outs = [pg.logp(rv, v), pg.logcdf(rv, v)] if twin.logcdf else [pg.logp(rv, v)]
        self.inputs = [v, *p_in]
        self.args = [self.values, *self.params.values()]
        if twin.icdf:
            rv_q = twin.dist.dist(**dict(zip(names, q_in, strict=True)))
            outs.append(pg.icdf(rv_q, q))
            self.outputs.append("icdf")
            self.inputs += [q, *q_in]
            self.args += [self.qs, *self.qparams.values()]
        self.outs = outs
        self.f = pg.function(self.inputs, outs)

    def expected(self, twin: Twin, what: str) -> np.ndarray:
        if what == "icdf":
            return oracle(twin, "ppf", self.qparams, self.qs)
        want = oracle(twin, "logpdf" if what == "logp" else "logcdf", self.params, self.values)
        # scipy gives NaN at some infinite or NaN values; ppgraph's convention:
        # logp is -inf there, logcdf -inf at -inf and 0 at +inf.
        x = self.values
        if what == "logp":
            want[~np.isfinite(x)] = -np.inf
        else:
            want[x == -np.inf], want[x == np.inf] = -np.inf, 0.0
        return want


def _row(b: Built, what: str, i: int) -> dict[str, float]:
    params = b.qparams if what == "icdf" else b.params
    return {k: float(v[i]) for k, v in params.items()}


@functools.cache
def built(name: str) -> Built:
    return Built(BY_NAME[name])


def assert_matches(
    twin: Twin, b: Built, results: list[Any], how: str, outputs: list[str] | None = None
) -> None:
    for what, got in zip(outputs or b.outputs, results, strict=True):
        got = np.asarray(got)
        want = b.expected(twin, what)
        assert got.shape == want.shape, f"{twin.name} {what}: shape {got.shape} != {want.shape}"
        rtol = twin.rtol if what == "logp" else twin.cdf_rtol
        keep = ~np.isnan(b.values) if what == "logcdf" else np.ones(len(want), bool)
        x = b.qs if what == "icdf" else b.values
        close = np.isclose(got, want, rtol=rtol, atol=ATOL, equal_nan=True) | ~keep
        if what != "icdf":
            # scipy takes the log of a density or cdf that underflowed to 0 far in
            # a tail: it only says the log is below log(tiny) there.
            close |= (want == -np.inf) & (got < np.log(np.finfo(float).tiny)) & b.inside
        bad = [(x[i], got[i], want[i], _row(b, what, i)) for i in np.flatnonzero(~close)]
        assert not bad, f"{twin.name} {what} ({how}): (x, got, want, params) {bad[:6]}"
        if what != "icdf":
            assert not np.isnan(got[~np.isnan(b.values)]).any(), f"{twin.name} {what}: NaN"


def _bad_args(twin: Twin, b: Built, n: int | None = None) -> list[np.ndarray]:
    """The arguments with the twin's invalid parameter in the first row."""
    args = [a.copy() for a in b.args[:n]]
    names = list(b.params)
    for k, v in twin.bad.items():
        args[1 + names.index(k)][0] = v
        if twin.icdf and n is None:
            args[2 + len(names) + names.index(k)][0] = v
    return args


@pytest.mark.parametrize("name", list(BY_NAME))
def test_matches_scipy(name: str) -> None:
    """logp, logcdf and icdf through ``pg.function``; an invalid parameter in one
    row makes the call raise, naming the condition (the default "raise" mode)."""
    twin, b = BY_NAME[name], built(name)
    assert_matches(twin, b, b.f(*b.args), "pg.function")
    if twin.bad:
        with pytest.raises(pg.ParameterValueError, match=re.escape(twin.msg)):
            b.f(*_bad_args(twin, b))


def _central_difference(twin: Twin, what: str, b: Built, wrt: str) -> np.ndarray:
    """d what / d wrt at every point, from the twin, with a relative step."""
    method = "logpdf" if what == "logp" else "logcdf"
    x = b.values if wrt == "value" else b.params[wrt]
    # Steps well inside the local scale: the distance to an edge for the value
    # and for parameters that are edges, the size of the others.
    h = 1e-6 * np.maximum(np.abs(x), 1e-3 if wrt == "value" else 1.0)
    if wrt == "value" or wrt in twin.edges:
        h = np.minimum(h, 1e-5 * b.scale)
    h = np.where(np.isfinite(h), h, 0.0)

    def at(moved: np.ndarray) -> np.ndarray:
        if wrt == "value":
            return oracle(twin, method, b.params, moved)
        return oracle(twin, method, {**b.params, wrt: moved}, b.values)

    up, down = x + h, x - h  # divide by the step the floats really took
    with np.errstate(all="ignore"):
        return (at(up) - at(down)) / (up - down)


GRADIENT_TWINS = [t.name for t in TWINS if t.grad]


@pytest.mark.parametrize("name", GRADIENT_TWINS)
def test_jit_and_gradients(name: str) -> None:
    """``jax.jit`` of the pure function of logp and logcdf gives the twin's values,
    and ``jax.grad`` of each w.r.t. the value and every parameter matches central
    differences of the twin at the interior points (one compiled call)."""
    twin, b = BY_NAME[name], built(name)
    names = ["value", *b.params]
    whats = b.outputs[:2] if "logcdf" in b.outputs else b.outputs[:1]
    g = pg.function(b.inputs[: len(names)], b.outs[: len(whats)])
    # One pure function per output: a gradient traces every op of its function
    # (JAX has no d/dnu of betainc, which the logcdf of StudentT needs).
    single = [pg.function(b.inputs[: len(names)], out).jax_fn for out in b.outs[: len(whats)]]
    weight = np.random.default_rng(0).uniform(0.5, 1.5, len(b.values))
    diff = {"logp": names, "logcdf": [n for n in names if n not in twin.no_cdf_grad]}

    def run(*args: Any) -> tuple[Any, dict[str, Any]]:
        grads = {}
        for i, what in enumerate(whats):
            wrt = tuple(names.index(n) for n in diff[what])
            loss = lambda *a, i=i: jnp.sum(weight * single[i](*a))  # noqa: E731
            grads[what] = dict(zip(diff[what], jax.grad(loss, argnums=wrt)(*args), strict=True))
        return g.jax_fn(*args), grads

    with jax.enable_x64(True):
        jitted = jax.jit(run)
        values, grads = jitted(*[jnp.asarray(a) for a in b.args[: len(names)]])
        # A failing Check gives -inf in the pure function (what samplers need).
        invalid = jitted(*[jnp.asarray(a) for a in _bad_args(twin, b, len(names))])[0]
        assert all(np.all(np.asarray(v) == -np.inf) for v in invalid), f"{name}: not -inf"
    assert_matches(twin, b, values, "jax.jit", whats)
    for what, by_name in grads.items():
        # Where scipy's value is off (near a bound of TruncatedNormal, Pareto), its
        # differences are noise: compare where it agrees with ppgraph to 1e-10.
        ours = np.asarray(values[whats.index(what)])
        reliable = np.isclose(ours, b.expected(twin, what), rtol=1e-10, atol=0)
        for wrt, got in by_name.items():
            got = np.asarray(got) / weight
            want = _central_difference(twin, what, b, wrt)
            x = b.values if wrt == "value" else b.params[wrt]
            ok = b.interior & reliable & np.isfinite(want) & np.isfinite(x)
            assert ok.sum() >= 0.5 * b.interior.sum(), f"{wrt}: too few points to compare"
            scale = np.maximum(1.0, np.abs(want[ok]))
            close = np.isclose(got[ok] / scale, want[ok] / scale, rtol=0, atol=2e-5)
            bad = [
                (b.values[i], got[i], want[i], _row(b, what, i)) for i in np.flatnonzero(ok)[~close]
            ]
            assert not bad, f"{twin.name} d {what} / d {wrt}: (x, got, want, params) {bad[:5]}"


NEAR_LOWER_BOUND = [
    # (twin, parameters, value): 1e-10 of mass or less above the lower bound.
    (
        "TruncatedNormal",
        {"mu": 0.0, "sigma": 1.0, "lower": -1.0, "upper": 2.0},
        -0.9999999996616967,
    ),
    ("TruncatedNormal", {"mu": 0.0, "sigma": 1.0, "lower": 5.0, "upper": 8.0}, 5.000000000019281),
    ("TruncatedNormal", {"mu": 0.5, "sigma": 2.0, "lower": 0.0, "upper": np.inf}, 3.1e-10),
    ("Pareto", {"alpha": 0.7, "m": 0.1}, 0.10000000001428572),
    ("Pareto", {"alpha": 8.75, "m": 0.5027911740732525}, 0.5027911740790008),
]


def _mp_logcdf(name: str, p: dict[str, float], x: float) -> float:
    """The logcdf in 50-digit arithmetic, from the definitions."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    x_ = mpmath.mpf(x)
    if name == "Pareto":
        return float(mpmath.log(1 - (mpmath.mpf(p["m"]) / x_) ** mpmath.mpf(p["alpha"])))
    mu, s = mpmath.mpf(p["mu"]), mpmath.mpf(p["sigma"])
    cdf = lambda t: mpmath.ncdf((mpmath.mpf(t) - mu) / s)  # noqa: E731
    return float(mpmath.log((cdf(x_) - cdf(p["lower"])) / (cdf(p["upper"]) - cdf(p["lower"]))))


@pytest.mark.parametrize(("name", "params", "x"), NEAR_LOWER_BOUND)
def test_near_lower_bound(name: str, params: dict[str, float], x: float) -> None:
    """Just above a lower bound the cdf is a difference of nearly equal numbers
    (where scipy loses digits); ppgraph keeps them."""
    got = float(pg.logcdf(BY_NAME[name].dist.dist(**params), x).eval())
    np.testing.assert_allclose(got, _mp_logcdf(name, params, x), rtol=1e-12)
