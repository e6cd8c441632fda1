"""The exceptions of swarm_sweep: one class per exit-code family of the
``swarm`` and ``swarm-sweep`` commands (docs/cli.md, "Exit codes"), with
the messages those commands print after ``Error:``. Ctrl-C raises Python's
own KeyboardInterrupt (the commands' exit code 130)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Type


class SwarmError(Exception):
    """Base class of every error swarm_sweep raises; ``exit_code`` is the
    code the command-line tools exit with for the same error."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputError(SwarmError, OSError):
    """An output could not be written (I/O); exit code 1."""

    exit_code = 1


class BadInputError(SwarmError, ValueError):
    """An invalid scenario or sweep spec, an unknown parameter or metric, or
    unreadable results; nothing was run or written. The message names the
    file, the line and the key path (``scenario.yaml:12: governance.x: ...``);
    exit code 2."""

    exit_code = 2


class RunsFailedError(SwarmError):
    """The sweep completed but some runs failed (``status = failed`` rows).
    ``result`` holds the sweep's tables all the same; exit code 3."""

    exit_code = 3

    def __init__(self, message: str, result: Optional[Any] = None) -> None:
        super().__init__(message)
        self.result = result


class SweepStoppedError(SwarmError):
    """``fail_fast=True`` stopped the sweep at a failed run; no tables were
    written (finished runs stay in the journal); exit code 4."""

    exit_code = 4


class RegressionError(SwarmError):
    """A configuration of ``check`` is outside its tolerance; exit code 5."""

    exit_code = 5


class InternalError(SwarmError):
    """A bug in swarm-sweep (please report it); exit code 70."""

    exit_code = 70


class SwarmWarning(UserWarning):
    """What the command-line tools print as ``warning:`` (keys the reference
    ignores, settings that change nothing, partial fidelity)."""


CLASSES: Dict[int, Type[SwarmError]] = {
    cls.exit_code: cls
    for cls in (OutputError, BadInputError, RunsFailedError, SweepStoppedError,
                RegressionError, InternalError)
}


def from_code(code: int, message: str) -> BaseException:
    """The exception for an exit code and message (used by the engine)."""
    if code == 130:
        return KeyboardInterrupt(message)
    return CLASSES.get(code, SwarmError)(message)
