"""What can go wrong in sampling, said to the user: ``SamplingError`` (no usable
draws), ``SamplingWarning`` (draws that need a second look: divergences, r-hat
or effective sample size out of bounds), and the optional-dependency check.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "SamplingError",
    "SamplingWarning",
    "check_finite",
    "convergence_warnings",
    "require",
    "warn_non_finite",
]

# Thresholds as in PyMC and Vehtari et al. (2021).
RHAT_MAX = 1.01
ESS_PER_CHAIN_MIN = 100
MIN_DRAWS_FOR_CHECKS = 100


class SamplingError(RuntimeError):
    """Sampling cannot start or produced no usable draws (the message says why)."""


class SamplingWarning(UserWarning):
    """The draws need a second look: divergences, r-hat or ESS out of bounds."""


def require(module: str, what: str) -> ModuleType:
    """Import an optional dependency, or an ImportError naming the extra to install.

    Example:
        >>> from ppgraph.sampling.diagnostics import require
        >>> require("no_such_module_xyz", "pg.sample")
        Traceback (most recent call last):
        ...
        ImportError: pg.sample needs no_such_module_xyz: pip install "ppgraph[samplers]"
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f'{what} needs {module.split(".")[0]}: pip install "ppgraph[samplers]"'
        ) from exc


def check_finite(draws: Mapping[str, np.ndarray], where: str) -> None:
    """A SamplingError if a free variable's draws contain NaN or inf."""
    for name, arr in draws.items():
        bad = ~np.isfinite(arr)
        if bad.any():
            chains = sorted({int(c) for c in np.argwhere(bad)[:, 0]})
            raise SamplingError(
                f"{where}: the draws of {name!r} contain {int(bad.sum())} non-finite value(s) "
                f"in chain(s) {chains}; the sampler diverged to NaN. Check the model with "
                "model.debug(point) and its parameterization."
            )


def warn_non_finite(values: Mapping[str, np.ndarray], what: str) -> None:
    """A SamplingWarning naming the variables whose values contain NaN or inf."""
    bad = {n: int((~np.isfinite(a)).sum()) for n, a in values.items() if a.dtype.kind == "f"}
    bad = {n: k for n, k in bad.items() if k}
    if bad:
        warnings.warn(
            f"{what} contain non-finite values: "
            + ", ".join(f"{n} ({k} values)" for n, k in bad.items()),
            SamplingWarning,
            stacklevel=3,
        )


def convergence_warnings(idata: Any, n_divergent: int, free_names: list[str]) -> None:
    """Warn (``SamplingWarning``) about divergences and r-hat / ESS out of bounds."""
    post = idata.posterior
    chains, draws = int(post.sizes["chain"]), int(post.sizes["draw"])
    if n_divergent:
        warnings.warn(
            f"there were {n_divergent} divergences after tuning (of {chains * draws} draws); "
            "increase target_accept or reparameterize the model",
            SamplingWarning,
            stacklevel=3,
        )
    if draws < MIN_DRAWS_FOR_CHECKS or not free_names:
        return
    import arviz as az

    names = [n for n in free_names if n in post]
    if chains > 1:
        rhat = az.rhat(post, var_names=names)
        high = [n for n in names if float(np.nanmax(rhat[n].values)) > RHAT_MAX]
        if high:
            warnings.warn(
                f"r-hat > {RHAT_MAX} for {high}: the chains have not mixed; "
                "sample longer (more tune and draws) or reparameterize",
                SamplingWarning,
                stacklevel=3,
            )
    low = []
    for method in ("bulk", "tail"):
        ess = az.ess(post, var_names=names, method=method)
        low += [n for n in names if float(np.nanmin(ess[n].values)) < ESS_PER_CHAIN_MIN * chains]
    if low:
        warnings.warn(
            f"the effective sample size is below {ESS_PER_CHAIN_MIN} per chain for "
            f"{sorted(set(low), key=low.index)}; estimates of their posterior are unreliable",
            SamplingWarning,
            stacklevel=3,
        )
