"""Chinese (and English) labels for the values of the policy enumerations.

The training system's categories, stages, delivery methods and assessment levels are not here:
they are policy data (``policies/training-system.yaml``), with a status and sources.
"""

from __future__ import annotations

FREQUENCY = {
    "continuous": ("持续", "Continuous"),
    "per-shift": ("每班", "Every shift"),
    "daily": ("每日", "Daily"),
    "weekly": ("每周", "Weekly"),
    "monthly": ("每月", "Monthly"),
    "quarterly": ("每季度", "Quarterly"),
    "half-yearly": ("每半年", "Half-yearly"),
    "yearly": ("每年", "Yearly"),
    "per-event": ("每次发生时", "Each time"),
}
REGULATION_KIND = {
    "law": ("法律", "Law"),
    "administrative-regulation": ("行政法规", "Administrative regulation"),
    "departmental-rule": ("部门规章", "Departmental rule"),
    "judicial-interpretation": ("司法解释", "Judicial interpretation"),
    "normative-document": ("规范性文件", "Normative document"),
    "national-standard": ("国家标准", "National standard"),
    "industry-standard": ("行业/团体标准", "Industry standard"),
    "local": ("地方性法规", "Local regulation"),
}


def label(table: dict[str, tuple[str, str]], value: str) -> str:
    """The Chinese label of an enumeration value (the value itself if unknown)."""
    return table.get(value, (value, value))[0]
