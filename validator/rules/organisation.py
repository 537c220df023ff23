"""Organisation rules: tiers are owned, reporting lines form one tree, standards have owners."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Text
from validator.model import Entity, Handbook
from validator.rules.registry import Problem, rule


@rule("tier-has-owner")
def tier_has_owner(handbook: Handbook) -> Iterator[Problem]:
    """每个层级有负责岗位，且负责岗位的层级不低于该层级。
    Every tier has an owner whose tier is the same or higher.

    **为什么：** 层级的负责人对这一层所有岗位的职责和培训负总责；让基层岗位负责中层，
    等于没有人负责。负责岗位必须存在（由 `ref-resolves` 检查）。

    **Why:** the owner answers for every role of the tier; a lower-tier owner is no owner.
    That the owner exists is checked by `ref-resolves`.

    **怎么改 / Fix:** 把 `tiers.yaml` 中的 `owner:` 改成同级或更高层级的岗位。
    Set `owner:` in `tiers.yaml` to a role of the same or a higher tier.
    """
    for tier in handbook.all("tier"):
        owner = handbook.get("role", tier.data["owner"])
        if owner is None:
            continue
        owner_rank = handbook.rank(owner.data["tier"])
        if owner_rank is not None and owner_rank < int(tier.data["rank"]):
            yield Problem(
                tier.ref / "owner",
                Text(
                    f"层级 “{tier.id}” 的负责岗位 “{owner.id}” "
                    f"属于更低的层级 “{owner.data['tier']}”。",
                    f"The tier '{tier.id}' is owned by '{owner.id}', which is in the lower tier "
                    f"'{owner.data['tier']}'.",
                ),
                Text(
                    "选择同级或更高层级的岗位作为负责岗位。",
                    "Choose an owner from the same or a higher tier.",
                ),
                (owner.ref / "tier",),
                subject=tier.id,
            )


@rule("reporting-is-tree")
def reporting_is_tree(handbook: Handbook) -> Iterator[Problem]:
    """汇报关系构成一棵树：只有一个最高岗位，没有循环，不向更低层级汇报。
    Reporting lines form one tree: one root, no cycles, no reporting to a lower tier.

    最高岗位的 `reports_to` 写 `null`，其他岗位都通过 `reports_to` 一级一级汇报到它。
    每个循环只报告一次，并列出循环中的全部岗位。向不存在的岗位汇报由 `ref-resolves` 报告。

    The top role has `reports_to: null` and every other role reaches it through its managers.
    Each cycle is reported once, naming all its members. Reporting to an unknown role is
    `ref-resolves`' finding.

    **为什么：** 组织图、直接下级列表和“谁能为谁的标准负责”都依赖这棵树。
    **Why:** the organisation chart, direct reports and standard ownership all rely on it.

    **怎么改 / Fix:** 按消息修改 `reports_to:`。Change `reports_to:` as the message says.
    """
    roles = list(handbook.all("role"))
    roots = [role for role in roles if role.data.get("reports_to") is None]
    if not roots and roles:
        yield Problem(
            _expected_top(handbook, roles).ref / "reports_to",
            Text(
                "没有最高岗位：每个岗位都有上级，汇报关系无法到顶。",
                "There is no top role: every role has a manager, so the lines never end.",
            ),
            Text(
                "把最高岗位的 reports_to 设为 null。",
                "Set reports_to: null on the top role.",
            ),
        )
    for extra in roots[1:]:
        yield Problem(
            extra.ref / "reports_to",
            Text(
                f"岗位 “{extra.id}” 也没有上级；最高岗位只能有一个（已有 “{roots[0].id}”）。",
                f"The role '{extra.id}' has no manager either; there can be only one top role "
                f"(already '{roots[0].id}').",
            ),
            Text(
                "为这个岗位填写 reports_to。",
                "Give this role a reports_to.",
            ),
            (roots[0].ref / "reports_to",),
            subject=extra.id,
        )
    yield from _cycles(handbook, roles)
    for role in roles:
        manager = handbook.get("role", role.data.get("reports_to") or "")
        if manager is None:
            continue
        own, theirs = handbook.rank(role.data["tier"]), handbook.rank(manager.data["tier"])
        if own is not None and theirs is not None and theirs < own:
            yield Problem(
                role.ref / "reports_to",
                Text(
                    f"岗位 “{role.id}” 向更低层级的岗位 “{manager.id}” 汇报。",
                    f"The role '{role.id}' reports to '{manager.id}', which is in a lower tier.",
                ),
                Text(
                    "改为向同级或更高层级的岗位汇报，或调整其中一个岗位的层级。",
                    "Report to a role of the same or a higher tier, or change one of the tiers.",
                ),
                (manager.ref / "tier",),
                subject=role.id,
            )


def _expected_top(handbook: Handbook, roles: list[Entity]) -> Entity:
    # The owner of the highest tier is where the top of the tree belongs.
    tiers = sorted(handbook.all("tier"), key=lambda t: -int(t.data["rank"]))
    for tier in tiers:
        owner = handbook.get("role", tier.data["owner"])
        if owner is not None:
            return owner
    return roles[0]


def _cycles(handbook: Handbook, roles: list[Entity]) -> Iterator[Problem]:
    manager_of = {role.id: role.data.get("reports_to") for role in roles}
    done: set[str] = set()
    for start in roles:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start.id
        while node is not None and node in manager_of and node not in done:
            if node in position:
                cycle = path[position[node] :]
                yield _cycle_problem(handbook, cycle)
                break
            position[node] = len(path)
            path.append(node)
            node = manager_of[node]
        done.update(path)


def _cycle_problem(handbook: Handbook, cycle: list[str]) -> Problem:
    # Report at the member whose line goes down the most (most likely the edit that broke the
    # tree), then by id, so the same cycle always lands on the same line.
    def drop(member: str) -> int:
        manager = handbook.index["role"][member].data.get("reports_to") or ""
        return (handbook.role_rank(member) or 0) - (handbook.role_rank(manager) or 0)

    first = min(cycle, key=lambda member: (-drop(member), member))
    turn = cycle.index(first)
    ordered = cycle[turn:] + cycle[:turn]
    chain = " → ".join([*ordered, first])
    members = [handbook.index["role"][member] for member in ordered]
    return Problem(
        members[0].ref / "reports_to",
        Text(f"汇报关系形成循环：{chain}。", f"Reporting lines form a cycle: {chain}."),
        Text(
            "修改循环中某个岗位的 reports_to，让它向循环外的上级汇报。",
            "Change the reports_to of one role in the cycle to a manager outside it.",
        ),
        tuple(member.ref / "reports_to" for member in members[1:]),
        subject=first,
    )


@rule("standard-has-owner")
def standard_has_owner(handbook: Handbook) -> Iterator[Problem]:
    """每个服务标准有负责岗位，且它衡量的职责属于该岗位或其下属岗位。
    Every standard has a responsible role, and the duties it measures belong to that role or
    to roles under it.

    **为什么：** 负责岗位要能安排和检查被衡量的工作；让客服主管为保安的职责达标负责，
    他既无权安排也无法整改。负责岗位是否存在由 `ref-resolves` 检查。

    **Why:** the responsible role must be able to direct and correct the work it is measured on.
    That the role exists is checked by `ref-resolves`.

    **怎么改 / Fix:** 把 `responsible:` 改为这些职责所在岗位的共同上级，或把不属于它的职责移到
    另一个标准。
    Make `responsible:` a common manager of the duties' roles, or move the duty to another
    standard.
    """
    for standard in handbook.all("standard"):
        owner = handbook.get("role", standard.data["responsible"])
        if owner is None:
            continue
        for index, duty_id in enumerate(standard.data["measures"]):
            duty = handbook.get("duty", duty_id)
            if duty is None or _under(handbook, duty.parent or "", owner.id) is not False:
                continue
            yield Problem(
                standard.ref / "measures" / index,
                Text(
                    f"标准 “{standard.id}” 由 “{owner.id}” 负责，但它衡量的职责 “{duty_id}” "
                    f"属于 “{duty.parent}”，不在其管理范围内。",
                    f"The standard '{standard.id}' is the responsibility of '{owner.id}', but the "
                    f"duty '{duty_id}' it measures belongs to '{duty.parent}', outside that "
                    "role's line.",
                ),
                Text(
                    "把 responsible 改为两者的共同上级，或把这条职责移到另一个标准。",
                    "Make responsible a common manager, or measure this duty in another standard.",
                ),
                (duty.ref / "id",),
                subject=standard.id,
            )


def _under(handbook: Handbook, role_id: str, manager_id: str) -> bool | None:
    """Whether ``role_id`` is ``manager_id`` or below it; ``None`` when the line is broken
    (an unknown manager or a cycle, which other rules report)."""
    seen: set[str] = set()
    node: str | None = role_id
    while node is not None:
        if node == manager_id:
            return True
        if node in seen:
            return None
        seen.add(node)
        role = handbook.get("role", node)
        if role is None:
            return None
        node = role.data.get("reports_to")
    return False
