"""A module's outline accounts for its hours."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("outline-matches-hours")
def outline_matches_hours(handbook: Handbook) -> Iterator[Problem]:
    """课程大纲各部分的分钟数合计等于模块学时。
    The minutes of a module's outline add up to its hours.

    `outline:` 把一次完整培训分成几个部分，写明每部分的分钟数；培训计划、学时统计和讲师排课都
    按 `hours:` 计算。两者对不上时，要么大纲漏了内容，要么学时虚报。取证模块的大纲是取证培训
    本身（不含复训）；复训的学时写在 `refresh:` 中。

    `outline:` splits one full run of the module into parts with minutes; plans, hour counts and
    trainers' timetables use `hours:`. When they differ, either the outline leaves something out
    or the hours are padded. A certificate module's outline is the certification course itself;
    the refresher's hours are in `refresh:`.

    **怎么改 / Fix:** 调整各部分的分钟数，或改正 `hours:`，使分钟数合计 = 学时 × 60。
    Adjust the parts' minutes or correct `hours:` so that the minutes total hours × 60.
    """
    for module in handbook.all("module"):
        outline = module.data.get("outline")
        hours = module.data.get("hours")
        if not isinstance(outline, list) or not isinstance(hours, (int, float)):
            continue
        total = sum(
            part.get("minutes", 0)
            for part in outline
            if isinstance(part, dict) and isinstance(part.get("minutes"), int)
        )
        if total == round(hours * 60):
            continue
        yield Problem(
            module.ref / "outline",
            Text(
                f"模块 “{module.id}” 的大纲合计 {total} 分钟（{total / 60:g} 学时），"
                f"与学时 {hours:g}（{hours * 60:g} 分钟）不一致。",
                f"The outline of module '{module.id}' adds up to {total} minutes "
                f"({total / 60:g} hours), but the module has {hours:g} hours "
                f"({hours * 60:g} minutes).",
            ),
            Text(
                "调整各部分的分钟数，或改正 hours:。",
                "Adjust the parts' minutes or correct hours:.",
            ),
            (module.ref / "hours",),
            subject=module.id,
        )
