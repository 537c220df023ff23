"""A module's outline accounts for its hours."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("outline-matches-hours", partial=True)
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


@rule("training-system-describes")
def training_system_describes(handbook: Handbook) -> Iterator[Problem]:
    """培训模块用到的类别、阶段、方式和考核层级都在培训体系中有说明。
    Every category, stage, delivery method and assessment level a module uses is described in
    the training system.

    `policies/training-system.yaml` 说明每个培训类别、阶段、培训方式和柯氏考核层级的含义、
    核实状态和出处，网站的培训体系页和每个模块页都从这里取名称。模块用了那里没有说明的值，
    页面上就只剩一个英文 id，读者不知道它是什么意思。没有这个文件时不检查。

    `policies/training-system.yaml` says what each category, stage, delivery method and
    Kirkpatrick level means, with its status and sources; the training-system page and every
    module page take their names from it. A value a module uses but the file does not describe
    shows up on the site as a bare id. Not checked when the file does not exist.

    **怎么改 / Fix:** 在 training-system.yaml 的相应列表中加上这个值的说明，或改正模块中的值。
    Describe the value in the matching list of training-system.yaml, or correct the module.
    """
    system = next(handbook.all("training-system"), None)
    if system is None:
        return
    levels = {entity.data.get("level") for entity in handbook.all("assessment-level")}
    vocabularies = [kind for kind in handbook.kinds if kind.named_by]
    for module in handbook.all("module"):
        data = module.data
        for vocabulary in vocabularies:
            field, kind = vocabulary.named_by or "", vocabulary.name
            key = vocabulary.list_key or vocabulary.name
            values = data.get(field)
            listed = values if isinstance(values, list) else [values]
            for index, value in enumerate(listed):
                if not isinstance(value, str) or handbook.get(kind, value) is not None:
                    continue
                where = module.ref / field
                if isinstance(values, list):
                    where = where / index
                yield _undescribed(module.id, field, value, key, where, system.ref)
        assessment = data.get("assessment") or {}
        for index, level in enumerate(assessment.get("levels") or []):
            if level not in levels:
                where = module.ref / "assessment" / "levels" / index
                yield _undescribed(
                    module.id, "assessment.levels", level, "assessment_levels", where, system.ref
                )


def _undescribed(
    module_id: str, field: str, value: object, key: str, where: Ref, system: Ref
) -> Problem:
    return Problem(
        where,
        Text(
            f"模块 “{module_id}” 的 {field} 用了 “{value}”，培训体系的 {key} 中没有对它的说明。",
            f"Module '{module_id}' uses '{value}' in {field}, which the training system's {key} "
            "does not describe.",
        ),
        Text(
            f"在 training-system.yaml 的 {key} 中说明 “{value}”，或改正模块中的值。",
            f"Describe '{value}' under {key} in training-system.yaml, or correct the module.",
        ),
        (system,),
        subject=module_id,
    )
