"""``pg.find_MAP``: the posterior mode by a JAX optimizer, in one jitted call.

The optimizer moves in the unconstrained space on ``-logp`` without the
transforms' Jacobians, so the optimum is the mode of the density of the
variables in their own space (as PyMC's ``find_MAP``): a transform moves
points, not the mode.
"""

from __future__ import annotations

import collections
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.optimize
import numpy as np

from ppgraph.model.core import Model, modelcontext
from ppgraph.model.missing import refuse_masked
from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.constrain import constrain
from ppgraph.sampling.diagnostics import SamplingError, SamplingWarning, require
from ppgraph.sampling.initial import apply_initvals
from ppgraph.sampling.logdensity import LogDensity, logdensity

__all__ = ["METHODS", "find_MAP"]

METHODS = ("BFGS", "L-BFGS")
_RESTARTS = 20

_runs: collections.OrderedDict[tuple[Any, ...], Callable[..., Any]] = collections.OrderedDict()
_lock = threading.Lock()


def _bfgs(ld: LogDensity) -> Callable[..., Any]:
    # jax.scipy's BFGS gives up when a line search fails, which happens far from
    # the mode; restarting from where it stopped (with a fresh Hessian) gets past it.
    def run(x0: Any, data: Any, maxiter: Any, tol: Any) -> Any:
        def minimize(x: Any) -> Any:
            return jax.scipy.optimize.minimize(
                lambda x, *d: -ld.apply(x, d), x, args=tuple(data), method="BFGS",
                options={"maxiter": maxiter, "gtol": tol},  # (minimize ignores its tol=)
            )  # fmt: skip

        def going(carry: Any) -> Any:
            _, fun, last, success, nit, restarts = carry
            return ~success & (restarts < _RESTARTS) & (nit < maxiter) & (fun < last)

        def again(carry: Any) -> Any:
            x, fun, _, _, nit, restarts = carry
            res = minimize(x)
            return res.x, res.fun, fun, res.success, nit + res.nit, restarts + 1

        res = minimize(x0)
        inf = jnp.asarray(jnp.inf, res.fun.dtype)
        init = (res.x, res.fun, inf, res.success, res.nit, 0)
        x, fun, _, success, nit, _ = jax.lax.while_loop(going, again, init)
        return x, -fun, success, nit

    return run


def _lbfgs(ld: LogDensity) -> Callable[..., Any]:
    optax = require("optax", 'pg.find_MAP(method="L-BFGS")')

    def run(x0: Any, data: Any, maxiter: Any, tol: Any) -> Any:
        def f(x: Any) -> Any:
            return -ld.apply(x, data)

        opt = optax.lbfgs()
        value_and_grad = optax.value_and_grad_from_state(f)

        def step(carry: Any) -> Any:
            x, state, _, i = carry
            value, grad = value_and_grad(x, state=state)
            updates, state = opt.update(grad, state, x, value=value, grad=grad, value_fn=f)
            return optax.apply_updates(x, updates), state, jnp.linalg.norm(grad), i + 1

        def going(carry: Any) -> Any:
            _, _, gnorm, i = carry
            return (i < maxiter) & (gnorm > tol)

        init = (x0, opt.init(x0), jnp.asarray(jnp.inf, x0.dtype), 0)
        x, _, gnorm, nit = jax.lax.while_loop(going, step, init)
        return x, -f(x), gnorm <= tol, nit

    return run


def _optimizer(ld: LogDensity, method: str) -> Callable[..., Any]:
    """The jitted optimization ``(x0, data, maxiter, tol) -> (x, logp, success, nit)``."""
    key = (ld, method)
    with _lock:
        hit = _runs.get(key)
    if hit is None:
        build = _bfgs if method == "BFGS" else _lbfgs
        hit = jax.jit(build(ld))
        with _lock:
            _runs[key] = hit
            while len(_runs) > 16:
                _runs.popitem(last=False)
    return hit


def find_MAP(
    start: Mapping[str, Any] | None = None,
    method: str = "BFGS",
    model: Model | None = None,
    maxiter: int = 5000,
    tol: float = 1e-8,
    include_transformed: bool = True,
    return_raw: bool = False,
) -> Any:
    """The maximum a posteriori point: ``{name: value}`` of the free variables in
    their own space and the deterministics, and (``include_transformed``) the
    value variables (``"sigma_log__"``). ``return_raw=True`` also returns
    ``{"success", "iterations", "logp"}``.

    ``start`` (by variable or value-variable name) overrides the model's initial
    point. ``method`` is ``"BFGS"`` (``jax.scipy.optimize.minimize``) or
    ``"L-BFGS"`` (optax); both stop when the gradient norm is below ``tol``
    or after ``maxiter`` iterations (a ``SamplingWarning`` says so).

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     s = pg.HalfNormal("s", 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[1.0, 2.0, 3.0])
        ...     mode = pg.find_MAP()
        >>> round(float(mode["mu"]), 6), sorted(mode)
        (1.5, ['mu', 's', 's_log__'])
    """
    model = modelcontext(model, needs="pg.find_MAP")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known methods: {list(METHODS)}")
    if model.discrete_value_vars:
        names = [str(v.name) for v in model.discrete_value_vars]
        raise NotImplementedError(f"find_MAP optimizes continuous variables; {names} are discrete")
    if not model.free_RVs:
        raise ValueError("the model has no free random variables to optimize")
    for name, value in (start or {}).items():
        refuse_masked(value, f"find_MAP: start[{name!r}]")
    ld, _ = logdensity(model, flat=True, jacobian=False)
    point = apply_initvals(model, model.initial_point(), start or {})
    with x64_scope(ld.x64):
        x0 = jnp.asarray(ld.ravel(point))
        lp0 = float(ld(x0))
        if not np.isfinite(lp0):
            # As PyMC's check of the start: the optimizer cannot move from -inf.
            raise SamplingError(
                f"find_MAP ({method}) started where logp = {lp0}: the starting point "
                "(the model's initial point, updated by start=) has zero density:\n"
                + str(model.debug(ld.unravel(np.asarray(x0)), file="str"))
            )
        run = _optimizer(ld, method)
        x, lp, success, nit = run(x0, ld.data, jnp.asarray(maxiter), jnp.asarray(tol, x0.dtype))
        x, lp, success, nit = np.asarray(x), float(lp), bool(success), int(nit)
    if not np.isfinite(lp):
        raise SamplingError(
            f"find_MAP ({method}) ended where logp = {lp}:\n"
            + str(model.debug(ld.unravel(x), file="str"))
        )
    if not success:
        warnings.warn(
            f"find_MAP ({method}) stopped after {nit} iterations without converging "
            f"(tol={tol}); the point may not be the mode",
            SamplingWarning,
            stacklevel=2,
        )
    unconstrained = ld.unravel(x)
    out = dict(unconstrained) if include_transformed else {}
    out.update(constrain(unconstrained, model))
    if return_raw:
        return out, {"success": success, "iterations": nit, "logp": lp}
    return out
