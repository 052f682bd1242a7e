"""A progress bar fed from inside a jitted sampling loop.

The loop calls ``report(bar_id, step)``: a ``jax.debug.callback`` under a
``lax.cond``, so the host is called every ``every`` steps only (a host callback
costs tens of microseconds, as much as a NUTS step of a small model). The bar
is found by id in a registry, so one compiled loop serves every call.
"""

from __future__ import annotations

import itertools
import sys
import threading
from typing import Any

import jax
import numpy as np

__all__ = ["ProgressBar", "report"]

_bars: dict[int, ProgressBar] = {}
_ids = itertools.count(1)
_lock = threading.Lock()


class ProgressBar:
    """A tqdm bar when tqdm is installed (a line on stderr otherwise); a context
    manager whose ``id`` the jitted loop reports to. With ``phases`` (a list of
    ``(first step, label)``) the label follows the steps done."""

    def __init__(
        self,
        total: int,
        desc: str,
        enabled: bool = True,
        phases: list[tuple[int, str]] | None = None,
    ) -> None:
        self.total, self.desc, self.enabled = total, desc, enabled
        self.phases = sorted(phases or [])
        self.id = next(_ids) if enabled else 0
        self.n = 0
        self._bar: Any = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            try:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=self.total, desc=self._label(0), leave=False)
            except ImportError:
                self._bar = None
            with _lock:
                _bars[self.id] = self
        return self

    def _label(self, n: int) -> str:
        label = [lab for first, lab in self.phases if n >= first]
        return f"{self.desc}, {label[-1]}" if label else self.desc

    def update(self, n: int) -> None:
        """Move the bar to ``n`` steps done."""
        if n <= self.n:
            return
        if self._bar is not None:
            self._bar.set_description(self._label(n), refresh=False)
            self._bar.update(n - self.n)
        else:
            print(f"{self._label(n)}: {n}/{self.total}", file=sys.stderr, flush=True)
        self.n = n

    def __exit__(self, *exc: Any) -> None:
        if self.enabled:
            with _lock:
                _bars.pop(self.id, None)
            if self._bar is not None:
                self._bar.close()


def _host_update(bar_id: Any, n: Any) -> None:
    # A host callback must never raise: it would abort the whole computation.
    try:
        bar = _bars.get(int(np.asarray(bar_id)))
        if bar is not None:
            bar.update(int(np.asarray(n)))
    except Exception:  # pragma: no cover - display only
        pass


def report(bar_id: Any, n: Any, every: int, axis_name: str | None = None) -> None:
    """From inside a jitted loop: tell bar ``bar_id`` that ``n`` steps are done,
    when ``n`` is a multiple of ``every`` (on the first device only when the loop
    runs under ``shard_map`` over ``axis_name``)."""
    due = n % every == 0
    if axis_name is not None:
        due = due & (jax.lax.axis_index(axis_name) == 0)
    jax.lax.cond(due, lambda: jax.debug.callback(_host_update, bar_id, n), lambda: None)
