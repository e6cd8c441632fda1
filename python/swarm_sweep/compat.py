"""swarm-safety's own API on this engine: switch a script's engine by
changing its imports.

    # from swarm.scenarios import load_scenario, build_orchestrator
    from swarm_sweep.compat import load_scenario, build_orchestrator
    history = build_orchestrator(load_scenario("scenarios/baseline.yaml")).run()

    # from swarm.analysis.sweep import SweepConfig, SweepRunner
    from swarm_sweep.compat import SweepConfig, SweepRunner

Covered (the same numbers as swarm-safety 1.9.0 for every scenario the
engine runs; docs/python.md lists it in full):

- ``load_scenario(path)`` → ``ScenarioConfig`` whose ``orchestrator_config``
  takes ``seed``, ``n_epochs``, ``steps_per_epoch`` and the attributes of
  ``governance_config`` and ``payoff_config``;
- ``build_orchestrator(config).run()`` / ``.get_metrics_history()`` and
  ``run_scenario(path_or_config, seed)`` → a list of ``EpochMetrics`` with
  the reference's numeric fields, ``security_report`` /
  ``collusion_report`` (their summary attributes) and ``to_dict()``;
- ``SweepParameter``, ``SweepConfig`` (``add_parameter``, ``total_runs``),
  ``SweepRunner`` (``run``, ``to_csv``, ``summary``, ``progress_callback``)
  and ``SweepResult`` (its fields and ``to_dict()``).

Not covered: a swarm-safety ``ScenarioConfig`` object (it does not keep the
file it was read from: load the file with this module's ``load_scenario``);
the dict-valued epoch fields (``network_metrics``, ``capability_metrics``,
``spawn_metrics``, ``contract_metrics``, ``capability_envelope_metrics``,
always None here); ``SweepResult``'s contract-screening fields (0.0);
unseeded runs (``seed_base=None``); the orchestrator's other methods and
state. A scenario the engine does not model raises BadInputError naming the
keys.
"""

from __future__ import annotations

import csv
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional, Union

from ._api import Run, run
from .errors import BadInputError

# The reference's EpochMetrics fields that this engine computes, in its order.
NUMERIC_FIELDS = (
    "epoch", "total_interactions", "accepted_interactions", "total_posts", "total_votes",
    "toxicity_rate", "quality_gap", "avg_payoff", "total_welfare", "net_social_welfare",
)
SECURITY_FIELDS = ("ecosystem_threat_level", "active_threat_count", "contagion_depth")
COLLUSION_FIELDS = ("ecosystem_collusion_risk", "n_flagged_pairs")


class EpochMetrics:
    """One epoch's metrics, shaped like swarm-safety's ``EpochMetrics``."""

    def __init__(self, **values: Any) -> None:
        for name in NUMERIC_FIELDS:
            setattr(self, name, values.get(name, 0))
        self.network_metrics: Optional[Dict[str, float]] = None
        self.capability_metrics: Optional[Any] = None
        self.spawn_metrics: Optional[Dict[str, Any]] = None
        self.security_report: Optional[Any] = values.get("security_report")
        self.collusion_report: Optional[Any] = values.get("collusion_report")
        self.contract_metrics: Optional[Dict[str, Any]] = None
        self.capability_envelope_metrics: Optional[Dict[str, Any]] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict swarm-safety's ``EpochMetrics.to_dict()`` gives."""
        d: Dict[str, Any] = {name: getattr(self, name) for name in NUMERIC_FIELDS}
        d["network_metrics"] = self.network_metrics
        d["capability_metrics"] = self.capability_metrics
        d["spawn_metrics"] = self.spawn_metrics
        if self.security_report is not None:
            d["security_report"] = {k: getattr(self.security_report, k) for k in SECURITY_FIELDS}
        if self.collusion_report is not None:
            d["collusion_report"] = {k: getattr(self.collusion_report, k) for k in COLLUSION_FIELDS}
        d["capability_envelope_metrics"] = self.capability_envelope_metrics
        return d

    def __repr__(self) -> str:
        return f"EpochMetrics(epoch={self.epoch}, toxicity_rate={self.toxicity_rate!r}, ...)"


