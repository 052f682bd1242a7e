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
