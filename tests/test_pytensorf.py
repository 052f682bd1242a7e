"""pg.floatX / pg.intX (PyMC's dtype casts) against NumPy's casts, and pt.diag,
which PyMC's ODE and factor-analysis model files call, against np.diag."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt


@pytest.mark.parametrize(
    ("float_x", "int_x"), [("float64", "int32"), ("float32", "int16")]
)  # PyMC's pairing (pymc.pytensorf._conversion_map)
def test_arrays_and_scalars_cast_to_the_configured_dtypes(float_x: str, int_x: str) -> None:
    x = np.array([[1.7, -2.2], [3.0, 0.4]])
    with pg.config.change_flags(floatX=float_x):
        f, i = pg.floatX(x), pg.intX(x)
        assert isinstance(f, np.ndarray) and f.dtype == np.dtype(float_x)
        assert isinstance(i, np.ndarray) and i.dtype == np.dtype(int_x)
        np.testing.assert_array_equal(f, x.astype(float_x))
        np.testing.assert_array_equal(i, x.astype(int_x))
        assert pg.floatX(2).dtype == np.dtype(float_x)
        assert pg.intX([1.0, 2.0]).dtype == np.dtype(int_x)


@pytest.mark.parametrize(("float_x", "int_x"), [("float64", "int32"), ("float32", "int16")])
def test_tensors_stay_tensors(float_x: str, int_x: str) -> None:
    v = pt.vector("v", dtype="int64")
    w = pt.vector("w", dtype="float64")
    with pg.config.change_flags(floatX=float_x):
        f, i = pg.floatX(v), pg.intX(w)
    assert isinstance(f, pt.TensorVariable) and f.dtype == float_x
    assert isinstance(i, pt.TensorVariable) and i.dtype == int_x
    got_f = f.eval({v: np.array([1, -3], dtype="int64")})
    got_i = i.eval({w: np.array([2.9, -1.5])})
    assert got_f.dtype == np.dtype(float_x) and got_i.dtype == np.dtype(int_x)
    np.testing.assert_array_equal(got_f, np.array([1, -3]).astype(float_x))
    np.testing.assert_array_equal(got_i, np.array([2.9, -1.5]).astype(int_x))  # truncates


def test_a_tensor_of_the_right_dtype_is_returned_unchanged() -> None:
    w = pt.vector("w", dtype="float64")
    assert pg.floatX(w) is w


def test_pm_names() -> None:
    assert pg.floatX is pg.pytensorf.floatX and pg.intX is pg.pytensorf.intX
    assert {"floatX", "intX"} <= set(pg.__all__)


@pytest.mark.parametrize("k", [0, 1, -1])
def test_diag_against_numpy(k: int) -> None:
    x = np.arange(1.0, 10.0).reshape(3, 3)
    v = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(pt.diag(pt.as_tensor_variable(x), k=k).eval(), np.diag(x, k))
    np.testing.assert_array_equal(pt.diag(pt.as_tensor_variable(v), k=k).eval(), np.diag(v, k))
