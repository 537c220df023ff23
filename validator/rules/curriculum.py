"""Curriculum rules: prerequisites can be met, refreshers keep licences valid, hours suffice."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Text
from validator.model import Entity, Handbook
from validator.rules.registry import Problem, rule


@rule("prerequisites-acyclic")
def prerequisites_acyclic(handbook: Handbook) -> Iterator[Problem]:
    """培训模块的先修关系没有循环。
    Module prerequisites have no cycle.

    **为什么：** 如果 A 要先学 B、B 又要先学 A，谁也开始不了。每个循环只报告一次，并列出其中
    所有模块。

    **Why:** if A needs B first and B needs A first, nobody can start. Each cycle is reported
    once, naming all its modules.

    **怎么改 / Fix:** 删除循环中某个模块的一个 `prerequisites:` 项。
    Remove one `prerequisites:` entry from a module in the cycle.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    reported: set[frozenset[str]] = set()
    for start in sorted(handbook.index["module"]):
        if state.get(start):
            continue
        # Iterative depth-first search: a long prerequisite chain must not hit Python's stack limit.
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(_prerequisites(handbook, start)))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if state.get(child) == 1:
                cycle = path[path.index(child) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield _cycle_problem(handbook, cycle)
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(_prerequisites(handbook, child))))


def _prerequisites(handbook: Handbook, module_id: str) -> list[str]:
    module = handbook.index["module"][module_id]
    return [p for p in module.data.get("prerequisites") or [] if p in handbook.index["module"]]


def _cycle_problem(handbook: Handbook, cycle: list[str]) -> Problem:
    first = min(cycle)
    turn = cycle.index(first)
    ordered = cycle[turn:] + cycle[:turn]
    chain = " → ".join([*ordered, first])
    modules = [handbook.index["module"][m] for m in ordered]

    def entry(module: Entity, needed: str) -> Ref:
        index = (module.data.get("prerequisites") or []).index(needed)
        return module.ref / "prerequisites" / index

    ends = [entry(m, ordered[(i + 1) % len(ordered)]) for i, m in enumerate(modules)]
    return Problem(
        ends[0],
        Text(f"先修关系形成循环：{chain}。", f"Prerequisites form a cycle: {chain}."),
        Text(
            "删除循环中某个模块的一个先修项。",
            "Remove one prerequisite from a module in the cycle.",
        ),
        tuple(ends[1:]),
        subject=first,
    )


@rule("refresh-within-validity")
def refresh_within_validity(handbook: Handbook) -> Iterator[Problem]:
    """为证书做准备的模块，复训间隔不长于证书的复审周期。
    A module preparing for a certificate refreshes at least as often as the certificate's
    review cycle.

    **为什么：** 特种作业操作证每 3 年复审、健康证每年体检……如果复训比复审还稀，员工到复审时
    就没有受过培训，证书可能失效，人员就不能上岗。证书没有复审周期时按有效期计算。

    **Why:** if the refresher comes less often than the review, staff reach the review untrained
    and may lose the licence. Without a review cycle the validity is used.

    **怎么改 / Fix:** 缩短模块的 `refresh.every_months`，或补上 `refresh:`。
    Shorten the module's `refresh.every_months`, or add a `refresh:`.
    """
    for module in handbook.all("module"):
        refresh = module.data.get("refresh")
        for index, certificate_id in enumerate(module.data.get("certificates") or []):
            certificate = handbook.get("certificate", certificate_id)
            if certificate is None:
                continue
            cycle_key = (
                "review_months" if "review_months" in certificate.data else "validity_months"
            )
            cycle = certificate.data.get(cycle_key)
            if cycle is None:
                continue
            every = None if not refresh else int(refresh["every_months"])
            if every is not None and every <= int(cycle):
                continue
            shown_zh = "没有复训" if every is None else f"每 {every} 个月复训一次"
            shown_en = "has no refresher" if every is None else f"refreshes every {every} months"
            yield Problem(
                module.ref / "certificates" / index,
                Text(
                    f"模块 “{module.id}” {shown_zh}，"
                    f"但证书 “{certificate_id}” 每 {cycle} 个月就要复审。",
                    f"The module '{module.id}' {shown_en}, but the certificate '{certificate_id}' "
                    f"is reviewed every {cycle} months.",
                ),
                Text(
                    f"把 refresh.every_months 设为不超过 {cycle}。",
                    f"Set refresh.every_months to {cycle} or less.",
                ),
                (certificate.ref / cycle_key,),
                subject=module.id,
            )


@rule("training-hours")
def training_hours(handbook: Handbook) -> Iterator[Problem]:
    """每个岗位（专业方向）的培训学时，首年和之后每年，都达到最低要求。
    Each post's training hours, in the first year and every year after, meet its minimum.

    按每个岗位（有专业方向的按每个专业方向）的培训路径计算两个数：首年学时（路径上每个模块
    完整学一遍，加上第一年内就到期的复训）和之后每年的学时（每个模块每年的复训学时 =
    复训学时 × 12 ÷ 复训间隔）。两个数都不能低于最低要求。最低要求写在 `handbook.yaml`：
    `training.role_min_hours` 中有这个岗位就用它，否则用 `training.min_hours_per_year` 中所在
    层级的要求。`training.certification_hours` 为 `separate`（取证与复审学时另计）时，外部取证
    模块（`delivery` 含 `external-cert`）的学时不计入。只有满足条件的人员才学的模块也不计入。

    Two figures per post (per specialty where the role has them): first-year hours (one full run
    of every module on the path, plus the refreshers that already fall within that year) and
    yearly hours after that (each module's refresher hours × 12 ÷ its interval). Neither may
    fall below the minimum: the role's own `training.role_min_hours` in `handbook.yaml`, else
    its tier's `training.min_hours_per_year`. With `training.certification_hours: separate`,
    external certification modules do not count;
    nor do modules only holders of a condition take.

    **怎么改 / Fix:** 增加路径上模块的复训学时，让岗位参加更多模块，或调整最低要求。
    Raise refresher hours on the path, add the post to more modules, or change the minimum.
    """
    resolved = handbook.resolved
    for role in handbook.all("role"):
        required = resolved.minimum_hours(role)
        if required is None:
            continue
        minimum, source = required
        setting = (
            ("training", "role_min_hours", role.id)
            if source == "role"
            else ("training", "min_hours_per_year", role.data["tier"])
        )
        related: tuple[Ref, ...] = ()
        if handbook.settings_ref is not None:
            ref = handbook.settings_ref
            for part in setting:
                ref = ref / part
            related = (ref,)
        for path in resolved.paths_of(role):
            first_year, yearly = resolved.counted_hours(path)
            for hours, zh, en in (
                (first_year, "首年", "in the first year"),
                (yearly, "之后每年", "a year after the first"),
            ):
                if round(hours, 1) >= minimum:
                    continue
                post, post_en = path.post.label("zh"), path.post.label("en")
                yield Problem(
                    role.ref / "id",
                    Text(
                        f"{post}{zh}培训 {hours:.1f} 学时，低于最低要求 {minimum:g} 学时。",
                        f"{post_en} trains {hours:.1f} hours {en}, below the minimum of "
                        f"{minimum:g}.",
                    ),
                    Text(
                        "增加路径上模块的复训学时，或让这个岗位参加更多模块。",
                        "Raise the refresher hours on the path, or add the post to more modules.",
                    ),
                    related,
                    subject=role.id,
                )
