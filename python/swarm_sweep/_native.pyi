# Stubs of the extension module (python/src/); the public API is in _api.py.
from typing import List, Optional, Tuple

class RunOutput:
    epochs: bytes
    summary: str
    events: Optional[bytes]
    agents: str
    warnings: List[str]
    seed: int
    scenario_id: str

class SweepOutput:
    out_dir: str
    name: str
    n_runs: int
    failed: int
    reused: int
    ran: int
    first_failure: Optional[str]
    warnings: List[str]

def exit_codes() -> List[Tuple[int, str]]: ...
def engine_version() -> str: ...
def run(
    scenario: str,
    is_path: bool,
    seed: Optional[int] = None,
    settings: List[str] = ...,
    events: bool = False,
    strict: bool = False,
    allow_unmodelled: bool = False,
    fixes: List[str] = ...,
    epochs: Optional[int] = None,
    steps: Optional[int] = None,
) -> RunOutput: ...
def sweep(
    spec: str,
    is_path: bool,
    out: str,
    spec_dir: str = ".",
    jobs: Optional[int] = None,
    progress: bool = True,
    run_files: bool = True,
    events: bool = False,
    allow_unmodelled: bool = False,
    strict: bool = False,
    force_new: bool = False,
    fail_fast: bool = False,
    analyze: bool = True,
    plots: bool = True,
) -> SweepOutput: ...
def analyze(
    results_dir: str,
    jobs: Optional[int] = None,
    plots: bool = True,
    notes: Optional[str] = None,
    metrics: List[str] = ...,
) -> List[str]: ...
def check(
    spec: str,
    against: str,
    junit: str,
    tolerance: List[str] = ...,
    criteria: bool = False,
    jobs: Optional[int] = None,
    allow_unmodelled: bool = False,
) -> int: ...
