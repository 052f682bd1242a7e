"""What ``pg.<name>`` says for a PyMC name ppgraph does not have.

``ppgraph/__init__.py``'s module ``__getattr__`` (called only for names the
package lacks) raises ``missing_name(name)``. A suggestion is a dotted path
into ``ppgraph`` (checked when the error is raised, so a name another part of
ppgraph adds later is suggested as soon as it exists) or plain advice.
"""

from __future__ import annotations

import importlib
from typing import Any

_STEP = "ppgraph has no step methods: pg.sample runs NUTS (sampler='blackjax' or 'numpyro')"
_ARVIZ = "use ArviZ on the InferenceData pg.sample returns (az.summary, az.plot_trace, ...)"

# PyMC name -> (ppgraph path to suggest, or None; advice when that path is missing)
PYMC_NAMES: dict[str, tuple[str | None, str]] = {
    **{
        n: (None, _STEP)
        for n in (
            "NUTS",
            "Metropolis",
            "Slice",
            "HamiltonianMC",
            "CompoundStep",
            "BinaryGibbsMetropolis",
            "BinaryMetropolis",
            "CategoricalGibbsMetropolis",
            "DEMetropolis",
            "DEMetropolisZ",
            "MLDA",
            "init_nuts",
        )
    },
    **{n: (None, _ARVIZ) for n in ("summary", "plot_trace", "traceplot", "forestplot", "stats")},
    "MutableData": ("Data", ""),
    "ConstantData": ("Data", ""),
    "sample_blackjax_nuts": ("sample", "pg.sample(sampler='blackjax')"),
    "sample_numpyro_nuts": ("sample", "pg.sample(sampler='numpyro')"),
    "sampling_jax": ("sample", "pg.sample(sampler='blackjax' or 'numpyro')"),
    "compute_log_likelihood": ("pointwise_loglikelihood", ""),
    "compute_log_prior": ("logprior", ""),
    "to_inference_data": (None, "pg.sample already returns ArviZ InferenceData"),
    "floatX": ("config", "pg.config.floatX"),
    "joint_logp": ("Model", "model.logp()"),
    "compile_fn": ("function", ""),
    "inputvars": ("graph_inputs", ""),
    "Point": (None, "a point is a dict keyed by value-variable name, as model.initial_point()"),
    "ADVI": ("fit", "pg.fit(method='advi')"),
    "FullRankADVI": ("fit", "pg.fit(method='fullrank_advi')"),
    "HSGP": ("gp.HSGP", ""),
    "Interval": ("distributions.transforms.Interval", ""),
    "Bound": ("Truncated", "PyMC removed Bound too; use pg.Truncated"),
    "set_tt_rng": (None, "ppgraph draws with explicit JAX keys: pass random_seed="),
    "save_trace": (None, "use idata.to_netcdf(path)"),
    "load_trace": (None, "use arviz.from_netcdf(path)"),
}


def _resolve(path: str) -> Any:
    obj: Any = importlib.import_module("ppgraph")
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def missing_name(name: str) -> AttributeError:
    """The error for ``pg.<name>``: not in ppgraph yet, and what to use instead.

    Example:
        >>> from ppgraph._pymc_names import missing_name
        >>> print(missing_name("MutableData"))
        pg.MutableData is not in ppgraph (a PyMC name): use pg.Data
    """
    if name.startswith("__"):
        return AttributeError(f"module 'ppgraph' has no attribute {name!r}")
    entry = PYMC_NAMES.get(name)
    if entry is None:
        return AttributeError(
            f"module 'ppgraph' has no attribute {name!r}: if pm.{name} is a PyMC name, "
            "it is not in ppgraph yet (pg.__all__ lists what there is; "
            "docs/howto/from_pymc.md the differences)"
        )
    path, advice = entry
    if path is None:
        return AttributeError(f"pg.{name} is not in ppgraph: {advice}")
    if _resolve(path) is not None:
        return AttributeError(
            f"pg.{name} is not in ppgraph (a PyMC name): use {advice or 'pg.' + path}"
        )
    return AttributeError(f"pg.{name} is not in ppgraph yet")
