"""Law is not a service level: no level's target is looser than the statutory floor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.findings import Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule

_STRICTER = {"<=": lambda value, floor: value <= floor, ">=": lambda value, floor: value >= floor}


def respects(target: dict[str, Any], floor: dict[str, Any]) -> bool:
    """Whether a level target (op, value) is at least as strict as a floor (op, value)."""
    op = floor["op"]
    if op == "=":
        return bool(target.get("op") == "=" and target.get("value") == floor["value"])
    if target.get("op") not in (op, "="):
        return False
    return bool(_STRICTER[op](float(target["value"]), float(floor["value"])))


@rule("floor-respected")
def floor_respected(handbook: Handbook) -> Iterator[Problem]:
    """任何服务等级的目标都不比法定底线宽松。
    No service level's target is looser than the statutory floor.

    服务等级（一级/二级/三级）是公司对业主的服务承诺；法律法规规定的最低要求（`floors:`，例如
    电梯困人救援在设区的市 30 分钟内到达、消防安全重点单位每半年演练一次）与服务等级无关，
    哪一级都必须做到。等级目标不区分地区和单位类型，所以要满足每一条底线；要比较，目标就必须
    写出数值（`op` 和 `value`）。

    Service levels are the company's promise to owners; a statutory floor (`floors:`: lift
    rescue within 30 minutes in a city with districts, fire drills every six months for key fire
    safety units) holds whatever the level. A level target applies everywhere, so it must meet
    every floor, and to be compared it must state its number (`op` and `value`).

    **怎么改 / Fix:** 把目标改得至少和底线一样严格；没写数值的目标补上 `op` 和 `value`。
    Make the target at least as strict as the floor; give a target without a number its `op`
    and `value`.
    """
    for standard in handbook.all("standard"):
        floors = standard.data.get("floors") or []
        if not floors:
            continue
        for level, target in standard.data["targets"].items():
            where = standard.ref / "targets" / level
            if "value" not in target:
                yield Problem(
                    where,
                    Text(
                        f"服务标准 “{standard.id}” 有法定底线，但等级 “{level}” 的目标没有写数值，"
                        "无法确认它不低于底线。",
                        f"The standard '{standard.id}' has a statutory floor, but the target of "
                        f"'{level}' states no number, so it cannot be checked against it.",
                    ),
                    Text("给这个目标加上 op 和 value。", "Give the target an op and a value."),
                    subject=standard.id,
                )
                continue
            for index, floor in enumerate(floors):
                if respects(target, floor):
                    continue
                scope = (floor.get("scope") or {}).get("zh")
                scope_en = (floor.get("scope") or {}).get("en") or scope
                yield Problem(
                    where / "value",
                    Text(
                        f"等级 “{level}” 的目标 {target['op']} {target['value']:g} 比法定底线 "
                        f"{floor['op']} {floor['value']:g}"
                        f"{'（' + scope + '）' if scope else ''}宽松。",
                        f"The target of '{level}' ({target['op']} {target['value']:g}) is looser "
                        f"than the statutory floor ({floor['op']} {floor['value']:g}"
                        f"{', ' + scope_en if scope_en else ''}).",
                    ),
                    Text(
                        f"把目标改为至少 {floor['op']} {floor['value']:g}。",
                        f"Make the target at least {floor['op']} {floor['value']:g}.",
                    ),
                    (standard.ref / "floors" / index / "value",),
                    subject=standard.id,
                )
