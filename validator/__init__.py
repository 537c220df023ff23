"""Staff handbook as code: load, check and render the policies under ``policies/``.

The public API:

* :func:`run` checks a repository and returns a :class:`Result` with the findings and the
  indexed :class:`Handbook`;
* :class:`Finding`, :class:`Location`, :class:`Severity` and :class:`Text` describe a problem;
* :data:`RULES` holds every check by id, with its documentation.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.3.7"

if TYPE_CHECKING:
    from validator.engine import Result, run
    from validator.errors import ToolError
    from validator.findings import Finding, Location, Severity, Text
    from validator.model import Handbook
    from validator.rules import RULES

# Imported when first used: a command that needs one small module (`make site`'s wrapper, the
# pre-commit hook's file filter) does not pay for loading the whole checker.
_HOMES = {
    "RULES": "validator.rules",
    "Finding": "validator.findings",
    "Handbook": "validator.model",
    "Location": "validator.findings",
    "Result": "validator.engine",
    "Severity": "validator.findings",
    "Text": "validator.findings",
    "ToolError": "validator.errors",
    "run": "validator.engine",
}

__all__ = [
    "RULES",
    "Finding",
    "Handbook",
    "Location",
    "Result",
    "Severity",
    "Text",
    "ToolError",
    "__version__",
    "run",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'validator' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
