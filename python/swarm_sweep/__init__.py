"""swarm-sweep from Python: the SWARM simulation engine (bit for bit the
reference swarm-safety 1.9.0) and its sweeps, in process.

    import swarm_sweep
    r = swarm_sweep.run("scenarios/baseline.yaml", seed=7)
    r.epochs            # pyarrow Table, one row per epoch
    s = swarm_sweep.sweep("sweeps/circuit_breaker.yaml", out="results/cb")
    s.comparisons       # pyarrow Table

``swarm_sweep.compat`` runs swarm-safety code (``run_scenario``,
``SweepRunner``) on this engine.
"""

from . import _native
from ._api import Analysis, Check, ConfigCheck, Run, Sweep, analyze, check, run, sweep
from .errors import (
    BadInputError,
    InternalError,
    OutputError,
    RegressionError,
    RunsFailedError,
    SwarmError,
    SwarmWarning,
    SweepStoppedError,
)

__version__: str = _native.engine_version().split(" ")[0]

__all__ = [
    "Analysis", "BadInputError", "Check", "ConfigCheck", "InternalError", "OutputError",
    "RegressionError", "Run", "RunsFailedError", "SwarmError", "SwarmWarning", "Sweep",
    "SweepStoppedError", "analyze", "check", "run", "sweep",
]
