"""PyMC's ``pymc.pytensorf`` helpers that model code calls, where ppgraph needs them.

``collect_default_updates`` exists so a PyMC step function for ``scan``
(``return x_t, collect_default_updates([x_t])``) runs unchanged. ppgraph has no
random-state updates: a loop gives each step a new key itself, so the updates
are always an empty dict, and ``scan`` ignores an updates dict returned beside
the outputs. ``floatX`` and ``intX`` cast to the configured dtypes, as PyMC's do
(``intX`` is ``int32`` under ``floatX="float64"``, ``int16`` under ``"float32"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Variable
from ppgraph.tensor.elemwise import cast

__all__ = ["collect_default_updates", "floatX", "intX"]

# PyMC's pairing of an integer dtype with each float dtype
_INT_FOR_FLOAT = {"float64": "int32", "float32": "int16", "float16": "int8"}


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


def floatX(x: Any) -> Any:
    """``x`` cast to ``pg.config.floatX``: a ppgraph tensor stays a tensor (a cast
    node), anything else becomes a NumPy array.

    Example:
        >>> import numpy as np, ppgraph as pg, ppgraph.tensor as pt
        >>> pg.floatX(np.array([1, 2])).dtype
        dtype('float64')
        >>> with pg.config.change_flags(floatX="float32"):
        ...     pg.floatX(pt.vector("v", dtype="int64")).dtype
        'float32'
    """
    return _cast(x, config.floatX)


def intX(x: Any) -> Any:
    """``x`` cast to the integer dtype PyMC pairs with ``pg.config.floatX``
    (``int32`` for ``float64``, ``int16`` for ``float32``): a ppgraph tensor stays
    a tensor, anything else becomes a NumPy array.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.intX(np.array([1.0, 2.0])).dtype
        dtype('int32')
        >>> with pg.config.change_flags(floatX="float32"):
        ...     pg.intX(3).dtype
        dtype('int16')
    """
    return _cast(x, _INT_FOR_FLOAT[config.floatX])


def _cast(x: Any, dtype: str) -> Any:
    if isinstance(x, Variable):
        return cast(x, dtype)
    return np.asarray(x, dtype=dtype)