def epoch_metrics(r: Run) -> List[EpochMetrics]:
    """A run's epochs as swarm-safety ``EpochMetrics`` objects."""
    cols = r.epochs.to_pydict()
    out = []
    for i in range(r.epochs.num_rows):
        values: Dict[str, Any] = {name: cols[name][i] for name in NUMERIC_FIELDS}
        if "ecosystem_threat_level" in cols:
            values["security_report"] = SimpleNamespace(**{k: cols[k][i] for k in SECURITY_FIELDS})
        if "ecosystem_collusion_risk" in cols:
            values["collusion_report"] = SimpleNamespace(**{k: cols[k][i] for k in COLLUSION_FIELDS})
        out.append(EpochMetrics(**values))
    return out


class _Section:
    """Attribute writes on a config section, recorded as parameter paths."""

    def __init__(self, owner: "ScenarioConfig", prefix: str) -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_prefix", prefix)

    def __setattr__(self, name: str, value: Any) -> None:
        self._owner.overrides[self._prefix + name] = value

    def __getattr__(self, name: str) -> Any:
        key = self._prefix + name
        if key in self._owner.overrides:
            return self._owner.overrides[key]
        raise AttributeError(f"{key}: only values set here can be read back "
                             "(swarm_sweep.compat records settings; it does not parse the file)")


class _OrchestratorConfig:
    """``config.orchestrator_config``: ``seed``, ``n_epochs``,
    ``steps_per_epoch``, ``governance_config.*``, ``payoff_config.*``."""

    def __init__(self, owner: "ScenarioConfig") -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "governance_config", _Section(owner, "governance."))
        object.__setattr__(self, "payoff_config", _Section(owner, "payoff."))

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "seed":
            self._owner.seed = value
        else:
            self._owner.overrides[_simulation_path(name)] = value

    def __getattr__(self, name: str) -> Any:
        if name == "seed":
            return self._owner.seed
        key = _simulation_path(name)
        if key in self._owner.overrides:
            return self._owner.overrides[key]
        raise AttributeError(f"orchestrator_config.{name}: only values set here can be read back")


def _simulation_path(name: str) -> str:
    return name if name.startswith("simulation.") else f"simulation.{name}"


class ScenarioConfig:
    """A scenario file and the settings made on it since it was loaded
    (stands in for swarm-safety's ``ScenarioConfig``)."""

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self.path = Path(path)
        self.scenario_id = self.path.stem
        self.seed: Optional[int] = None
        self.overrides: Dict[str, Any] = {}
        self.orchestrator_config = _OrchestratorConfig(self)

    def copy(self) -> "ScenarioConfig":
        c = ScenarioConfig(self.path)
        c.scenario_id, c.seed, c.overrides = self.scenario_id, self.seed, dict(self.overrides)
        return c

    def run(self, seed: Optional[int] = None) -> Run:
        """Run it on this engine (``swarm_sweep.run``)."""
        return run(self.path, seed=self.seed if seed is None else seed,
                   overrides=self.overrides or None)


def load_scenario(path: Union[str, "os.PathLike[str]"]) -> ScenarioConfig:
    """Stands in for ``swarm.scenarios.load_scenario``; the file is
    checked when it runs."""
    return ScenarioConfig(path)


def _config(scenario: Any) -> ScenarioConfig:
    if isinstance(scenario, ScenarioConfig):
        return scenario
    if isinstance(scenario, (str, os.PathLike)):
        return ScenarioConfig(scenario)
    raise TypeError(
        f"{type(scenario).__module__}.{type(scenario).__name__}: swarm_sweep.compat takes a "
        "scenario path or swarm_sweep.compat.load_scenario(path); a swarm-safety ScenarioConfig "
        "does not keep the file it was read from")


class Orchestrator:
    """What ``build_orchestrator`` returns: ``run()`` and
    ``get_metrics_history()``; ``result`` is the engine's Run."""

    def __init__(self, config: ScenarioConfig) -> None:
        self.config = config
        self.result: Optional[Run] = None
        self._history: List[EpochMetrics] = []

    def run(self) -> List[EpochMetrics]:
        self.result = self.config.run()
        self._history = epoch_metrics(self.result)
        return list(self._history)

    def get_metrics_history(self) -> List[EpochMetrics]:
        return list(self._history)


