"""Every check of the validator, registered by id.

Importing this package registers all rules. To add one, write a function in the topic module it
belongs to, decorate it with :func:`rule`, give it a bilingual docstring, and add a passing and a
failing case under ``tests/cases/<rule-id>/``. Nothing else has to change.
"""

from __future__ import annotations

# Importing a module registers its rules; the order is the order of `handbook rules`.
from validator.rules import (  # noqa: F401
    assignment,
    builtin,
    characters,
    coverage,
    curriculum,
    editor_support,
    floors,
    governance,
    identity,
    links,
    measurability,
    organisation,
    ownership,
    provenance,
    syllabus,
    waivers,
)
from validator.rules.registry import RULES, Problem, Rule, rule

__all__ = ["RULES", "Problem", "Rule", "rule"]
