"""A service standard states a number, in the unit it measures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from validator.findings import Severity, Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule

# Time units written in target texts and in `unit:`, in minutes. A working day is left out on
# purpose: it is not a fixed number of hours, so a text in working days fits no time unit.
_MINUTES = {
    "分钟": 1.0,
    "小时": 60.0,
    "天": 1440.0,
    "日": 1440.0,
    "周": 10080.0,
    "个月": 43200.0,
    "月": 43200.0,
    "年": 525600.0,
}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(个工作日|工作日|分钟|小时|个月|天|日|周|月|年|%)")


def _unit_minutes(unit: dict[str, Any] | None) -> float | None:
    """Minutes in the standard's unit when it is a plain time unit (``小时``, ``天``...)."""
    zh = ((unit or {}).get("zh") or "").strip()
    return _MINUTES.get(zh)


def _is_percent(unit: dict[str, Any] | None) -> bool:
    return ((unit or {}).get("zh") or "").strip() == "%"


@rule("standard-has-number", Severity.WARNING, partial=True)
def standard_has_number(handbook: Handbook) -> Iterator[Problem]:
    """服务标准至少有一个写出数值的目标。
    A service standard has at least one target with a number.

    “及时清除”“按当地实际定期开展”这样的目标无法检查：品质检查时没有人能说它达标还是没达标。
    至少有一个服务等级的目标要写出比较方式和数值（`op` 和 `value`），并且与
    `unit:` 一致；“是/否”类要求写成比例（例如 100%）。个别等级写“按约定时间”仍然可以，只要
    别的等级有数值。

    A target such as "cleared promptly" or "regularly, as local conditions need" cannot be
    checked: no inspector can say whether it was met. At least one level's target must state
    `op` and `value` in the standard's `unit:`; write a yes/no requirement as a share (100%). A
    single level may still say "as agreed" when another level has a number.

    **怎么改 / Fix:** 给目标加上 `op` 和 `value`；出处没有数值时，写手册的建议值并标
    `status: suggested`，不要编造“来源”。Give a target `op` and `value`; where the source has no
    number, state the handbook's proposal with `status: suggested` rather than invent a source.
    """
    for standard in handbook.all("standard"):
        data = standard.data
        targets = data.get("targets") or {}
        if any("value" in t for t in targets.values() if isinstance(t, dict)):
            continue
        yield Problem(
            standard.ref / "targets",
            Text(
                f"服务标准 “{standard.id}” 没有一个目标写出数值，无法判断是否达标。",
                f"No target of the standard '{standard.id}' states a number, so nobody can "
                "tell whether it is met.",
            ),
            Text(
                "至少给一个服务等级的目标加上 op 和 value"
                "（出处没有数值时写建议值，标 suggested）。",
                "Give at least one level's target an op and a value (a suggested one where the "
                "source has no number).",
            ),
            subject=standard.id,
        )


@rule("target-unit-fits", Severity.WARNING, partial=True)
def target_unit_fits(handbook: Handbook) -> Iterator[Problem]:
    """目标的文字、数值和单位彼此一致。
    A target's words, number and unit agree.

    目标的 `value` 按标准的 `unit:` 计算；文字（`text.zh`）是给人看的同一个要求。两者不一致时，
    报表和检查会按数值执行一个与文字不同的要求。本规则检查：

    - 单位是时间（分钟、小时、天、月……）时，文字里写的时长换算成该单位后要等于 `value`
      （“1 小时内”对 60 分钟可以）；
    - “工作日”不是固定的小时数或天数，不能存成小时或天（“2 个工作日”不等于 48 小时）；
    - 单位是 % 时，数值不超过 100，文字里写的百分数等于 `value`。

    A target's `value` is in the standard's `unit:`; its text says the same requirement for
    people. When they disagree, reports and checks enforce a requirement other than the one
    written. Checked: with a time unit, a duration in the text, converted, equals `value` ("within
    1 hour" fits 60 minutes); a working day is not a fixed number of hours or days, so "2 working
    days" cannot be stored as 48 hours; with %, the value is at most 100 and a percentage in the
    text equals it.

    **怎么改 / Fix:** 让文字、数值和单位说同一件事；要按工作日计时，把单位改为工作日。
    Make text, value and unit say the same thing; to count working days, make the unit working
    days.
    """
    for standard in handbook.all("standard"):
        data = standard.data
        unit = data.get("unit")
        unit_minutes = _unit_minutes(unit)
        percent = _is_percent(unit)
        unit_zh = (unit or {}).get("zh", "")
        entries: list[tuple[Any, dict[str, Any]]] = [
            (standard.ref / "targets" / level, target)
            for level, target in (data.get("targets") or {}).items()
            if isinstance(target, dict)
        ]
        entries += [
            (standard.ref / "floors" / index, floor)
            for index, floor in enumerate(data.get("floors") or [])
            if isinstance(floor, dict)
        ]
        for where, target in entries:
            if "value" not in target:
                continue
            value = float(target["value"])
            text = ((target.get("text") or {}).get("zh")) or ""
            problem = _mismatch(value, text, unit_zh, unit_minutes, percent)
            if problem is None:
                continue
            yield Problem(
                where / "value",
                Text(
                    f"服务标准 “{standard.id}” 的目标 “{text}” 与数值 {value:g}（单位 {unit_zh}）"
                    f"不一致：{problem[0]}",
                    f"The target '{text}' of the standard '{standard.id}' does not agree with its "
                    f"value {value:g} ({(unit or {}).get('en', unit_zh)}): {problem[1]}",
                ),
                Text(
                    "让文字、数值和单位说同一件事（按工作日计时就把单位改为工作日）。",
                    "Make the text, the value and the unit say the same (count working days "
                    "in a unit of working days).",
                ),
                subject=standard.id,
            )


def _mismatch(
    value: float, text: str, unit_zh: str, unit_minutes: float | None, percent: bool
) -> tuple[str, str] | None:
    if percent and value > 100:
        return ("百分比不能超过 100。", "a percentage cannot exceed 100.")
    for number, written in _AMOUNT.findall(text):
        amount = float(number)
        if written == "%":
            if percent and amount != value:
                return (f"文字写的是 {amount:g}%。", f"the text says {amount:g}%.")
            continue
        if "工作日" in written:
            if "工作日" not in unit_zh:
                return (
                    "工作日不是固定的时长，不能换算成这个单位。",
                    "a working day is not a fixed length of time and does not convert to it.",
                )
            continue
        if unit_minutes is None:
            continue
        converted = amount * _MINUTES[written] / unit_minutes
        if abs(converted - value) > 1e-9:
            return (
                f"文字写的是 {amount:g} {written}，换算后是 {converted:g}。",
                f"the text says {amount:g} {written}, which is {converted:g} in this unit.",
            )
    return None
