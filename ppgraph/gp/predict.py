"""Evaluating GP graphs at a point of the model (``Marginal.predict``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.compile import function
from ppgraph.graph.basic import Variable
from ppgraph.random.op import RandomVariable
from ppgraph.tensor.type import TensorVariable


def evaluate_at_point(
    outputs: Sequence[TensorVariable], point: dict[str, Any], model: Any = None
) -> tuple[Any, ...]:
    """``outputs`` as NumPy arrays, each random variable they depend on set to
    ``point[its name]`` (a missing one is an error naming it).

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.gp.predict import evaluate_at_point
        >>> with pg.Model():
        ...     s = pg.HalfNormal("s", 1.0)
        >>> evaluate_at_point([2.0 * s], {"s": 1.5})
        (array(3.),)
    """
    cut: list[Variable] = []
    missing: list[Variable] = []
    seen: set[Variable] = set()
    stack: list[Variable] = list(outputs)
    while stack:  # walk up from the outputs, stopping at random variables
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v.owner is not None and isinstance(v.owner.op, RandomVariable):
            (cut if v.name in point else missing).append(v)
        elif v.owner is not None:
            stack.extend(v.owner.inputs)
    if missing:
        names = sorted(str(v.name) for v in missing)
        raise ValueError(
            f"predict: point has no value for {names} (given {sorted(point)}); pass "
            "point= with a value for each model variable the prediction depends on"
        )
    fn = function(cut, list(outputs))
    values = fn(*[np.asarray(point[str(v.name)]) for v in cut])
    return tuple(values)