def build_orchestrator(config: Any) -> Orchestrator:
    """Stands in for ``swarm.scenarios.build_orchestrator``."""
    return Orchestrator(_config(config))


def run_scenario(scenario: Any, seed: Optional[int] = None) -> List[EpochMetrics]:
    """Run a scenario (a path or a ``ScenarioConfig`` of this module) with
    ``seed`` and return its epochs as swarm-safety ``EpochMetrics``: the
    numbers of ``build_orchestrator(load_scenario(path)).run()`` with
    ``orchestrator_config.seed = seed``."""
    return epoch_metrics(_config(scenario).run(seed))


@dataclass
class SweepParameter:
    """A parameter to sweep: a dotted name and its values."""

    name: str
    values: List[Any]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"Parameter {self.name} must have at least one value")


@dataclass
class SweepConfig:
    """swarm-safety's ``SweepConfig``: a base scenario (a path or a
    ``ScenarioConfig`` of this module), parameters, runs per combination
    and the seed base (run k of the sweep, from 1, gets ``seed_base + k``)."""

    base_scenario: Any
    parameters: List[SweepParameter] = field(default_factory=list)
    runs_per_config: int = 1
    seed_base: Optional[int] = 42

    def add_parameter(self, name: str, values: List[Any]) -> "SweepConfig":
        self.parameters.append(SweepParameter(name=name, values=values))
        return self

    def total_runs(self) -> int:
        n = 1
        for p in self.parameters:
            n *= len(p.values)
        return n * self.runs_per_config


@dataclass
class SweepResult:
    """One run of a sweep, with swarm-safety's ``SweepResult`` fields."""

    params: Dict[str, Any]
    run_index: int
    seed: int
    total_interactions: int = 0
    accepted_interactions: int = 0
    avg_toxicity: float = 0.0
    avg_quality_gap: float = 0.0
    total_welfare: float = 0.0
    welfare_per_epoch: float = 0.0
    n_agents: int = 0
    n_frozen: int = 0
    avg_reputation: float = 0.0
    avg_payoff: float = 0.0
    min_payoff: float = 0.0
    max_payoff: float = 0.0
    honest_avg_payoff: float = 0.0
    opportunistic_avg_payoff: float = 0.0
    deceptive_avg_payoff: float = 0.0
    adversarial_avg_payoff: float = 0.0
    separation_quality: float = 0.0
    infiltration_rate: float = 0.0
    welfare_delta: float = 0.0
    attack_displacement: float = 0.0
    pool_avg_quality_truthful: float = 0.0
    pool_avg_quality_fair: float = 0.0
    pool_avg_quality_default: float = 0.0
    pool_welfare_truthful: float = 0.0
    pool_welfare_fair: float = 0.0
    pool_welfare_default: float = 0.0

    def to_dict(self) -> Dict[str, Any]:
        d = dict(self.params)
        for name in self.__dataclass_fields__:
            if name != "params":
                d[name] = getattr(self, name)
        return d


# swarm-safety's parameter names → this engine's dotted paths.
_SHORT_NAMES = {"n_epochs": "simulation.n_epochs", "steps_per_epoch": "simulation.steps_per_epoch"}
_PREFIXES = ("governance.", "payoff.", "simulation.", "agents.")


