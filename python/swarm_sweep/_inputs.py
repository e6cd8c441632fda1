"""How the API's arguments become what the engine reads: a scenario or spec
given as a path, as YAML text or as a dict (written as JSON, which is YAML),
and settings given as a dict or as ``PATH=VALUE`` strings."""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, List, Mapping, Tuple, Union

Source = Union[str, "os.PathLike[str]", Mapping[str, Any]]
Settings = Union[Mapping[str, Any], Iterable[str], None]


def source(value: Source, what: str) -> Tuple[str, bool]:
    """``(text or path, is_path)`` for a scenario or spec argument.

    A ``str`` is YAML text when it has a line break or is a mapping on one
    line (``{...}``), otherwise a path; ``os.PathLike`` is always a path."""
    if isinstance(value, Mapping):
        return json.dumps(value, allow_nan=False), False
    if isinstance(value, os.PathLike):
        return os.fspath(value), True
    if isinstance(value, str):
        stripped = value.strip()
        if "\n" in stripped or stripped.startswith("{"):
            return value, False
        return value, True
    raise TypeError(f"{what}: expected a path, YAML text or a dict, not {type(value).__name__}")


def value_text(value: Any) -> str:
    """A setting's value as it would be written in a scenario file."""
    if isinstance(value, str):
        return value
    return json.dumps(value, allow_nan=False)


def settings(values: Settings, what: str = "overrides") -> List[str]:
    """``PATH=VALUE`` strings (``cli::assign``'s form) for a dict or list."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        return [f"{path}={value_text(v)}" for path, v in values.items()]
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what}: expected a dict or a list of 'PATH=VALUE' strings")
    return [str(v) for v in values]

