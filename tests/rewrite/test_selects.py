"""A select on a summed discrete value moved out of the elementwise work it
feeds (``rewrite/selects.py``): the same values as a NumPy loop, the work on
the branches left independent of the summed value, and left alone where the
branches depend on it or two conditions differ."""

from __future__ import annotations

import numpy as np
import scipy.special as sp
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.traversal import ancestors, toposort
from ppgraph.rewrite.selects import hoist_selects

T = np.arange(8.0)
Y = np.array([3, 0, 2, 5, 1, 1, 0, 4])


def poisson_of_switch() -> tuple[list, pt.TensorVariable]:
    s, log_a, log_b = pt.scalar("s"), pt.scalar("log_a"), pt.scalar("log_b")
    rate = pt.switch(s >= T, pt.exp(log_a), pt.exp(log_b))
    out = pt.sum(pt.xlogy(Y, rate) - rate - sp.gammaln(Y + 1))
    return [s, log_a, log_b], out


def test_values_against_a_numpy_loop() -> None:
    inputs, out = poisson_of_switch()
    [new] = hoist_selects([out], [inputs[0]])
    f = pg.function(inputs, new)
    for s in (-1.0, 0.0, 3.0, 7.0):
        want = st.poisson.logpmf(Y, np.where(s >= T, 2.0, 0.5)).sum()
        np.testing.assert_allclose(f(s, np.log(2.0), np.log(0.5)), want, rtol=1e-12)


def test_only_the_select_and_the_sum_involve_the_summed_value() -> None:
    inputs, out = poisson_of_switch()
    s = inputs[0]
    [new] = hoist_selects([out], [s])
    involved = [n for n in toposort([new]) if s in set(ancestors(n.inputs))]
    ops = sorted({str(n.op) for n in involved})
    # before: the xlogy, the subtractions and the select all depend on s
    assert "Elemwise{xlogy}" not in ops and "Elemwise{sub}" not in ops, ops
    assert "Elemwise{where}" in ops
    before = {str(n.op) for n in toposort([out]) if s in set(ancestors(n.inputs))}
    assert "Elemwise{xlogy}" in before


def test_left_alone_when_a_branch_or_another_input_involves_the_summed_value() -> None:
    s, a = pt.scalar("s"), pt.scalar("a")
    branch_on_s = pt.log(pt.switch(s >= T, a, s + 1.0))
    other_on_s = pt.log(pt.switch(s >= T, a, 2.0)) * s
    [new1, new2] = hoist_selects([branch_on_s, other_on_s], [s])
    assert new1 is branch_on_s  # untouched
    assert str(new2.owner.op) == "Elemwise{mul}"  # the log moved, the product kept
    f = pg.function([s, a], [new1, new2])
    got = f(3.0, 1.5)
    np.testing.assert_allclose(got[0], np.log(np.where(3.0 >= T, 1.5, 4.0)))
    np.testing.assert_allclose(got[1], 3.0 * np.log(np.where(3.0 >= T, 1.5, 2.0)))


def test_two_conditions_are_left_alone() -> None:
    s, a, b = pt.scalar("s"), pt.scalar("a"), pt.scalar("b")
    first, second = pt.switch(s >= T, a, b), pt.switch(s <= T, a, b)
    out = first * second
    [new] = hoist_selects([out], [s])
    assert str(new.owner.op) == "Elemwise{mul}"
    np.testing.assert_allclose(
        pg.function([s, a, b], new)(4.0, 2.0, 3.0),
        np.where(4.0 >= T, 2.0, 3.0) * np.where(4.0 <= T, 2.0, 3.0),
    )
