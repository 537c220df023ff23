"""A status is a claim about sources: `sourced` needs a primary source, `secondary` a source."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Text, Trail, trail_parts
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("status-backed")
def status_backed(handbook: Handbook) -> Iterator[Problem]:
    """核实状态与出处相符。
    Every status is backed by its sources.

    `status: sourced`（有出处）表示有原文支持：至少一个出处的等级能支持“有出处”
    （`handbook.yaml` 的 `provenance.grades` 中 `backs: sourced` 的等级，通常是原文或原文引用）。
    `status: secondary`（二手资料）至少要有一个出处。`to-verify` 和 `suggested` 不需要出处。
    没有自己的 `sources:` 的条目（例如某个服务等级的目标）沿用所在条目的出处。引用法规的条目
    （`cites:`）以法规本身为依据，不在此检查。

    `sourced` claims a primary text: at least one source must have a grade that `backs: sourced`
    in `provenance.grades` (`handbook.yaml`). `secondary` needs at least one source. `to-verify`
    and `suggested` need none. An item without its own `sources:` (a level target, say) uses
    those of the item it is in. Citations rest on the regulation itself and are not checked.

    **怎么改 / Fix:** 补上原文出处，或把状态改成出处真正支持的那一级（secondary 或 to-verify）。
    Cite a primary source, or lower the status to what the sources support.
    """
    grades = {
        grade["id"]: grade["backs"]
        for grade in (handbook.settings.get("provenance") or {}).get("grades") or []
    }
    graded = {
        source.id: grades.get(str(source.data.get("grade")), "")
        for source in handbook.all("source")
    }
    # The other end of a finding: the grade of each cited source, where it can be raised.
    grade_of = {source.id: source.ref / "grade" for source in handbook.all("source")}
    for path, found in handbook.surveys.items():
        root = Ref(path)
        for trail, status, subject, sources in found.claims:
            if status == "sourced" and not any(graded.get(s) == "sourced" for s in sources):
                yield Problem(
                    _place(root, trail) / "status",
                    Text(
                        "标为 sourced（有出处），但没有一个出处是原文或原文引用"
                        f"（出处：{'、'.join(sources) or '无'}）。",
                        "Marked sourced, but none of its sources is a primary text "
                        f"(sources: {', '.join(sources) or 'none'}).",
                    ),
                    Text(
                        "补上原文出处，或把状态改为 secondary。",
                        "Cite a primary source, or lower the status to secondary.",
                    ),
                    tuple(grade_of[s] for s in dict.fromkeys(sources) if s in grade_of),
                    subject=subject,
                )
            elif status == "secondary" and not sources:
                yield Problem(
                    _place(root, trail) / "status",
                    Text(
                        "标为 secondary（二手资料），但没有写出处。",
                        "Marked secondary, but no source is given.",
                    ),
                    Text(
                        "在 sources: 中写出处编号，或把状态改为 to-verify。",
                        "Give the source keys under sources:, or lower the status to to-verify.",
                    ),
                    subject=subject,
                )


def _place(root: Ref, trail: Trail) -> Ref:
    where = root
    for part in trail_parts(trail):
        where = where / part
    return where
