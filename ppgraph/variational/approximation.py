"""What ``pg.fit`` returns: a fitted approximation you draw from.

Draws are made in the unconstrained space, then mapped by ``pg.constrain`` to
every free variable in its own space and every deterministic, and returned as
ArviZ InferenceData with one chain (as PyMC's ``approx.sample``).
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.model.core import Model
from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.constrain import constrain
from ppgraph.sampling.diagnostics import require
from ppgraph.sampling.idata import make_idata
from ppgraph.sampling.logdensity import LogDensity
from ppgraph.sampling.seeds import seed_key
from ppgraph.variational.families import Family

__all__ = ["Approximation", "PathfinderApproximation"]


@functools.cache
def _pathfinder_sample() -> Any:
    """BlackJAX's Pathfinder draws, jitted once per process (not per ``sample`` call)."""
    blackjax = require("blackjax", 'pg.fit(method="pathfinder")')
    return jax.jit(blackjax.vi.pathfinder.sample, static_argnums=2)


class _Drawing:
    """Shared: turn unconstrained flat draws into InferenceData."""

    model: Model
    ld: LogDensity
    method: str

    def _flat_draws(self, key: Any, draws: int) -> Any:
        raise NotImplementedError

    def sample(
        self, draws: int = 500, random_seed: Any = None, return_inferencedata: bool = True
    ) -> Any:
        """``draws`` draws from the approximation: InferenceData with a
        ``posterior`` group of shape ``(1, draws, ...)`` per variable, or, with
        ``return_inferencedata=False``, a dict of those arrays."""
        if not isinstance(draws, int | np.integer) or isinstance(draws, bool) or draws < 1:
            raise ValueError(f"sample: draws must be a positive int, got {draws!r}")
        with x64_scope(self.ld.x64):
            flat = self._flat_draws(seed_key(random_seed), int(draws))
            unraveled = jax.vmap(self.ld.unravel)(flat)
            position = {k: np.asarray(v)[None] for k, v in unraveled.items()}
        posterior = constrain(position, self.model)
        if not return_inferencedata:
            return posterior
        return make_idata(self.model, {"posterior": posterior}, {"inference": self.method})


class Approximation(_Drawing):
    """A Gaussian fitted by ADVI (mean field or full rank).

    ``mean`` and ``std`` are flat vectors over the value variables
    (``ordering`` names them, in ``model.value_vars`` order); ``cov`` is the
    covariance; ``hist`` the loss (negative ELBO) at each step; ``params`` the
    raw parameters of the family.
    """

    def __init__(
        self, model: Model, ld: LogDensity, family: Family, params: Any, hist: np.ndarray
    ) -> None:
        self.model, self.ld, self.family = model, ld, family
        self.method = family.name
        self.params = {k: np.asarray(v) for k, v in params.items()}
        self.hist = hist
        self.ordering = list(ld.names)

    @property
    def mean(self) -> np.ndarray:
        return self.params["mu"]

    @property
    def std(self) -> np.ndarray:
        return np.asarray(self.family.std(self.params))

    @property
    def cov(self) -> np.ndarray:
        return np.asarray(self.family.cov(self.params))

    def _flat_draws(self, key: Any, draws: int) -> Any:
        mu = jnp.asarray(self.params["mu"])
        eps = jax.random.normal(key, (draws, mu.shape[-1]), dtype=mu.dtype)
        params = {k: jnp.asarray(v) for k, v in self.params.items()}
        return self.family.draw(params, eps)

    def __repr__(self) -> str:
        return f"Approximation(method={self.method!r}, steps={self.hist.shape[0]})"


class PathfinderApproximation(_Drawing):
    """Pathfinder's Gaussian (BlackJAX's state in ``state``); ``elbo`` is its ELBO."""

    def __init__(self, model: Model, ld: LogDensity, state: Any) -> None:
        self.model, self.ld, self.state = model, ld, state
        self.method = "pathfinder"
        self.elbo = float(state.elbo)
        self.ordering = list(ld.names)

    def _flat_draws(self, key: Any, draws: int) -> Any:
        out = _pathfinder_sample()(key, self.state, draws)
        return out[0] if isinstance(out, tuple) else out

    def __repr__(self) -> str:
        return f"PathfinderApproximation(elbo={self.elbo:.4g})"