def _mean(xs: List[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def sweep_result(r: Run, params: Dict[str, Any], run_index: int, seed: int) -> SweepResult:
    """A run's SweepResult, aggregated as swarm-safety does (Python sums
    over epochs and agents, in their order)."""
    history = epoch_metrics(r)
    n = len(history)
    payoffs = [a["total_payoff"] for a in r.agents]
    by_type: Dict[str, List[float]] = {t: [] for t in ("honest", "opportunistic", "deceptive", "adversarial")}
    for a in r.agents:
        if a["agent_type"] in by_type:
            by_type[a["agent_type"]].append(a["total_payoff"])
    total_welfare = sum(m.total_welfare for m in history)
    return SweepResult(
        params=params, run_index=run_index, seed=seed,
        total_interactions=sum(m.total_interactions for m in history),
        accepted_interactions=sum(m.accepted_interactions for m in history),
        avg_toxicity=sum(m.toxicity_rate for m in history) / n if n else 0,
        avg_quality_gap=sum(m.quality_gap for m in history) / n if n else 0,
        total_welfare=total_welfare,
        welfare_per_epoch=total_welfare / n if n else 0,
        n_agents=len(r.agents),
        n_frozen=sum(1 for a in r.agents if a["frozen"]),
        avg_reputation=sum(a["reputation"] for a in r.agents) / len(r.agents) if r.agents else 0,
        avg_payoff=sum(payoffs) / len(payoffs) if payoffs else 0,
        min_payoff=min(payoffs) if payoffs else 0,
        max_payoff=max(payoffs) if payoffs else 0,
        honest_avg_payoff=_mean(by_type["honest"]),
        opportunistic_avg_payoff=_mean(by_type["opportunistic"]),
        deceptive_avg_payoff=_mean(by_type["deceptive"]),
        adversarial_avg_payoff=_mean(by_type["adversarial"]),
    )


class SweepRunner:
    """swarm-safety's ``SweepRunner`` on this engine: every combination of
    the parameters (the last varies fastest) × ``runs_per_config`` runs."""

    COLUMN_ALIASES: Dict[str, str] = {
        "avg_toxicity": "toxicity_rate",
        "total_welfare": "welfare",
        "avg_quality_gap": "quality_gap",
        "honest_avg_payoff": "honest_payoff",
        "opportunistic_avg_payoff": "opportunistic_payoff",
        "deceptive_avg_payoff": "deceptive_payoff",
        "adversarial_avg_payoff": "adversarial_payoff",
    }

    def __init__(self, config: SweepConfig,
                 progress_callback: Optional[Callable[[int, int, Dict[str, Any]], None]] = None) -> None:
        self.config = config
        self.progress_callback = progress_callback
        self.results: List[SweepResult] = []

    @staticmethod
    def _path(name: str) -> str:
        if name in _SHORT_NAMES:
            return _SHORT_NAMES[name]
        if name.startswith(_PREFIXES):
            return name
        raise BadInputError(f"{name}: swarm_sweep.compat sweeps governance.*, payoff.*, "
                            "simulation.*, agents.<type>.config.*, n_epochs and steps_per_epoch")

    def run(self) -> List[SweepResult]:
        base = _config(self.config.base_scenario)
        names = [p.name for p in self.config.parameters]
        paths = [self._path(n) for n in names]
        if not self.config.seed_base:
            raise BadInputError("seed_base: swarm-safety runs a sweep without a seed base "
                                "unseeded, which no engine can reproduce; give one")
        total = self.config.total_runs()
        self.results = []
        k = 0
        for combo in itertools.product(*(p.values for p in self.config.parameters)):
            params = dict(zip(names, combo))
            for run_index in range(self.config.runs_per_config):
                k += 1
                seed = self.config.seed_base + k
                if self.progress_callback:
                    self.progress_callback(k, total, params)
                scenario = base.copy()
                scenario.overrides.update(zip(paths, combo))
                r = scenario.run(seed)
                self.results.append(sweep_result(r, params, run_index, seed))
        return self.results

    def to_csv(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """The results as CSV, with swarm-safety's canonical column names."""
        if not self.results:
            raise ValueError("No results to export. Run sweep first.")
        rows = [{self.COLUMN_ALIASES.get(k, k): v for k, v in r.to_dict().items()}
                for r in self.results]
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)

    def summary(self) -> Dict[str, Any]:
        """Means per parameter combination, as swarm-safety's ``summary()``."""
        if not self.results:
            return {}
        groups: Dict[tuple, List[SweepResult]] = {}
        for r in self.results:
            groups.setdefault(tuple(sorted(r.params.items())), []).append(r)
        summaries = []
        for key, runs in groups.items():
            n = len(runs)
            summaries.append({
                **dict(key),
                "n_runs": n,
                "mean_welfare": sum(r.total_welfare for r in runs) / n,
                "mean_toxicity": sum(r.avg_toxicity for r in runs) / n,
                "mean_frozen": sum(r.n_frozen for r in runs) / n,
                "mean_honest_payoff": sum(r.honest_avg_payoff for r in runs) / n,
                "mean_adversarial_payoff": sum(r.adversarial_avg_payoff for r in runs) / n,
            })
        return {"total_runs": len(self.results), "param_combinations": len(groups),
                "summaries": summaries}
