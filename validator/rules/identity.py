"""Rules about ids: each names exactly one thing, and one-entity files are named after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from validator.findings import Text
from validator.model import KINDS_OF_ENTITY, Handbook
from validator.rules.registry import Problem, rule
from validator.rules.wording import kind_name


@rule("id-unique")
def id_unique(handbook: Handbook) -> Iterator[Problem]:
    """id 在同类条目中唯一；职责 id 在所有岗位中唯一。
    Ids are unique within their kind, and duty ids across all roles.

    **为什么：** 培训模块、服务标准和豁免都用 id 引用其他条目。两个条目同名时，引用会悄悄指向
    其中一个，另一个就像不存在一样。职责 id 在全部岗位中唯一，因为 `covers:` 和 `measures:`
    只写职责 id，不写岗位。同一岗位的专业方向 id 也要唯一。

    **Why:** modules, standards and waivers refer to things by id; with two things of one id a
    reference silently picks one of them. Duty ids are unique across all roles because `covers:`
    and `measures:` name only the duty. Specialty ids are unique within their role.

    **怎么改 / Fix:** 给后出现的那个换一个新 id（消息指向它，并给出第一个的位置）。
    Give the second one (where the message points; the first is shown too) a new id.
    """
    # Ids are unique within each kind of entity; duties share one kind across all roles.
    for kind in KINDS_OF_ENTITY:
        for entity in handbook.declared[kind]:
            original = handbook.index[kind][entity.id]
            if original is entity:
                continue
            name = kind_name(kind)
            where = original.ref / "area" if kind == "area" else original.ref / "id"
            yield Problem(
                entity.ref / ("area" if kind == "area" else "id"),
                Text(
                    f"{name.zh} id “{entity.id}” 已经被使用过。",
                    f"The {name.en} id '{entity.id}' is already used.",
                ),
                Text(
                    "给这一条换一个新的 id；如果两条是同一件事，删除其中一条。",
                    "Give this one a new id; if both are the same thing, delete one.",
                ),
                related=(where,),
                subject=entity.id,
            )
    for role in handbook.all("role"):
        seen: dict[str, int] = {}
        for index, specialty in enumerate(role.data.get("specialties") or []):
            if specialty["id"] in seen:
                yield Problem(
                    role.ref / "specialties" / index / "id",
                    Text(
                        f"专业方向 “{specialty['id']}” 在本岗位中出现了两次。",
                        f"The specialty '{specialty['id']}' appears twice in this role.",
                    ),
                    Text("删除或改名其中一个。", "Delete or rename one of them."),
                    related=(role.ref / "specialties" / seen[specialty["id"]] / "id",),
                    subject=role.id,
                )
            seen.setdefault(specialty["id"], index)


@rule("id-matches-file")
def id_matches_file(handbook: Handbook) -> Iterator[Problem]:
    """一个条目一个文件时，文件名与 id 相同。
    A one-entity file is named after its id.

    岗位（`roles/<id>.yaml`）、培训模块（`training/<id>.yaml`）和服务标准领域
    （`standards/<area>.yaml`）各占一个文件。文件名和 id 一致，编辑者才能凭 id 找到文件，
    评审者也能从文件名看出改的是什么。

    Roles, modules and standards areas each have a file of their own; when the file name is the
    id, editors find things by id and reviewers see what a pull request changes.

    **怎么改 / Fix:** 把文件改名为 `<id>.yaml`，或者改正 id（如果是 id 写错了）。
    Rename the file to `<id>.yaml`, or correct the id if that is what is wrong.
    """
    for kind, key in (("role", "id"), ("module", "id"), ("area", "area")):
        for entity in handbook.declared[kind]:
            stem = PurePosixPath(entity.ref.path).stem
            if stem != entity.id:
                yield Problem(
                    entity.ref / key,
                    Text(
                        f"文件名是 “{stem}.yaml”，但 id 是 “{entity.id}”。",
                        f"The file is named '{stem}.yaml' but its id is '{entity.id}'.",
                    ),
                    Text(
                        f"把文件改名为 {entity.id}.yaml，或把 id 改回 {stem}。",
                        f"Rename the file to {entity.id}.yaml, or change the id back to {stem}.",
                    ),
                    subject=entity.id,
                )
