"""Staff handbook as code: load, check and render the policies under ``policies/``.

The public API:

* :func:`run` checks a repository and returns a :class:`Result` with the findings and the
  indexed :class:`Handbook`;
* :class:`Finding`, :class:`Location`, :class:`Severity` and :class:`Text` describe a problem;
* :data:`RULES` holds every check by id, with its documentation.
"""

__version__ = "0.3.2"

from validator.engine import Result, run
from validator.errors import ToolError
from validator.findings import Finding, Location, Severity, Text
from validator.model import Handbook
from validator.rules import RULES

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
