"""Registering variables in a model: random variables (free or observed, with
their value variables and transforms), deterministics, potentials and data."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.graph.basic import FIXED, SharedVariable, Variable
from ppgraph.logprob.transforms import Transform, get_transform
from ppgraph.model.base import ModelState, _as_dims
from ppgraph.model.missing import DATA_TAG, check_data_value, impute, missing_mask
from ppgraph.model.printing import mark
from ppgraph.model.shapes import SPEC_TAG, resolve_shape
from ppgraph.random.op import is_random_variable
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.type import TensorSharedVariable, TensorType, TensorVariable, shared


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


class RegisterMethods(ModelState):
    """How variables enter a model (mixed into ``pg.Model``)."""

    def _changed(self) -> None:
        version = self._caches["version"] + 1
        self._caches.clear()
        self._caches["version"] = version

    def _new_name(self, name: Any, what: str) -> str:
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what}: the name must be a non-empty str, got {name!r}")
        full = self.prefix + name
        if full in self.named_vars:
            raise ValueError(
                f"{what}: the model already has a variable named {full!r} "
                f"({self.named_vars[full]!r}); names must be unique"
            )
        clash = next((r for v, r in self.values_to_rvs.items() if v.name == full), None)
        if clash is not None:
            raise ValueError(f"{what}: {full!r} is the name of {clash.name}'s value variable")
        return full

    def _set_dims(self, var: Variable, name: str, dims: Any) -> None:
        if dims is None:
            return
        names = _as_dims(dims)
        t = var.type
        assert isinstance(t, TensorType)
        if len(names) != t.ndim:
            raise ValueError(
                f"{name}: dims {names} name {len(names)} dims, but {name} has {t.ndim}"
            )
        for d, size in zip(names, t.shape, strict=True):
            if d is None:
                continue
            known = self._dim_lengths.get(d)
            if known is None and size is not None:
                self.add_coord(d, length=size)
            elif known is not None and size is not None and known != size:
                raise ValueError(
                    f"{name}: dim {d!r} has length {known} in the model's coords, "
                    f"but {name} has size {size} there (shape {t.shape})"
                )
        self.named_vars_to_dims[name] = names

    def rv_shape(
        self, dims: Any = None, observed: Any = None, shape: Any = None, name: str = "variable"
    ) -> tuple[int, ...] | None:
        """The shape a new random variable takes from ``shape``, ``dims`` or
        ``observed`` (None when none gives one). A symbolic ``shape``
        (``x.shape[0]`` of a ``pg.Data``) gives its current ints, and the next
        variable registered follows it after ``pg.set_data`` (``shapes.py``).

        Example:
            >>> import numpy as np, ppgraph as pg
            >>> with pg.Model(coords={"obs": range(3)}) as m:
            ...     x = pg.Data("x", np.zeros(5))
            >>> m.rv_shape(dims="obs"), m.rv_shape(shape=x.shape[0], name="y")
            ((3,), (5,))
        """
        if shape is not None:
            ints, spec = resolve_shape(name, shape)
            self._pending_spec = None if spec is None else (ints, spec)
            return ints
        obs_shape = None if observed is None else _data_shape(observed)
        if dims is not None:
            return self.shape_from_dims(dims, observed_shape=obs_shape)
        return obs_shape

    def register_rv(
        self,
        rv: TensorVariable,
        name: str,
        distribution: Any = None,
        observed: Any = None,
        dims: Any = None,
        initval: Any = None,
        transform: Any = UNSET,
        default_transform: Any = None,
        total_size: Any = None,
    ) -> TensorVariable:
        """Add a random variable made with ``Dist.dist(...)`` under ``name``.

        A free variable gets a value variable: ``name``, or ``{name}_{transform}__``
        when it has a transform (``transform=`` replaces the family's default;
        ``transform=None`` turns it off). ``observed`` data makes it observed.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     s = m.register_rv(pg.HalfNormal.dist(sigma=1.0), "s",
            ...                       default_transform="log")
            >>> m.rvs_to_values[s]
            s_log__
        """
        full = self._new_name(name, f"{getattr(distribution, '__name__', 'variable')}")
        if not is_random_variable(rv):
            raise TypeError(f"{full}: register_rv takes a random variable, got {rv!r}")
        if rv in self.rvs_to_values:
            raise ValueError(f"{full}: this random variable is already in the model as {rv.name!r}")
        if total_size is not None and not isinstance(total_size, int | np.integer):
            raise TypeError(f"{full}: total_size must be an int (the full data size)")
        gap = None if observed is None else missing_mask(observed)
        if gap is not None:  # NaN or masked entries: imputed (see missing.py)
            return impute(self, rv, name, distribution, *gap, dims=dims, transform=transform,
                          default_transform=default_transform, initval=initval)  # fmt: skip
        rv.name = full
        pending, self._pending_spec = getattr(self, "_pending_spec", None), None
        if pending is not None and tuple(rv.type.shape) == pending[0]:
            rv.tag[SPEC_TAG] = pending[1]  # its size follows the data (shapes.py)
        self._set_dims(rv, full, dims)
        if observed is None:
            spec = default_transform if transform is UNSET else transform
            tr = None if spec is None else get_transform(spec, distribution)
            value = self._value_var(rv, full, tr)
            self.free_RVs.append(rv)
            if tr is not None:
                self.rvs_to_transforms[rv] = tr
            if initval is not None:
                self.rvs_to_initial_values[rv] = initval
        else:
            value = self._observed_value(rv, full, observed)
            self.observed_RVs.append(rv)
        self.rvs_to_values[rv] = value
        self.values_to_rvs[value] = rv
        self.rvs_to_distributions[rv] = distribution
        if total_size is not None:
            self.rvs_to_total_sizes[rv] = int(total_size)
        mark(rv, "rv", distribution)
        self.named_vars[full] = rv
        self._changed()
        return rv

    def _value_var(self, rv: TensorVariable, name: str, tr: Transform | None) -> TensorVariable:
        if tr is None:
            return rv.type.make_variable(name=name)
        if not rv.dtype.startswith("float"):
            raise TypeError(
                f"{name}: a transform ({tr.name}) needs a float variable, not {rv.dtype}"
            )
        params = rv.owner.inputs[2:] if rv.owner is not None else []
        shape = tr.forward(rv, *params).type.shape
        if f"{name}_{tr.name}__" in self.named_vars:
            raise ValueError(
                f"{name}: its value variable would be named {name}_{tr.name}__, which is "
                "already a variable of the model"
            )
        return TensorType(rv.dtype, shape).make_variable(name=f"{name}_{tr.name}__")

    def _observed_value(self, rv: TensorVariable, name: str, observed: Any) -> TensorVariable:
        if isinstance(observed, Variable):
            if not isinstance(observed, TensorVariable):
                raise TypeError(f"{name}: observed must be data or a tensor, got {observed!r}")
            if isinstance(observed, SharedVariable):
                _check_nan(name, np.asarray(observed.get_value()))
            return observed if observed.dtype == rv.dtype else cast(observed, rv.dtype)
        try:
            arr = np.asarray(observed)
        except Exception as exc:
            raise TypeError(f"{name}: observed must be array-like, got {observed!r}") from exc
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}: observed data must be numbers, got dtype {arr.dtype}")
        _check_nan(name, arr)
        if np.dtype(rv.dtype).kind in "iu" and arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
                bad = arr[arr != np.round(arr)].ravel()[:3]
                raise ValueError(
                    f"{name}: observed data of a discrete variable must be whole numbers, "
                    f"got {bad.tolist()}"
                )
        if not rv.type.accepts_shape(arr.shape):
            raise ValueError(
                f"{name}: observed data has shape {arr.shape}, but {name} has shape "
                f"{rv.type.shape}; give shape=/dims= matching the data"
            )
        value = shared(arr.astype(rv.dtype), name=f"{name}_observed", static_shape=True)
        # This value is private to the model and never changes (unlike a pg.Data
        # container): conditions on it are decided once, at compile time.
        value.tag[FIXED] = True
        return value

    def register_named(
        self, var: TensorVariable, name: str, kind: str, dims: Any
    ) -> TensorVariable:
        """Add a Deterministic (``kind="deterministic"``), Potential or Data variable."""
        full = self._new_name(name, f"pg.{kind.capitalize()}")
        var.name = full
        self._set_dims(var, full, dims)
        if kind == "data":
            check_data_value(full, var.get_value())  # type: ignore[attr-defined]
            var.tag[DATA_TAG] = True
            self.data_vars.append(var)
        else:
            mark(var, kind)
            (self.deterministics if kind == "deterministic" else self.potentials).append(var)
        self.named_vars[full] = var
        self._changed()
        return var


def _data_shape(observed: Any) -> tuple[int, ...]:
    if isinstance(observed, TensorSharedVariable):
        return tuple(np.shape(observed.get_value()))
    if isinstance(observed, TensorVariable):
        shape = observed.type.shape
        if None in shape:
            return tuple(np.shape(observed.eval()))
        return tuple(int(s) for s in shape if s is not None)
    return tuple(np.shape(observed))


def _check_nan(name: str, arr: np.ndarray) -> None:
    if arr.dtype.kind in "fc" and np.isnan(arr).any():
        where = np.argwhere(np.isnan(arr))[:3].tolist()
        raise ValueError(
            f"{name}: observed data contains {int(np.isnan(arr).sum())} NaN value(s) "
            f"(at {where}{'...' if np.isnan(arr).sum() > 3 else ''}); missing values are "
            "not supported: drop them or model them as a separate free variable"
        )
