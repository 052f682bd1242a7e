"""The base of the transforms, ``Transform``, and their composition ``Chain``
(re-exported by ``ppgraph.logprob.transforms``, whose docstring describes the
conventions)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["Chain", "ChainedTransform", "Transform"]


@dataclasses.dataclass(frozen=True)
class Transform:
    """Base of the transforms. ``name`` gives the value variable's suffix
    (``{rv}_{name}__``); ``ndim_supp`` is 0 for an elementwise bijection and 1
    when the Jacobian couples the last axis (its log-determinant then has one
    dim less than the value)."""

    name: ClassVar[str] = "transform"
    ndim_supp: ClassVar[int] = 0

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        """Constrained -> unconstrained."""
        raise NotImplementedError

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        """Unconstrained -> constrained."""
        raise NotImplementedError

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        """``log |det d backward(value) / d value|``, at the unconstrained ``value``."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class Chain(Transform):
    """Transforms applied in turn (``forward`` in list order, ``backward`` in
    reverse), e.g. ``Chain([log, ordered])`` for increasing positive vectors
    (PyMC's ``Chain`` / ``ChainedTransform``; the value variable is ``{name}_chain__``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import Chain, log, ordered
        >>> y = pt.tensor("float64", shape=(2,), name="y")
        >>> Chain([log, ordered]).backward(y).eval({y: [0.0, 0.0]}).round(4)
        array([1.    , 2.7183])
    """

    name: ClassVar[str] = "chain"

    transforms: tuple[Transform, ...] = ()

    def __post_init__(self) -> None:
        items = tuple(self.transforms)
        bad = [t for t in items if not isinstance(t, Transform)]
        if bad:
            raise TypeError(f"Chain takes a list of Transform instances, got {bad[0]!r}")
        object.__setattr__(self, "transforms", items)

    @property
    def transform_list(self) -> list[Transform]:
        """The transforms, in ``forward`` order (PyMC's attribute name)."""
        return list(self.transforms)

    @property
    def ndim_supp(self) -> int:  # type: ignore[override]
        return max((t.ndim_supp for t in self.transforms), default=0)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for t in self.transforms:
            out = t.forward(out, *params)
        return out

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for t in reversed(self.transforms):
            out = t.backward(out, *params)
        return out

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        # d backward = product of each step's Jacobian, evaluated along the way back
        y = as_tensor_variable(value)
        total: TensorVariable | None = None
        ndim = self.ndim_supp
        for t in reversed(self.transforms):
            term = t.log_jac_det(y, *params)
            extra = term.ndim - (y.ndim - ndim)
            if extra > 0:
                term = sum_(term, axis=tuple(range(-extra, 0)))
            total = term if total is None else total + term
            y = t.backward(y, *params)
        return total if total is not None else m.mul(y, 0.0)


ChainedTransform = Chain
