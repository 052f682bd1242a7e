"""The Check op: its lowering depends on the check mode of the function being built."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import jax.numpy as jnp
from jax.experimental import checkify

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.config import CheckMode
from ppgraph.graph.basic import Apply
from ppgraph.tensor.check import Check

_state = threading.local()


@contextlib.contextmanager
def lowering_check_mode(mode: CheckMode) -> Iterator[None]:
    """Lower Checks for ``mode`` within the block (set by the linker)."""
    old = getattr(_state, "mode", "-inf")
    _state.mode = mode
    try:
        yield
    finally:
        _state.mode = old


@jax_funcify.register(Check)
def _check(op: Check, node: Apply) -> Callable[..., Any]:
    mode: CheckMode = getattr(_state, "mode", "-inf")
    if mode == "off":
        return lambda value, *conds: value
    if mode == "raise":
        message = op.message()

        def check_raise(value: Any, *conds: Any) -> Any:
            ok = jnp.all(jnp.stack([jnp.all(c) for c in conds])) if conds else True
            checkify.check(ok, message)
            return value

        return check_raise

    def check_inf(value: Any, *conds: Any) -> Any:
        ok = jnp.all(jnp.stack([jnp.all(c) for c in conds])) if conds else True
        return jnp.where(ok, value, -jnp.inf)

    return check_inf
