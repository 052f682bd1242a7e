"""A progress bar for sampling loops.

The samplers move it from the host between jitted blocks of steps, never from
inside a program: a host callback would keep the program out of JAX's
persistent compilation cache and out of ppgraph's stored executables. Each
bar has an id in a registry (``_bars``) while it is open.
"""

from __future__ import annotations

import itertools
import sys
import threading
from typing import Any

__all__ = ["ProgressBar"]

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
