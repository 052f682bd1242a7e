"""verify: a well-formed graph passes; a hand-broken node raises GraphError whose
message shows the node, its inputs and their types."""

from __future__ import annotations

import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.type import TensorType


def test_good_graphs_pass() -> None:
    x, y = pt.scalar("x"), pt.vector("y")
    pg.verify(pt.log(x + y))
    pg.verify([pt.exp(y), pt.sum(y)])
    m = pt.matrix("m")
    pg.verify(list(pt.slogdet(m)))
    pg.verify(pt.random.normal(0, 1, size=3))


def test_wrong_output_type_is_shown_with_its_inputs() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    e.type = TensorType("float32", (None,))  # break the IR by hand
    with pytest.raises(pg.GraphError) as info:
        pg.verify(pt.log(pt.cast(e, "float64")))
    msg = str(info.value)
    assert "output 0 of Elemwise{exp} has type TensorType(float32" in msg
    assert "inputs give TensorType(float64, shape=(None,))" in msg
    assert "x : TensorType(float64, shape=(None,))   <- input" in msg
    assert ">>> Elemwise{exp}(x)" in msg
    assert "used by" in msg
    assert isinstance(info.value, ValueError)


def test_wrong_input_is_reported() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    m = pt.matrix("m")
    e.owner.inputs[0] = m  # type: ignore[union-attr]
    pattern = r"(?s)shape=\(None,\).*inputs give.*m : TensorType.*>>> Elemwise\{exp\}\(m\)"
    with pytest.raises(pg.GraphError, match=pattern):
        pg.verify(e)


def test_output_not_pointing_back_is_reported() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    e.index = 1
    with pytest.raises(pg.GraphError, match="does not point back"):
        pg.verify(pt.log(e))


def test_op_rejecting_its_inputs_is_reported() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    e.owner.inputs.append(x)  # type: ignore[union-attr]  # exp takes one input
    with pytest.raises(pg.GraphError, match=r"(?s)Elemwise\{exp\} rejects its inputs.*>>> "):
        pg.verify(e)
