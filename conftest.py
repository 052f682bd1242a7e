"""Test-run settings shared by the tests and the doctests.

- XLA programs are cached on disk for the length of one run (JAX's persistent
  compilation cache in a temporary folder), so the xdist workers, the
  subprocess tests and repeated compiles of the same program reuse each other's
  work. The folder is made by the first process (the xdist controller), handed
  to the workers and subprocesses through the environment, and removed at the
  end of the run. Set ``JAX_COMPILATION_CACHE_DIR`` yourself to keep a cache
  across runs.
- A failing test is reported the moment it fails, with a short traceback, not
  only in the summary at the end of a long run.
- Two tiers: ``python -m pytest`` runs the quick one (``-m "not slow"`` in
  pyproject's addopts), ``python -m pytest -m slow`` the rest. Besides tests
  marked ``@pytest.mark.slow`` in their files, the long per-family grids of
  ``tests/distributions`` run a few representative families in the quick tier
  and all of them in the slow tier, and the tests in ``SLOW_TESTS`` (measured:
  the slowest of the suite) are slow wherever they are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import pytest

_OWN_CACHE = "JAX_COMPILATION_CACHE_DIR" not in os.environ
if _OWN_CACHE:
    os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="ppgraph-jax-cache-")
    os.environ["PPGRAPH_TEST_CACHE_OWNER"] = str(os.getpid())
# Programs that compile in under 0.2 s are cheaper to compile than to read back.
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.2")


# Families that the per-family grids of tests/distributions run in the quick tier.
QUICK_FAMILIES = frozenset({
    "Normal", "HalfNormal", "Gamma", "Beta", "Exponential", "Uniform", "StudentT", "Cauchy",
    "Bernoulli", "Binomial", "Poisson", "Categorical", "Geometric",
    "MvNormal", "MvNormal_chol", "Dirichlet",
})  # fmt: skip
GRID_DIRS = ("tests/distributions/",)

# The slowest tests of the suite, run in the slow tier: a node id without parameters
# takes every parametrization, one with them (``[numpyro]``) only that one.
SLOW_TESTS = frozenset({
    "tests/distributions/test_continuous_draws.py::test_draws_match_scipy",
    "tests/distributions/test_continuous_draws.py::test_float32_draws_match_scipy",
    "tests/distributions/test_continuous_checks.py::test_float32",
    "tests/distributions/test_continuous_checks.py::test_invalid_parameters_give_minus_inf",
    "tests/distributions/test_accuracy.py::test_truncated_normal_icdf_far_in_a_tail",
    "tests/distributions/test_accuracy.py::test_inverse_gamma_at_large_shape_in_float32_and_float64",
    "tests/compat/test_zerosum_hurdle.py::test_hurdle_gamma_prior_draws",
    "tests/distributions/test_discrete_extra.py::test_ordered_multinomial_matches_scipy",
    "tests/distributions/test_discrete_extra.py::test_ordered_probit_float32_and_far_tail",
    "tests/distributions/test_discrete_extra.py::test_compute_p_deterministics",
    "tests/distributions/test_discrete.py::test_icdf_check_modes_keep_the_dtype",
    "tests/distributions/test_discrete.py::test_icdf_at_a_tie",
    "tests/distributions/test_hurdle.py::test_hurdle_negative_binomial_rare_positives",
    "tests/distributions/test_hurdle.py::test_draws",
    "tests/distributions/test_hurdle.py::test_hurdle_poisson_positive_part",
    "tests/distributions/test_hurdle.py::test_logp_and_logcdf_match_scipy",
    "tests/distributions/test_multivariate_extra.py::test_wishart_and_stick_breaking_draws",
    "tests/distributions/test_multivariate_extra.py::test_gaussian_draws_have_the_mean_and_covariance",
    "tests/distributions/test_multivariate_extra.py::test_float32",
    "tests/distributions/test_multivariate_extra.py::test_polyagamma_logp_against_mpmath_and_its_moments",
    "tests/distributions/test_multivariate_lkj.py::test_lkjcorr_draws_have_beta_marginals",
    "tests/distributions/test_multivariate_lkj.py::test_lkjcorr_n2_is_a_scaled_beta_and_its_gradient",
    "tests/distributions/test_multivariate.py::test_count_draws_have_the_moments",
    "tests/distributions/test_multivariate.py::test_dirichlet_draws_have_beta_marginals",
    "tests/distributions/test_multivariate.py::test_mvstudentt_draws_have_t_marginals",
    "tests/distributions/test_censored.py::test_logp_logcdf_icdf_match_scipy",
    "tests/distributions/test_continuous_extra.py::test_interpolated_draws",
    "tests/distributions/test_mixture.py::test_draws_follow_the_mixture",
    "tests/test_docs.py::test_page_examples_run",
    "tests/test_docs.py::test_readme_example_runs",
    "tests/test_docs.py::test_site_builds_with_the_whole_api_and_the_notebooks",
    "tests/model/test_model.py::test_initial_point_is_inside_the_support",
    "tests/gp/test_hsgp.py::test_hsgp_matern_and_scaled_kernel_2d",
    "tests/gp/test_hsgp.py::test_hsgp_error_decreases_as_m_grows",
    "tests/gp/test_gp.py::test_not_positive_definite_is_minus_inf_or_a_named_error",
    "tests/ode/test_ode.py::test_one_compartment_pharmacokinetics_against_the_bateman_function",
    "tests/test_notebooks.py::test_notebook_runs_in_a_fresh_kernel",
    "tests/test_notebooks.py::test_a_ppgraph_warning_fails_a_notebook_and_others_do_not",
    "tests/sampling/test_sbc.py::test_ranks_of_the_truth_are_uniform",
    "tests/sampling/test_sbc.py::test_float32_end_to_end",
    "tests/sampling/test_sharded.py::test_sharded_chains_over_four_cpu_devices",
    "tests/distributions/test_accuracy.py::test_wald_icdf",
    "tests/distributions/test_special_inverses.py::test_the_graph_ops_eager_vmap_and_float32",
    "tests/tensor/test_math.py::test_values",
    "tests/tensor/test_math.py::test_gradient",
    "tests/sampling/test_external.py::test_numpyro_by_hand",
    "tests/sampling/test_external.py::test_blackjax_by_hand",
    "tests/sampling/test_sample.py::test_eight_schools_matches_the_reference_posterior[numpyro]",
    "tests/sampling/test_sample.py::test_inference_data_groups_coords_and_stats[numpyro]",
    "tests/sampling/test_sample.py::test_log_likelihood_can_be_skipped[numpyro]",
    "tests/distributions/test_multivariate_lkj.py::test_lkj_transforms_round_trip_and_log_jacobian",
    "tests/distributions/test_multivariate_lkj.py::test_lkjcholeskycov_draws_and_helper",
    "tests/distributions/test_timeseries.py::test_draws_match_numpy_recursions",
    "tests/distributions/test_timeseries.py::test_logp_in_float32",
    "tests/variational/test_fit.py::test_fullrank_recovers_mean_and_covariance",
    "tests/sampling/test_find_map.py::test_mode_of_a_gamma_posterior_in_its_own_space",
    "tests/distributions/test_special_inverses.py::test_matches_scipy_in_float64",
    "tests/distributions/test_special_inverses.py::test_icdf_dtype_follows_the_distribution",
    "tests/distributions/test_special_inverses.py::test_ends_and_invalid_arguments",
    "tests/distributions/test_truncated.py::test_rejection_sampler_for_a_base_without_icdf",
    "tests/distributions/test_truncated.py::test_far_tails_stay_finite",
    "tests/distributions/test_truncated.py::test_discrete_base_keeps_both_bounds",
    "tests/distributions/test_truncated.py::test_normal_draws",
    "tests/rewrite/test_property.py::test_rewritten_graphs_compute_the_same_values",
    "tests/sampling/test_compile_cache.py::test_persistent_cache_folder_opt_out_and_the_users_own_folder",
    "tests/test_pickle.py::test_in_a_spawned_worker_process",
    "tests/test_pickle.py::test_logdensity_round_trip",
    "tests/test_compile.py::test_importing_ppgraph_changes_no_jax_setting",
    "tests/distributions/test_truncated.py::test_normal_logp_logcdf_icdf_match_truncnorm",
    "tests/distributions/test_truncated.py::test_gradients",
    "tests/tensor/test_linalg.py::test_solve_triangular",
    "tests/tensor/test_linalg.py::test_matrix_functions_values",
    "tests/tensor/test_linalg.py::test_matrix_function_gradients",
    "tests/test_math.py::test_matrix_helpers_match_numpy",
    "tests/test_math.py::test_helper_gradients",
    "tests/tensor/test_special.py::test_softmax_gradients",
    "tests/tensor/test_special.py::test_xlogx_and_invlogit",
    "tests/tensor/test_numpy_interop.py::test_every_mapped_ufunc_matches_numpy",
    "tests/tensor/test_extra_ops.py::test_cumulative_ops_gradients",
    "tests/tensor/test_extra_ops.py::test_repeat_tile_sort_gradients",
    "tests/tensor/test_subtensor.py::test_set_and_inc_subtensor",
    "tests/tensor/test_reduction.py::test_reduction_gradient_without_jit",
    "tests/distributions/test_timeseries.py::test_mv_gaussian_walk_draws_have_the_covariance",
    "tests/distributions/test_continuous_draws.py::test_batched_draws",
    "tests/distributions/test_accuracy.py::test_discrete_icdf_outside_the_unit_interval_is_nan",
})  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        base = item.nodeid.split("[", 1)[0]
        if base in SLOW_TESTS or item.nodeid in SLOW_TESTS:
            item.add_marker(slow)
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is None or not item.nodeid.startswith(GRID_DIRS):
            continue
        family = str(callspec.id).split("-", 1)[0]
        if family[:1].isupper() and family not in QUICK_FAMILIES:
            item.add_marker(slow)


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Print a failure as soon as it happens (the controller sees workers' reports);
    with ``PPGRAPH_DURATIONS_FILE`` set, append each test's duration to that file."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    log = os.environ.get("PPGRAPH_DURATIONS_FILE")
    if log:
        with open(log, "a") as f:
            f.write(f"{report.duration:.2f} {report.when} {report.nodeid}\n")
    if not report.failed:
        return
    config = _REPORTER.get("config")
    reporter = config.pluginmanager.get_plugin("terminalreporter") if config else None
    if reporter is None:
        return
    reporter.write("\n")
    reporter.write_line(f"FAILED {report.nodeid} ({report.when})", red=True, bold=True)
    text = getattr(report, "longreprtext", "") or str(report.longrepr)
    lines = text.splitlines()
    for line in lines[-25:]:
        reporter.write_line("    " + line)


_REPORTER: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    if _is_controller(config):
        _REPORTER["config"] = config


def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get("PPGRAPH_TEST_CACHE_OWNER") == str(os.getpid()):
        shutil.rmtree(os.environ["JAX_COMPILATION_CACHE_DIR"], ignore_errors=True)
