"""TensorType, constructors and constants: dtypes and static shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.type import TensorType


def test_tensor_type_normalizes_and_compares() -> None:
    t = TensorType(np.float32, [None, 3])
    assert t == TensorType("float32", (None, 3)) and hash(t) == hash(
        TensorType("float32", (None, 3))
    )
    assert repr(t) == "TensorType(float32, shape=(None, 3))"
    assert t.ndim == 2 and t.broadcastable == (False, False)
    assert TensorType("float64", (1, 2)).broadcastable == (True, False)
    assert t.accepts_shape((5, 3)) and not t.accepts_shape((5, 4)) and not t.accepts_shape((3,))
    assert t.is_super(TensorType("float32", (2, 3))) and not t.is_super(
        TensorType("float64", (2, 3))
    )
    assert not TensorType("float32", (2, 3)).is_super(t)
    with pytest.raises(ValueError, match="negative"):
        TensorType("float64", (-1,))


@pytest.mark.parametrize("floatx", ["float64", "float32"])
def test_constructors_take_floatx(floatx: str) -> None:
    with pg.config.change_flags(floatX=floatx):
        made = [
            pt.scalar("s"),
            pt.vector("v"),
            pt.matrix("m"),
            pt.tensor(shape=(None, 2, 3), name="t"),
            pt.tensor("X", shape=(2,)),
        ]
    assert [v.dtype for v in made] == [floatx] * 5
    assert [v.type.shape for v in made] == [(), (None,), (None, None), (None, 2, 3), (2,)]
    assert made[4].name == "X"
    assert pt.vector("i", dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="dims"):
        pt.vector("v", shape=(2, 3))


@pytest.mark.parametrize(
    ("value", "floatx", "dtype", "shape"),
    [
        (1.5, "float64", "float64", ()),
        (1.5, "float32", "float32", ()),
        (2, "float32", "int64", ()),
        (True, "float64", "bool", ()),
        ([1.0, 2.0], "float32", "float32", (2,)),
        ([1, 2], "float32", "int64", (2,)),
        (np.float32(1.0), "float64", "float32", ()),
        (np.arange(6, dtype="int16").reshape(2, 3), "float64", "int16", (2, 3)),
        (np.zeros((2, 0)), "float32", "float64", (2, 0)),  # an array keeps its dtype
    ],
)
def test_constants(value: Any, floatx: str, dtype: str, shape: tuple[int, ...]) -> None:
    with pg.config.change_flags(floatX=floatx):
        c = pt.constant(value)
    assert (c.dtype, c.type.shape) == (dtype, shape)  # constants have static shapes
    np.testing.assert_array_equal(c.data, np.asarray(value))
    with pytest.raises(ValueError, match="read-only"):
        c.data[...] = 0


def test_python_float_constant_is_not_narrowed() -> None:
    # PyTensor stores 0.1 as float32 when exact enough; here it is float64 0.1.
    c = pt.as_tensor_variable(0.1)
    assert c.dtype == "float64" and float(c.data) == 0.1
    assert float(pt.constant(5.0).data) == 5.0 and pt.constant(5.0).dtype == "float64"


def test_as_tensor_variable_passes_tensors_through_and_stacks_lists() -> None:
    x = pt.scalar("x")
    assert pt.as_tensor_variable(x) is x
    out = pt.as_tensor_variable([x, 2.0])
    assert out.type == TensorType("float64", (2,))
    np.testing.assert_array_equal(out.eval({x: 1.0}), [1.0, 2.0])


def test_constant_with_dtype() -> None:
    assert pt.constant(3, dtype="float32").dtype == "float32"
    with pytest.raises(TypeError, match="cannot make a tensor constant"):
        pt.constant("abc", dtype="float32")


def test_shared_variables() -> None:
    d = pt.shared(np.zeros((2, 3)), name="d")
    assert d.type == TensorType("float64", (None, None))
    assert pt.shared([1, 2], static_shape=True).type == TensorType("int64", (2,))
    d.set_value(np.ones((4, 3)))
    np.testing.assert_array_equal(d.get_value(), np.ones((4, 3)))
    with pytest.raises(TypeError, match="float64"):
        d.set_value(np.array([[1 + 2j]]))
    s = pt.shared(np.zeros(2), name="s", static_shape=True)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        s.set_value(np.zeros(3))


def test_variable_attributes() -> None:
    x = pt.tensor("float32", shape=(2, None), name="x")
    assert (x.name, x.dtype, x.ndim) == ("x", "float32", 2)
    assert x.T.type.shape == (None, 2)
    assert x.astype("float64").dtype == "float64"
