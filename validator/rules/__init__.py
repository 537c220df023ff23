"""Every check of the validator, registered by id.

Importing this package registers all rules. To add one, write a function in the topic module it
belongs to, decorate it with :func:`rule`, give it a bilingual docstring, and add a passing and a
failing case under ``tests/cases/<rule-id>/``. Nothing else has to change.
"""

from __future__ import annotations

from validator.rules import builtin  # noqa: F401  (registers the load and schema checks)
from validator.rules.registry import RULES, Problem, Rule, rule

__all__ = ["RULES", "Problem", "Rule", "rule"]
