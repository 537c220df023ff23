"""Rules about ids: each names exactly one thing, and one-entity files are named after it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

from validator.findings import Text
from validator.kinds import Kind
from validator.model import Entity, Handbook
from validator.rules.registry import Problem, rule


@rule("id-unique", partial=True)
def id_unique(handbook: Handbook) -> Iterator[Problem]:
    """id 在同类条目中唯一；职责 id 在所有岗位中唯一。
    Ids are unique within their kind, and duty ids across all roles.

    **为什么：** 培训模块、服务标准和豁免都用 id 引用其他条目。两个条目同名时，引用会悄悄指向
    其中一个，另一个就像不存在一样。职责 id 在全部岗位中唯一，因为 `covers:` 和 `measures:`
    只写职责 id，不写岗位。同一岗位的专业方向 id 也要唯一。

    **报在哪里：** 报在新加的那一处，原来的那一处作为相关位置。在 git 仓库里，校验器对照
    `HEAD`（CI 中对照 `--base` 给出的版本）判断哪一处是这次新加的；没有 git 时，以文件名与 id
    相同的那个文件为原件。整个文件复制过来、没有改 id 时，只在副本上报一次。

    **Why:** modules, standards and waivers refer to things by id; with two things of one id a
    reference silently picks one of them. Duty ids are unique across all roles because `covers:`
    and `measures:` name only the duty. Specialty ids are unique within their role.

    **Where it is reported:** on the occurrence the change added, with the old one as the related
    place. In a git repository the validator compares with `HEAD` (or the revision given with
    `--base` in CI) to tell which is new; without git, the file named after the id is the
    original. A copied file whose ids were not changed is reported once, on the copy.

    **怎么改 / Fix:** 给新加的那一处换一个新 id（不要改原来的 id：别处都在引用它）。
    Give the new occurrence a new id (never the original's: other files refer to it).
    """
    # Ids are unique within each kind of entity (duties share one kind across all roles);
    # scoped kinds, such as a role's specialties, only within their parent.
    pairs: list[tuple[Kind, Entity, Entity]] = []
    for kind in handbook.kinds:
        if not kind.editor_ids:
            continue
        groups: dict[str, list[Entity]] = {}
        for entity in handbook.declared[kind.name]:
            groups.setdefault(handbook.key(entity), []).append(entity)
        for group in groups.values():
            if len(group) > 1:
                original = handbook.index[kind.name][handbook.key(group[0])]
                pairs += [(kind, entity, original) for entity in group if entity is not original]
    copies: dict[tuple[str, str], list[tuple[Kind, Entity, Entity]]] = {}
    for pair in pairs:
        copies.setdefault((pair[1].ref.path, pair[2].ref.path), []).append(pair)
    for (copy, source), found in copies.items():
        if copy != source and len(found) > 1:
            yield _copied_file(handbook, copy, source, found)
        else:
            yield from (_duplicate(handbook, *pair) for pair in found)


def _copied_file(
    handbook: Handbook, copy: str, source: str, found: list[tuple[Kind, Entity, Entity]]
) -> Problem:
    first = min(found, key=lambda pair: handbook.locate(handbook.id_ref(pair[1])))
    ids = [entity.id for _, entity, _ in found]
    shown = "、".join(ids[:4]) + ("…" if len(ids) > 4 else "")
    return Problem(
        handbook.id_ref(first[1]),
        Text(
            f"这个文件看起来是 {source} 的副本：{len(ids)} 个 id 与它相同（{shown}）。",
            f"This file looks like a copy of {source}: {len(ids)} of its ids are the same "
            f"({', '.join(ids[:4])}{'…' if len(ids) > 4 else ''}).",
        ),
        Text(
            f"给这个文件里的每个 id 都换成新的（文件名与新 id 一致）；不要改 {source}。",
            f"Give every id in this file a new one (and name the file after the new id); leave "
            f"{source} as it is.",
        ),
        related=(handbook.id_ref(first[2]),),
        subject=first[1].id,
    )


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
        where = handbook.locate(handbook.id_ref(original))
        message = Text(
            f"{name.zh} id “{entity.id}” 已经被使用过（{where.path} 第 {where.line} 行）。",
            f"The {name.en} id '{entity.id}' is already used ({where.path}, line {where.line}).",
        )
        hint = Text(
            "给这一条换一个新的 id（不要改原来那一条的 id）；如果两条是同一件事，删除这一条。",
            "Give this one a new id (not the original's); if both are the same thing, delete "
            "this one.",
        )
        subject = entity.id
    return Problem(
        handbook.id_ref(entity),
        message,
        hint,
        related=(handbook.id_ref(original),),
        subject=subject,
    )


@rule("id-renamed")
def id_renamed(handbook: Handbook) -> Iterator[Problem]:
    """已发布的 id 不改名。
    Published ids are not renamed.

    培训模块、服务标准、豁免、导出给其他系统的数据和员工的书签都靠 id 找到条目，所以 id 一旦
    发布就不能改：改了名，别处的引用要么失效，要么被悄悄改掉。校验器对照 `HEAD`（CI 中对照
    `--base`）发现：某个 id 消失了，而内容完全相同的条目以新 id 出现。

    Modules, standards, waivers, the data other systems import and staff bookmarks all find an
    entity by its id, so a published id never changes. The validator compares with `HEAD` (or
    `--base` in CI) and reports an id that disappeared while an entity with the same content
    appeared under a new id.

    **怎么改 / Fix:** 把 id 改回原来的；如果确实要换，先和手册维护人商量，并保留原 id 的说明。
    Change the id back; if it really must change, agree it with the handbook's maintainers first.
    """
    history = handbook.history
    if history is None:
        return
    gone: dict[tuple[str, str], list[str]] = {}
    for declared in history.removed():
        if handbook.get(declared.kind, declared.id) is None:
            gone.setdefault(
                (declared.kind, _content(handbook, declared.kind, declared.data)), []
            ).append(declared.id)
    if not gone:
        return
    for path in sorted(history.changed):
        for kind in handbook.kinds:
            if not kind.editor_ids or kind.scoped:
                continue
            for entity in handbook.declared[kind.name]:
                if entity.ref.path != path or history.existed(path, kind.name, entity.id):
                    continue
                old = gone.get((kind.name, _content(handbook, kind.name, entity.data)))
                if not old:
                    continue
                yield Problem(
                    handbook.id_ref(entity),
                    Text(
                        f"{kind.label.zh} “{old[0]}” 被改名为 “{entity.id}”（内容相同）。"
                        "已发布的 id 不能改。",
                        f"The {kind.label.en} '{old[0]}' was renamed '{entity.id}' (same "
                        "content). Published ids must not change.",
                    ),
                    Text(
                        f"把 id 改回 {old[0]}，引用它的地方也保持原样。",
                        f"Change the id back to {old[0]} and leave the references as they were.",
                    ),
                    subject=entity.id,
                )


def _content(handbook: Handbook, kind: str, data: dict[str, object]) -> str:
    """An entity's data without its id, as comparable text."""
    id_key = handbook.kinds[kind].id_key
    rest = {key: value for key, value in data.items() if key != id_key}
    return repr(sorted(rest.items(), key=lambda item: item[0]))


@rule("id-matches-file", partial=True)
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
        declared = handbook.declared[kind.name]
        counts = Counter(handbook.key(entity) for entity in declared)
        for entity in declared:
            stem = PurePosixPath(entity.ref.path).stem
            if counts[handbook.key(entity)] > 1:
                continue  # a duplicate id, copied file and all: id-unique reports it
            if stem == entity.id:
                continue
            taken = f"policies/{kind.folder}/{entity.id}.yaml" in handbook.documents
            hint = (
                Text(f"把 id 改回 {stem}。", f"Change the id back to {stem}.")
                if taken
                else Text(
                    f"把文件改名为 {entity.id}.yaml，或把 id 改回 {stem}。",
                    f"Rename the file to {entity.id}.yaml, or change the id back to {stem}.",
                )
            )
            yield Problem(
                handbook.id_ref(entity),
                Text(
                    f"文件名是 “{stem}.yaml”，但 id 是 “{entity.id}”。",
                    f"The file is named '{stem}.yaml' but its id is '{entity.id}'.",
                ),
                hint,
                subject=entity.id,
            )
