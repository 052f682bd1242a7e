"""``pg.fit``: variational inference with PyMC's call shape.

ADVI (mean field) and full-rank ADVI maximize the ELBO with an optax optimizer
in jitted ``lax.scan`` chunks of steps (one program, compiled once, reused for
every chunk; the data are its arguments). Between chunks the host moves the
progress bar and checks the loss: a NaN stops the fit with the step number and
``model.debug``'s account of the point. Pathfinder is BlackJAX's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.model.core import Model, modelcontext
from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.diagnostics import require
from ppgraph.sampling.initial import apply_initvals
from ppgraph.sampling.logdensity import LogDensity, logdensity
from ppgraph.sampling.progress import ProgressBar
from ppgraph.sampling.seeds import seed_key
from ppgraph.variational.approximation import Approximation, PathfinderApproximation
from ppgraph.variational.families import FAMILIES, Family, negative_elbo

__all__ = ["METHODS", "FitError", "fit"]

METHODS = ("advi", "fullrank_advi", "pathfinder")
_CHUNK = 500


class FitError(FloatingPointError):
    """The variational objective became NaN or infinite during ``pg.fit``."""


def _check(model: Model, method: str, n: int) -> None:
    if method not in METHODS:
        raise ValueError(f"pg.fit: unknown method {method!r}; known methods: {list(METHODS)}")
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise ValueError(f"pg.fit: n must be a positive int (the number of steps), got {n!r}")
    if not model.free_RVs:
        raise ValueError("pg.fit: the model has no free random variables")
    if model.discrete_value_vars:
        names = [str(model.values_to_rvs[v].name) for v in model.discrete_value_vars]
        raise NotImplementedError(
            f"pg.fit fits continuous variables; {names} are discrete: marginalize them "
            "out of the model or give them observed data"
        )


def _optimizer(obj_optimizer: Any, learning_rate: float, n: int) -> Any:
    optax = require("optax", "pg.fit")
    if obj_optimizer is not None:
        return obj_optimizer
    # Adam whose step shrinks to 1% over the run: the last iterates settle
    # instead of wandering with the noise of the one-draw ELBO gradient.
    return optax.adam(optax.cosine_decay_schedule(learning_rate, n, alpha=0.01))


def _chunk_fn(ld: LogDensity, family: Family, opt: Any, n_mc: int, chunk: int) -> Any:
    def run(params: Any, opt_state: Any, key: Any, first: Any, n: Any, data: Any) -> Any:
        def logp(z: Any) -> Any:
            return ld.apply(z, data)

        def loss(p: Any, k: Any) -> Any:
            return negative_elbo(family, logp, p, k, n_mc)

        def step(carry: Any, i: Any) -> Any:
            p, s = carry
            value, grads = jax.value_and_grad(loss)(p, jax.random.fold_in(key, i))
            updates, s_new = opt.update(grads, s, p)
            p_new = jax.tree.map(lambda a, u: a + u, p, updates)
            live = i < n  # steps past n (the last chunk's padding) change nothing
            keep = jax.tree.map(lambda new, old: jnp.where(live, new, old), (p_new, s_new), (p, s))
            return keep, value

        (params, opt_state), losses = jax.lax.scan(
            step, (params, opt_state), first + jnp.arange(chunk)
        )
        return params, opt_state, losses

    return jax.jit(run)


def _run_advi(
    model: Model, ld: LogDensity, family: Family, x0: Any, n: int, key: Any, opts: dict[str, Any]
) -> Approximation:
    opt = _optimizer(opts["obj_optimizer"], opts["learning_rate"], n)
    params = family.init(x0, opts["start_sigma"])
    opt_state = opt.init(params)
    chunk = min(_CHUNK, n)
    run = _chunk_fn(ld, family, opt, opts["obj_n_mc"], chunk)
    history: list[np.ndarray] = []
    with ProgressBar(n, f"pg.fit({family.name})", opts["progress"]) as bar:
        for first in range(0, n, chunk):
            params, opt_state, losses = run(
                params, opt_state, key, jnp.asarray(first), jnp.asarray(n), ld.data
            )
            losses = np.asarray(losses)[: n - first]
            bad = np.flatnonzero(~np.isfinite(losses))
            if bad.size:
                _diverged(model, ld, family, params, first + int(bad[0]))
            history.append(losses)
            if opts["progress"]:
                bar.update(min(n, first + chunk))
    return Approximation(model, ld, family, params, np.concatenate(history))


def _diverged(model: Model, ld: LogDensity, family: Family, params: Any, step: int) -> None:
    mu = np.asarray(params["mu"])
    where = ld.unravel(mu) if np.all(np.isfinite(mu)) else model.initial_point()
    raise FitError(
        f"pg.fit(method={family.name!r}): the loss (negative ELBO) is not finite at step "
        f"{step}; try a smaller learning_rate or better starting values. The model at the "
        f"mean of the approximation:\n{model.debug(where, file='str')}"
    )


def _run_pathfinder(ld: LogDensity, x0: Any, key: Any, opts: dict[str, Any]) -> Any:
    blackjax = require("blackjax", 'pg.fit(method="pathfinder")')
    data = ld.data

    def logp(z: Any) -> Any:
        return ld.apply(z, data)

    state, _ = jax.jit(
        lambda k, x: blackjax.vi.pathfinder.approximate(k, logp, x, maxiter=opts["maxiter"])
    )(key, x0)
    return state


def fit(
    n: int = 10_000,
    method: str = "advi",
    model: Model | None = None,
    random_seed: Any = None,
    start: Mapping[str, Any] | None = None,
    start_sigma: float = 0.1,
    progressbar: bool | None = None,
    progress_bar: bool = True,
    obj_n_mc: int = 1,
    learning_rate: float = 1e-2,
    obj_optimizer: Any = None,
    maxiter: int = 100,
) -> Approximation | PathfinderApproximation:
    """Fit a Gaussian approximation of the posterior in the unconstrained space.

    ``method="advi"`` (mean field) or ``"fullrank_advi"``: ``n`` steps of an
    optax optimizer (``obj_optimizer``; by default Adam at ``learning_rate``,
    decayed to 1% of it by a cosine schedule over the ``n`` steps)
    on the negative ELBO estimated from ``obj_n_mc`` draws, starting at the
    model's initial point (``start`` overrides it) with standard deviations
    ``start_sigma``. ``method="pathfinder"``: BlackJAX's Pathfinder with
    ``maxiter`` L-BFGS iterations (``n`` is not used). ``progressbar`` is
    PyMC's name for ``progress_bar``. Needs ``pip install "ppgraph[samplers]"``
    (optax, BlackJAX, ArviZ).

    Returns an approximation: ``.sample(draws)`` gives ArviZ InferenceData of
    constrained values and deterministics; ``.hist`` is the loss per step.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 10.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.9, 1.1])
        ...     approx = pg.fit(n=3000, random_seed=0, progressbar=False)
        >>> round(float(approx.mean[0]), 1), approx.hist.shape
        (1.0, (3000,))
        >>> approx.sample(100, random_seed=1).posterior["mu"].shape
        (1, 100)
    """
    model = modelcontext(model, needs="pg.fit")
    _check(model, method, n)
    progress = progress_bar if progressbar is None else bool(progressbar)
    if obj_n_mc < 1:
        raise ValueError(f"pg.fit: obj_n_mc must be at least 1, got {obj_n_mc}")
    if not (start_sigma > 0 and math.isfinite(start_sigma)):
        raise ValueError(f"pg.fit: start_sigma must be positive, got {start_sigma}")
    ld, _ = logdensity(model, flat=True)
    point = apply_initvals(model, model.initial_point(), start or {})
    key = seed_key(random_seed)
    opts = {"obj_optimizer": obj_optimizer, "learning_rate": learning_rate,
            "start_sigma": start_sigma, "obj_n_mc": int(obj_n_mc), "progress": progress,
            "maxiter": int(maxiter)}  # fmt: skip
    with x64_scope(ld.x64):
        x0 = jnp.asarray(ld.ravel(point))
        if method == "pathfinder":
            state = _run_pathfinder(ld, x0, key, opts)
            return PathfinderApproximation(model, ld, state)
        return _run_advi(model, ld, FAMILIES[method], x0, int(n), key, opts)
