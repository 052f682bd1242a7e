"""Standard ``pickle`` for the pure log-density functions of ``pg.logdensity``
(``LogDensity``), so they can go to worker processes (``multiprocessing`` with
spawn, ``concurrent.futures``) without cloudpickle.

The lowered function inside pickles as the graph it was built from and is
lowered again when unpickled (``ppgraph.compile._Pure``); the model's data go
along as copies. Registered with ``copyreg`` when ``ppgraph.sampling`` is
imported.

Example:
    >>> import pickle, jax, ppgraph as pg
    >>> with pg.Model() as m:
    ...     x = pg.Normal("x", 0.0, 1.0)
    >>> fn, position = pg.logdensity(m)
    >>> again = pickle.loads(pickle.dumps(fn))
    >>> with jax.enable_x64(True):
    ...     float(again({"x": 0.0}))
    -0.9189385332046727
"""

from __future__ import annotations

import copyreg
from typing import Any

from ppgraph.sampling.logdensity import LogDensity

__all__: list[str] = []


def _first(outs: list[Any]) -> Any:
    return outs[0]


def _reduce(fn: LogDensity) -> tuple[Any, ...]:
    state = dict(fn.__dict__)
    combine = state.get("_combine")
    if getattr(combine, "__qualname__", "").startswith("LogDensity.__init__.<locals>"):
        state["_combine"] = _first  # the default: the single output
    return (_restore, (state,))


def _restore(state: dict[str, Any]) -> LogDensity:
    fn = LogDensity.__new__(LogDensity)
    fn.__dict__.update(state)
    return fn


copyreg.pickle(LogDensity, _reduce)
