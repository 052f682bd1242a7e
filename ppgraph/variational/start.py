"""Starting NUTS chains from an ADVI fit: PyMC's ``init="advi"``.

PyMC also takes ADVI's variances as the first mass matrix; BlackJAX's window
adaptation starts from the identity, so here ADVI gives the starting points
and warm-up adapts the mass matrix as with ``"jitter+adapt_diag"``.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ppgraph.model.core import Model
from ppgraph.sampling.batch import x64_scope

__all__ = ["advi_start"]


def advi_start(model: Model, chains: int, key: Any, n: int) -> dict[str, np.ndarray]:
    """One draw per chain from a mean-field ADVI fit of ``n`` steps,
    ``{value name: (chains, ...)}`` in the unconstrained space."""
    from ppgraph.variational.fit import fit

    fit_key, draw_key = jax.random.split(key)
    approx: Any = fit(n=n, method="advi", model=model, random_seed=fit_key, progressbar=False)
    with x64_scope(approx.ld.x64):
        flat = approx._flat_draws(draw_key, chains)
        unraveled = jax.vmap(approx.ld.unravel)(flat)
    return {k: np.asarray(v) for k, v in unraveled.items()}
