"""Basic and advanced indexing, and set/inc_subtensor, against NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

X = np.arange(120.0).reshape(4, 5, 6) / 10.0
I = np.array([0, 2, 3])
J = np.array([1, -1, 4])
MASK = np.array([True, False, True, False])

# Each index as NumPy takes it; constants in the graph, so static shapes are known.
INDICES: list[Any] = [
    1,
    -1,
    (1, 2, 3),
    slice(1, 3),
    slice(None, None, -1),
    slice(-3, -1),
    slice(3, 0, -2),
    (slice(None, None, 2), 1),
    None,
    (Ellipsis, 0),
    (1, Ellipsis, None),
    (slice(None), None, slice(2, None)),
    I,
    [[0, 1], [2, 3]],
    (I, slice(None), J),  # advanced indices apart: their dims go first
    (slice(None), I, J),  # adjacent: their dims stay in place
    (I, 1),  # an int beside an array counts as advanced (adjacent)
    (I, slice(None), 1),  # ... and apart
    (slice(-2, None), [1, -1]),
    (Ellipsis, I),
    (None, I, None, slice(1, 3)),
    MASK,
    (slice(None), np.array([True, False, True, True, False])),
]


def _ids(index: Any) -> str:
    return repr(index).replace("\n", "").replace(" ", "")[:40]


@pytest.mark.parametrize("index", INDICES, ids=_ids)
def test_static_shape_matches_numpy(index: Any) -> None:
    x = pt.tensor("float64", shape=X.shape, name="x")
    out = x[index]
    assert out.type.shape == X[index].shape


def test_indexing_values_and_gradient() -> None:
    x = pt.tensor("float64", shape=X.shape, name="x")
    u = pt.tensor("float64", shape=(None, None, 6), name="u")  # sizes unknown
    outs = [x[i] for i in INDICES] + [u[i] for i in INDICES]
    wants = [X[i] for i in INDICES] * 2
    for out, want in zip(outs[len(INDICES) :], wants, strict=False):
        assert out.ndim == want.ndim
    compare_jax_and_py([x, u], outs, [X, X], wants, eager=True)
    # one graph for every index's gradient: the pieces flattened and joined
    joined = pt.concatenate([o.flatten() for o in outs[len(INDICES) :]])
    compare_grad(
        [u],
        joined,
        [X],
        lambda a: np.concatenate([a[i].ravel() for i in INDICES]),
        eps=1e-3,  # linear: large steps are exact and round less
        eager=False,
    )


def test_symbolic_indices_with_and_without_jit() -> None:
    x = pt.matrix("x")
    i = pt.scalar("i", dtype="int64")
    idx = pt.vector("idx", dtype="int32")
    xv = np.arange(12.0).reshape(3, 4)
    outs = [x[i], x[:, i], x[idx], x[idx, i], x[1:, idx], x[: x.shape[0] - 1]]
    iv, idxv = np.int64(1), np.array([2, 0, 2], dtype="int32")
    wants = [xv[1], xv[:, 1], xv[idxv], xv[idxv, 1], xv[1:, idxv], xv[:2]]
    compare_jax_and_py([x, i, idx], outs, [xv, iv, idxv], wants, eager=True)
    # x[i:] has a size set by an input value: XLA cannot compile that, and says so
    with pytest.raises(ValueError, match="slice bound"):
        compare_jax_and_py([x, i], x[i:], [xv, iv], xv[1:])
    compare_grad([x, i, idx], outs[4], [xv, iv, idxv], lambda a, b, c: a[1:, c], wrt=[0])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda x: x[4], IndexError, "out of bounds"),
        (lambda x: x[[0, 4]], IndexError, "index 4 is out of bounds for axis 0"),
        (lambda x: x[:, [-6, 0]], IndexError, "index -6 is out of bounds for axis 1"),
        (lambda x: x[0, 0, 0, 0], IndexError, "too many"),
        (lambda x: x[..., ...], IndexError, "single ellipsis"),
        (lambda x: x[::0], ValueError, "step cannot be zero"),
        (lambda x: x[pt.vector("f")], IndexError, "integer"),
        (lambda x: x[True], IndexError, "bool"),
        (lambda x: x[pt.vector("b", dtype="bool")], IndexError, "data-dependent"),
        (lambda x: x[[0, 1], [0, 1, 2]], ValueError, r"\(2,\).*\(3,\)"),
    ],
)
def test_bad_indices_raise_at_construction(
    call: Callable[[Any], Any], error: Any, match: str
) -> None:
    x = pt.tensor("float64", shape=X.shape, name="x")
    with pytest.raises(error, match=match):
        call(x)


def _set(a: np.ndarray, index: Any, y: Any) -> np.ndarray:
    out = a.copy()
    out[index] = y
    return out


def _inc(a: np.ndarray, index: Any, y: Any) -> np.ndarray:
    out = a.copy()
    np.add.at(out, index, y)  # repeated indices accumulate, as in PyTensor
    return out


SETS: list[tuple[Any, tuple[int, ...]]] = [
    (slice(1, 3), (2, 5, 6)),
    ((slice(None), 0), ()),
    ((Ellipsis, 1), (5,)),
    (np.array([0, 2, 0]), (3, 5, 6)),
    ((np.array([1, 3]), slice(None), np.array([0, 5])), (2, 5)),
    ((slice(None, None, -2), 4, slice(1, 3)), (1, 2)),
]


def test_set_and_inc_subtensor() -> None:
    x = pt.tensor("float64", shape=(None, 5, 6), name="x")
    ys = [pt.tensor("float64", shape=shp, name=f"y{k}") for k, (_, shp) in enumerate(SETS)]
    yvs = [np.arange(float(np.prod(shp))).reshape(shp) + 1000 for _, shp in SETS]
    outs, wants = [], []
    for (index, _), y, yv in zip(SETS, ys, yvs, strict=True):
        outs += [pt.set_subtensor(x[index], y), pt.inc_subtensor(x[index], y)]
        wants += [_set(X, index, yv), _inc(X, index, yv)]
    assert all(o.type == x.type for o in outs)
    compare_jax_and_py([x, *ys], outs, [X, *yvs], wants, eager=True)

    def oracle(a: np.ndarray, *bs: np.ndarray) -> np.ndarray:
        pieces = [f(a, i, b) for (i, _), b in zip(SETS, bs, strict=True) for f in (_set, _inc)]
        return np.concatenate([p.ravel() for p in pieces])

    joined = pt.concatenate([o.flatten() for o in outs])
    compare_grad([x, *ys], joined, [X, *yvs], oracle, eps=1e-3, eager=False)


def test_set_subtensor_casts_the_value_and_broadcasts_it() -> None:
    x = pt.vector("x", dtype="int64")
    out = pt.set_subtensor(x[1:], pt.constant([7, 8], dtype="int32"))
    assert out.dtype == "int64"
    compare_jax_and_py([x], out, [np.array([1, 2, 3])], np.array([1, 7, 8]))


@pytest.mark.parametrize(
    ("target", "y", "match"),
    [
        (lambda x: x[0:1], np.ones(3), r"\(3,\) does not fit.*\(1,\)"),
        (lambda x: x[0:2], np.ones(3), r"\(2,\).*\(3,\)"),
        (lambda x: x[1], np.ones((1, 1)), "does not fit"),
    ],
)
def test_set_subtensor_shape_errors(target: Any, y: Any, match: str) -> None:
    x = pt.tensor("float64", shape=(4,), name="x")
    with pytest.raises(ValueError, match=match):
        pt.set_subtensor(target(x), pt.as_tensor_variable(y))


def test_set_subtensor_needs_an_indexed_tensor() -> None:
    with pytest.raises(TypeError, match="indexed tensor"):
        pt.set_subtensor(pt.vector("x"), 0.0)
