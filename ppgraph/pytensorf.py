"""PyMC's ``pymc.pytensorf`` helpers that model code calls, where ppgraph needs them.

``collect_default_updates`` exists so a PyMC step function for ``scan``
(``return x_t, collect_default_updates([x_t])``) runs unchanged. ppgraph has no
random-state updates: a loop gives each step a new key itself, so the updates
are always an empty dict, and ``scan`` ignores an updates dict returned beside
the outputs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["collect_default_updates"]


def collect_default_updates(
    outputs: Any = None, inputs: Any = None, must_be_shared: bool = True, **kwargs: Any
) -> dict[Any, Any]:
    """PyMC's random-state updates of ``outputs``: always ``{}`` in ppgraph, where
    keys are explicit and ``pt.scan`` splits them per step.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> from ppgraph.pytensorf import collect_default_updates
        >>> def step(x_tm1):
        ...     x_t = pg.Normal.dist(x_tm1, 1.0)
        ...     return x_t, collect_default_updates([x_t])
        >>> walk = pt.scan(step, outputs_info=pt.constant(0.0), n_steps=4,
        ...                return_updates=False)
        >>> walk.type.shape
        (4,)
    """
    return {}
