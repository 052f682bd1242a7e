"""The Check op: its lowering depends on the check mode of the function being built.

In "raise" mode a Check reports whether its conditions hold. Inside
``collecting_checks`` (how ``pg.function`` traces) the flag is collected and
returned from the jitted call, and Python raises ``ParameterValueError`` after
it: one small extra output, much cheaper per call than ``checkify``. Traced
elsewhere, a raise-mode Check falls back to ``checkify.check``. A Check's NaN
flags (``Check.nan``) are reported first, each as ``sigma is NaN``, and the
condition only when no parameter is NaN.
"""

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


@contextlib.contextmanager
def collecting_checks() -> Iterator[list[tuple[str, Any]]]:
    """While tracing within the block, raise-mode Checks append ``(message, ok)``
    to the list yielded, in the order they are computed, instead of calling
    ``checkify``. ``ok`` is a boolean scalar (a tracer under ``jax.jit``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.backend.jax.linker import lower
        >>> s = pt.scalar("s")
        >>> f = lower([s], [pt.check(s, s > 0, msg="s > 0")], [], "raise")
        >>> with collecting_checks() as found:
        ...     _ = f(-1.0)
        >>> [(msg, bool(ok)) for msg, ok in found]
        [('s > 0', False)]
    """
    old = getattr(_state, "collector", None)
    found: list[tuple[str, Any]] = []
    _state.collector = found
    try:
        yield found
    finally:
        _state.collector = old


def _all(conds: tuple[Any, ...]) -> Any:
    if not conds:
        return jnp.asarray(True)
    return jnp.all(jnp.stack([jnp.all(c) for c in conds]))


@jax_funcify.register(Check)
def _check(op: Check, node: Apply) -> Callable[..., Any]:
    mode: CheckMode = getattr(_state, "mode", "-inf")
    if mode == "off":
        return lambda value, *conds: value
    if mode == "raise":
        message = op.message()
        nan_messages = [op.nan_message(p) for p in op.nan]
        n_main = len(node.inputs) - 1 - len(op.nan)

        def check_raise(value: Any, *conds: Any) -> Any:
            main, not_nan = conds[:n_main], conds[n_main:]
            # NaN parameters first, each by name; then the condition, reported
            # only when no parameter is NaN (a NaN fails "sigma > 0" too).
            reports = [(m, jnp.all(c)) for m, c in zip(nan_messages, not_nan, strict=True)]
            ok = _all(main) | ~_all(not_nan) if not_nan else _all(main)
            reports.append((message, ok))
            collector = getattr(_state, "collector", None)
            for msg, flag in reports:
                if collector is None:
                    checkify.check(flag, msg)
                else:
                    collector.append((msg, flag))
            return value

        return check_raise

    def check_inf(value: Any, *conds: Any) -> Any:
        value = jnp.asarray(value)
        # an integer value (a discrete quantile) keeps its dtype: its lowest value
        floating = jnp.issubdtype(value.dtype, jnp.inexact)
        fill = -jnp.inf if floating else jnp.iinfo(value.dtype).min
        return jnp.where(_all(conds), value, jnp.asarray(fill, value.dtype))

    return check_inf
