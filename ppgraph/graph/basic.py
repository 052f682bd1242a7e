"""The IR's vocabulary: Type, Variable, Constant, SharedVariable, Apply, Op.

Nodes are immutable once built (a variable's ``name`` is the one piece of
metadata a user may set afterwards). A rewrite never edits a node: it builds
new ones. This module knows nothing of tensors or of JAX.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar


class Type:
    """What a variable may hold. Subclasses are frozen dataclasses (hashable).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.vector("y").type
        TensorType(float64, shape=(None,))
    """

    def make_variable(
        self, owner: Apply | None = None, index: int | None = None, name: str | None = None
    ) -> Variable:
        """A new variable of this type (subclasses return their own variable class)."""
        return Variable(self, owner, index, name)

    def make_constant(self, data: Any, name: str | None = None) -> Constant:
        """A constant of this type holding ``data``."""
        return Constant(self, data, name)

    def is_super(self, other: Type) -> bool:
        """True when every value of ``other`` is also a value of this type."""
        return self == other


class Variable:
    """A value in the graph: an input (``owner is None``) or output ``index`` of ``owner``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> z = x + y
        >>> z.owner.op
        Elemwise{add}
        >>> [v.name for v in z.owner.inputs]
        [None, 'y']
    """

    __slots__ = ("__weakref__", "index", "name", "owner", "tag", "type")

    def __init__(
        self,
        type: Type,
        owner: Apply | None = None,
        index: int | None = None,
        name: str | None = None,
    ) -> None:
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.tag: dict[str, Any] = {}

    def __repr__(self) -> str:
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = self.owner.op
            if len(self.owner.outputs) == 1:
                return f"{op}.0"
            return f"{op}.{self.index}"
        return f"<{type(self).__name__} {self.type}>"

    __str__ = __repr__


class Constant(Variable):
    """A variable whose value is fixed at graph-construction time."""

    __slots__ = ("data",)

    def __init__(self, type: Type, data: Any, name: str | None = None) -> None:
        super().__init__(type, None, None, name)
        self.data = data

    def signature(self) -> tuple[Any, ...]:
        """A hashable key: equal signatures mean interchangeable constants."""
        return (self.type, id(self.data))


class SharedVariable(Variable):
    """An input whose value lives with the graph (random keys, data containers).

    Its value is passed to compiled functions as an argument, so changing it with
    ``set_value`` needs no recompilation while the shape stays the same.
    """

    __slots__ = ("_value",)

    def __init__(self, type: Type, value: Any, name: str | None = None) -> None:
        super().__init__(type, None, None, name)
        self._value = value

    def get_value(self) -> Any:
        """The current value."""
        return self._value

    def set_value(self, value: Any) -> None:
        """Replace the value (validated by subclasses)."""
        self._value = value


class Apply:
    """One application of ``op`` to ``inputs``, producing ``outputs``."""

    __slots__ = ("inputs", "op", "outputs")

    def __init__(self, op: Op, inputs: Sequence[Variable], output_types: Sequence[Type]) -> None:
        self.op = op
        # Lists, as in PyTensor; a node is never changed after it is built.
        self.inputs: list[Variable] = list(inputs)
        self.outputs: list[Variable] = [
            t.make_variable(self, i) for i, t in enumerate(output_types)
        ]

    @property
    def out(self) -> Variable:
        """The single output (error if the op has several)."""
        if len(self.outputs) != 1:
            raise ValueError(f"{self.op} has {len(self.outputs)} outputs; use .outputs")
        return self.outputs[0]

    def __repr__(self) -> str:
        return f"{self.op}({', '.join(map(repr, self.inputs))})"


@dataclasses.dataclass(frozen=True)
class Op:
    """An operation. Subclasses are frozen dataclasses whose fields are the op's
    parameters, so equal ops compare and hash equal and print their parameters.

    Subclasses implement ``make_node`` (check inputs, infer output types).
    """

    default_output: ClassVar[int | None] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Keep ``Elemwise{add}`` as the repr: a dataclass decorator applied after
        # this leaves a __repr__ already in the class dict alone.
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = cls.__str__  # type: ignore[method-assign, assignment]

    def make_node(self, *inputs: Any) -> Apply:
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Any:
        node = self.make_node(*inputs)
        if self.default_output is None:
            return list(node.outputs)
        return node.outputs[self.default_output]

    def props_str(self) -> str:
        """The parameters as printed between braces; empty for none."""
        return ", ".join(str(getattr(self, f.name)) for f in dataclasses.fields(self))

    def __str__(self) -> str:
        props = self.props_str()
        name = type(self).__name__
        return f"{name}{{{props}}}" if props else name

    __repr__ = __str__


FIXED = "fixed"  # the tag of a shared variable whose value never changes


def is_fixed(var: Variable) -> bool:
    """True for a constant, or a shared variable tagged as fixed (never changed).

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> from ppgraph.graph.basic import FIXED, is_fixed
        >>> data = pt.shared(np.arange(3.0))
        >>> is_fixed(data), is_fixed(pt.constant(1.0))
        (False, True)
        >>> data.tag[FIXED] = True
        >>> is_fixed(data)
        True
    """
    return isinstance(var, Constant) or (
        isinstance(var, SharedVariable) and bool(var.tag.get(FIXED))
    )
