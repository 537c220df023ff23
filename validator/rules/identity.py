"""Rules about ids: each names exactly one thing, and one-entity files are named after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from validator.findings import Text
from validator.kinds import Kind
from validator.model import Entity, Handbook
from validator.rules.registry import Problem, rule


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
    # Ids are unique within each kind of entity (duties share one kind across all roles);
    # scoped kinds, such as a role's specialties, only within their parent.
    for kind in handbook.kinds:
        if not kind.editor_ids:
            continue
        for entity in handbook.declared[kind.name]:
            original = handbook.index[kind.name][handbook.key(entity)]
            if original is entity:
                continue
            yield _duplicate(handbook, kind, entity, original)


def _duplicate(handbook: Handbook, kind: Kind, entity: Entity, original: Entity) -> Problem:
    name = kind.label
    if kind.scoped:
        parent = handbook.kinds.label(kind.within or "")
        message = Text(
            f"{name.zh} “{entity.id}” 在本{parent.zh}中出现了两次。",
            f"The {name.en} '{entity.id}' appears twice in this {parent.en}.",
        )
        hint = Text("删除或改名其中一个。", "Delete or rename one of them.")
        subject = entity.parent
    else:
        message = Text(
            f"{name.zh} id “{entity.id}” 已经被使用过。",
            f"The {name.en} id '{entity.id}' is already used.",
        )
        hint = Text(
            "给这一条换一个新的 id；如果两条是同一件事，删除其中一条。",
            "Give this one a new id; if both are the same thing, delete one.",
        )
        subject = entity.id
    return Problem(
        handbook.id_ref(entity),
        message,
        hint,
        related=(handbook.id_ref(original),),
        subject=subject,
    )


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
    for kind in handbook.kinds:
        if not kind.one_per_file:
            continue
        for entity in handbook.declared[kind.name]:
            stem = PurePosixPath(entity.ref.path).stem
            if stem != entity.id:
                yield Problem(
                    handbook.id_ref(entity),
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
