"""The model's registry: what it holds, by kind, in registration order, and its
coords. ``Model`` (in ``core.py``) adds the context manager; the mixins in this
package add registration, log-densities, compilation and debugging.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.tensor.type import TensorVariable


class ModelState:
    """The registry behind a ``pg.Model`` (see there)."""

    prefix: str
    _pending_spec: tuple[Any, Any] | None = None  # a symbolic shape for the next variable

    def _init_registry(self) -> None:
        self.named_vars: dict[str, Variable] = {}
        self.free_RVs: list[TensorVariable] = []
        self.observed_RVs: list[TensorVariable] = []
        self.deterministics: list[TensorVariable] = []
        self.potentials: list[TensorVariable] = []
        self.data_vars: list[Variable] = []
        self.rvs_to_values: dict[TensorVariable, TensorVariable] = {}
        self.values_to_rvs: dict[TensorVariable, TensorVariable] = {}
        self.rvs_to_transforms: dict[TensorVariable, Any] = {}
        self.rvs_to_initial_values: dict[TensorVariable, Any] = {}
        self.rvs_to_total_sizes: dict[TensorVariable, Any] = {}
        self.rvs_to_distributions: dict[TensorVariable, Any] = {}
        self.named_vars_to_dims: dict[str, tuple[str | None, ...]] = {}
        self._coords: dict[str, tuple[Any, ...] | None] = {}
        self._dim_lengths: dict[str, int] = {}
        self._caches: dict[Any, Any] = {"version": 0}

    def _share(self, parent: ModelState) -> None:
        for attr in (
            "named_vars", "free_RVs", "observed_RVs", "deterministics", "potentials",
            "data_vars", "rvs_to_values", "values_to_rvs", "rvs_to_transforms",
            "rvs_to_initial_values", "rvs_to_total_sizes", "rvs_to_distributions",
            "named_vars_to_dims", "_coords", "_dim_lengths", "_caches",
        ):  # fmt: skip
            setattr(self, attr, getattr(parent, attr))

    # --- what the model holds ------------------------------------------------

    @property
    def basic_RVs(self) -> list[TensorVariable]:
        """The free random variables, then the observed ones."""
        return [*self.free_RVs, *self.observed_RVs]

    @property
    def value_vars(self) -> list[TensorVariable]:
        """The value variables of the free random variables, in their order."""
        return [self.rvs_to_values[rv] for rv in self.free_RVs]

    @property
    def continuous_value_vars(self) -> list[TensorVariable]:
        """The value variables of float dtype (what ``dlogp`` differentiates)."""
        return [v for v in self.value_vars if v.dtype.startswith("float")]

    @property
    def discrete_value_vars(self) -> list[TensorVariable]:
        """The value variables of integer dtype."""
        return [v for v in self.value_vars if not v.dtype.startswith("float")]

    @property
    def coords(self) -> dict[str, tuple[Any, ...] | None]:
        """Coordinate values by dim name (None for a dim known only by its length)."""
        return dict(self._coords)

    @property
    def dim_lengths(self) -> dict[str, int]:
        """The length of each dim."""
        return dict(self._dim_lengths)

    @property
    def dims(self) -> dict[str, tuple[str | None, ...]]:
        """The dims of each variable given ``dims=`` (by variable name)."""
        return dict(self.named_vars_to_dims)

    def __getitem__(self, key: str) -> Variable:
        for name in (self.prefix + key, key):
            if name in self.named_vars:
                return self.named_vars[name]
        raise KeyError(f"no variable named {key!r} in the model; names: {list(self.named_vars)}")

    def __contains__(self, key: str) -> bool:
        return self.prefix + key in self.named_vars or key in self.named_vars

    # --- coords and dims -----------------------------------------------------

    def add_coord(self, name: str, values: Sequence[Any] | None = None, length: Any = None) -> None:
        """Add a dim: its coordinate ``values``, or just its ``length``.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     m.add_coord("school", ["A", "B", "C"])
            >>> m.dim_lengths
            {'school': 3}
        """
        if not isinstance(name, str):
            raise TypeError(f"a dim name is a str, got {name!r}")
        if values is None and length is None:
            raise ValueError(f"dim {name!r}: give its coordinate values or its length")
        vals = None if values is None else tuple(np.asarray(values).tolist())
        n = len(vals) if vals is not None else int(length)
        if length is not None and vals is not None and int(length) != n:
            raise ValueError(f"dim {name!r}: {n} values but length {length}")
        old = self._dim_lengths.get(name)
        if old is not None and (old != n or self._coords.get(name) not in (None, vals)):
            raise ValueError(
                f"dim {name!r} already has coordinates {self._coords[name]} (length {old}); "
                f"got {vals if vals is not None else 'length ' + str(n)}"
            )
        self._coords[name] = vals
        self._dim_lengths[name] = n

    def add_coords(self, coords: dict[str, Any]) -> None:
        """Add several dims at once (``{name: values}``)."""
        if not isinstance(coords, dict):
            raise TypeError(f"coords is a dict {{dim: values}}, got {type(coords).__name__}")
        for name, values in coords.items():
            self.add_coord(name, values)

    def shape_from_dims(
        self, dims: Any, observed_shape: Sequence[int] | None = None
    ) -> tuple[int, ...]:
        """The shape given by ``dims``; a dim without coords takes its length from
        ``observed_shape`` (and is added), or is an error naming it.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model(coords={"a": [1, 2], "b": ["x", "y", "z"]}) as m:
            ...     m.shape_from_dims(("a", "b"))
            (2, 3)
        """
        names = _as_dims(dims)
        shape = []
        for i, d in enumerate(names):
            if d is not None and d in self._dim_lengths:
                shape.append(self._dim_lengths[d])
            elif observed_shape is not None and i < len(observed_shape):
                shape.append(int(observed_shape[i]))
                if d is not None:
                    self.add_coord(d, length=observed_shape[i])
            else:
                raise ValueError(
                    f"dim {d!r} has no coords in the model; known dims: {list(self._coords)}. "
                    "Give Model(coords={...}) or shape="
                )
        return tuple(shape)


def _as_dims(dims: Any) -> tuple[str | None, ...]:
    if isinstance(dims, str):
        return (dims,)
    if dims is None:
        return ()
    out = tuple(dims)
    for d in out:
        if d is not None and not isinstance(d, str):
            raise TypeError(f"dims are names (str), got {d!r} in {dims!r}")
    return out
