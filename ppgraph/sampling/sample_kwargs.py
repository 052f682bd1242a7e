"""PyMC's ``pm.sample`` keywords, read by ``pg.sample`` with PyMC's meaning.

Each keyword either maps onto one of ppgraph's options, or is refused with a
clear error (or, for process settings that have no meaning when JAX runs all
chains in one jitted call, a warning), never silently dropped.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["SampleOptions", "pymc_seed", "resolve_options"]

UNSUPPORTED_SAMPLERS = ("pymc", "nutpie")
# PyMC keywords about processes and compilation: JAX runs the chains in one call.
PROCESS_KWARGS = {"mp_ctx": None, "blas_cores": "auto", "compile_kwargs": None,
                  "progressbar_theme": None, "keep_warning_stat": False}  # fmt: skip
IDATA_KWARGS = ("log_likelihood", "include_transformed")
NUTS_KWARGS = ("target_accept", "chain_method", "jitter")


@dataclasses.dataclass
class SampleOptions:
    """ppgraph's options after PyMC's keywords are applied.

    Example:
        >>> SampleOptions(sampler="numpyro").target_accept
        0.8
    """

    sampler: str = "blackjax"
    chains: int = 4
    target_accept: float = 0.8
    progress_bar: bool = True
    chain_method: str = "vectorized"
    jitter: float = 1.0
    jitter_max_retries: int = 10
    log_likelihood: bool = True
    include_transformed: bool = False
    advi_init: bool = False
    n_init: int = 200_000


def _one(name: str, ours: Any, pymc_name: str, theirs: Any, default: Any) -> Any:
    if ours is not None and theirs is not None and ours != theirs:
        raise ValueError(f"pg.sample: {name}={ours!r} and {pymc_name}={theirs!r} disagree")
    for v in (ours, theirs):
        if v is not None:
            return v
    return default


def resolve_options(
    chains: Any, sampler: Any, nuts_sampler: Any, target_accept: Any, progress_bar: Any,
    progressbar: Any, cores: Any, chain_method: str, jitter: float, log_likelihood: Any,
    idata_kwargs: Mapping[str, Any] | None, nuts_sampler_kwargs: Mapping[str, Any] | None,
    discard_tuned_samples: bool, extra: Mapping[str, Any],
) -> SampleOptions:  # fmt: skip
    """``SampleOptions`` from ``pg.sample``'s arguments and PyMC's keywords
    (``extra`` holds the keywords PyMC's ``pm.sample`` takes beyond ours).

    Example:
        >>> o = resolve_options(None, None, "numpyro", None, None, False, 2, "vectorized", 1.0,
        ...                     None, {"log_likelihood": False}, None, True, {"init": "auto"})
        >>> o.sampler, o.chains, o.progress_bar, o.log_likelihood
        ('numpyro', 2, False, False)
    """
    if cores is not None and (not isinstance(cores, int | np.integer) or cores < 1):
        raise ValueError(f"pg.sample: cores must be a positive int, got {cores!r}")
    if chains is None:
        chains = 4 if cores is None else max(2, int(cores))
    if nuts_sampler in UNSUPPORTED_SAMPLERS:
        raise ValueError(
            f"pg.sample: nuts_sampler={nuts_sampler!r} is PyMC's own sampler; ppgraph runs "
            "NUTS with BlackJAX or NumPyro: nuts_sampler='blackjax' or 'numpyro'"
        )
    nuts_target = _nuts_dict(extra)
    bar = None if progressbar is None else bool(progressbar)
    opts = SampleOptions(
        sampler=_one("sampler", sampler, "nuts_sampler", nuts_sampler, "blackjax"),
        chains=chains,
        target_accept=_one("target_accept", target_accept, "nuts", nuts_target, 0.8),
        progress_bar=bool(_one("progress_bar", progress_bar, "progressbar", bar, True)),
        chain_method=chain_method,
        jitter=jitter,
        log_likelihood=True if log_likelihood is None else bool(log_likelihood),
    )
    if not discard_tuned_samples:
        raise NotImplementedError(
            "pg.sample: discard_tuned_samples=False is not supported: the BlackJAX and "
            "NumPyro warm-up loops do not keep their draws"
        )
    _apply_idata_kwargs(opts, idata_kwargs)
    _apply_nuts_kwargs(opts, nuts_sampler_kwargs)
    _apply_extra(opts, extra)
    return opts


def _nuts_dict(extra: Mapping[str, Any]) -> Any:
    nuts = extra.get("nuts")
    if nuts is None:
        return None
    if not isinstance(nuts, Mapping) or set(nuts) - {"target_accept"}:
        raise ValueError(f"pg.sample: nuts= takes {{'target_accept': ...}} only, got {nuts!r}")
    return nuts.get("target_accept")


def _apply_idata_kwargs(opts: SampleOptions, idata_kwargs: Mapping[str, Any] | None) -> None:
    for key, value in (idata_kwargs or {}).items():
        if key not in IDATA_KWARGS:
            raise ValueError(
                f"pg.sample: idata_kwargs {key!r} is not supported; supported: {list(IDATA_KWARGS)}"
            )
        setattr(opts, key, bool(value))


def _apply_nuts_kwargs(opts: SampleOptions, kwargs: Mapping[str, Any] | None) -> None:
    for key, value in (kwargs or {}).items():
        if key not in NUTS_KWARGS:
            raise ValueError(
                f"pg.sample: nuts_sampler_kwargs {key!r} is not supported; supported: "
                f"{list(NUTS_KWARGS)}"
            )
        setattr(opts, key, value)


def _apply_extra(opts: SampleOptions, extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if key == "nuts":
            continue
        if key == "step":
            if value is not None:
                raise NotImplementedError(
                    "pg.sample: step= (PyMC's step methods) is not supported; ppgraph samples "
                    "with NUTS only (nuts_sampler='blackjax' or 'numpyro')"
                )
        elif key == "init":
            if value in ("adapt_diag",):
                opts.jitter = 0.0
            elif value in ("advi", "advi+adapt_diag"):
                opts.advi_init = True  # chains start at draws from an ADVI fit (pg.fit)
            elif value not in ("auto", "jitter+adapt_diag"):
                raise NotImplementedError(
                    f"pg.sample: init={value!r} is not supported; ppgraph starts chains like "
                    "PyMC's 'jitter+adapt_diag' (the default), 'adapt_diag', 'advi' or "
                    "'advi+adapt_diag'"
                )
        elif key == "jitter_max_retries":
            opts.jitter_max_retries = int(value)
        elif key == "n_init":
            opts.n_init = int(value)  # the ADVI steps of init="advi"
        elif key in ("trace", "callback"):
            if value is not None:
                raise NotImplementedError(f"pg.sample: {key}= is not supported")
        elif key in PROCESS_KWARGS:
            if value != PROCESS_KWARGS[key]:
                warnings.warn(
                    f"pg.sample: {key}={value!r} has no effect: JAX runs all chains in one "
                    "jitted call in this process",
                    UserWarning,
                    stacklevel=3,
                )
        else:
            raise TypeError(f"pg.sample() got an unexpected keyword argument {key!r}")


def pymc_seed(random_seed: Any, chains: int) -> Any:
    """A ``random_seed`` ``seed_key`` takes, from any of PyMC's kinds: also a
    sequence of ints (one per chain, as PyMC takes it) or a NumPy RandomState.

    Example:
        >>> pymc_seed([1, 2], chains=2).shape
        (2,)
    """
    if isinstance(random_seed, np.random.RandomState):
        return int(random_seed.randint(0, 2**31 - 1))
    if isinstance(random_seed, Sequence) and not isinstance(random_seed, str):
        if len(random_seed) != chains:
            raise ValueError(
                f"pg.sample: random_seed has {len(random_seed)} seeds for {chains} chains"
            )
        ints = [int(s) for s in random_seed]
        import jax.numpy as jnp

        return jnp.asarray(np.random.SeedSequence(ints).generate_state(2, dtype=np.uint32))
    return random_seed
