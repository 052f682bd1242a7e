"""pg.fit's mean-field ADVI against PyMC's ``pm.fit`` (an outside oracle, the
``oracle`` extra) on the conjugate regression of ``test_fit.py``: both should
land on the optimal mean-field Gaussian, whose mean is the exact posterior
mean and whose sds are the conditional ones, ``1 / sqrt((S^-1)_ii)``.
"""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
from tests.variational.test_fit import NOISE, PRIOR, X, Y, exact, regression

pytest.importorskip("optax")


@pytest.mark.slow
def test_mean_field_advi_agrees_with_pymc() -> None:
    pm = pytest.importorskip("pymc")
    with pm.Model():
        beta = pm.Normal("beta", 0.0, PRIOR, shape=3)
        pm.Normal("y", pm.math.dot(X, beta), NOISE, observed=Y)
        theirs = pm.fit(n=20_000, method="advi", random_seed=1, progressbar=False)
    their_mean = np.asarray(theirs.mean.eval())
    their_sd = np.asarray(theirs.std.eval())
    ours = pg.fit(n=8000, method="advi", model=regression(), random_seed=3, progressbar=False)
    mean, cov = exact()
    conditional_sd = 1 / np.sqrt(np.diag(np.linalg.inv(cov)))
    sd = np.sqrt(np.diag(cov))
    # each against the exact optimum, and the two against each other
    for m, s in ((ours.mean, ours.std), (their_mean, their_sd)):
        np.testing.assert_allclose(m, mean, atol=0.1 * sd.min())
        np.testing.assert_allclose(s, conditional_sd, rtol=0.15)
    np.testing.assert_allclose(ours.mean, their_mean, atol=0.15 * sd.min())
    np.testing.assert_allclose(ours.std, their_sd, rtol=0.2)
