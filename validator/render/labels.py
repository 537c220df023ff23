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


def _span(months: int) -> str:
    return f"{months // 12} 年" if months % 12 == 0 else f"{months} 个月"


def certificate_validity(data: dict[str, object]) -> str:
    """How long a certificate is valid and how often it is reviewed, worded the same everywhere.

    A certificate whose data gives no validity is said to have none given, not to be valid for
    ever: the reader checks the note (or the authority) rather than trusting a guess.
    """
    validity, review = data.get("validity_months"), data.get("review_months")
    text = f"有效期 {_span(int(str(validity)))}" if validity else "未规定有效期"
    if review:
        text += f"，每 {_span(int(str(review)))}复审"
    return text
