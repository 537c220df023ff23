"""Rules about references: every id that is named exists, and the registries are present."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Text
from validator.model import Handbook
from validator.references import Reference, candidates, resolves
from validator.rules.registry import Problem, rule
from validator.suggest import Suggester


@rule("ref-resolves")
def ref_resolves(handbook: Handbook) -> Iterator[Problem]:
    """每个引用都指向存在的条目。
    Every reference names something that exists.

    检查的引用：层级的 `owner`，岗位的 `tier`、`reports_to`、`certificates` 和专业方向，
    职责和标准的 `cites`，服务标准的 `responsible`、`measures` 和目标中的服务等级，培训模块的
    `prerequisites`、`covers`、`certificates`、`regulations`，证书的 `basis`，
    `handbook.yaml` 中按层级设置的学时，豁免的 `target` 和 `approved_by`，以及 `sources:` 中的
    出处编号（见 `sources.yaml`）。消息会给出最接近的
    已有 id，并指向它的位置。

    Checked: tier owners; a role's tier, manager, certificates and specialties; citations of
    duties, standards and certificates; a standard's responsible role, measured duties and
    service levels; a module's prerequisites, covered duties, certificates and regulations; the
    tiers named in `handbook.yaml`; a waiver's target and approver; the `sources:` keys (see
    `sources.yaml`). The message suggests the
    closest existing id and points at it.

    **为什么：** 拼错的 id 会让职责看起来没有培训、标准没有负责人，而且没人发现。
    **Why:** a misspelt id silently breaks coverage and ownership.

    **怎么改 / Fix:** 改成建议的 id，或者先创建被引用的条目。
    Use the suggested id, or create the thing being referred to first.
    """
    suggesters: dict[tuple[str, str], Suggester] = {}
    removed = _removed_here(handbook)
    for reference in handbook.references:
        if not resolves(handbook, reference):
            yield _unresolved(handbook, reference, suggesters, removed)
    for ref, waiver in handbook.waivers:
        if not handbook.knows(waiver["target"]):
            yield Problem(
                ref / "target",
                Text(
                    f"豁免对象 “{waiver['target']}” 既不是已有的 id，也不是政策文件路径。",
                    f"The waiver target '{waiver['target']}' is neither an existing id nor a "
                    "policy file path.",
                ),
                Text(
                    "写被豁免问题所涉及的 id（例如职责 id），或 policies/ 下的文件路径。",
                    "Use the id the finding is about (a duty id, say) or a path under policies/.",
                ),
                subject=waiver["target"],
            )


def _removed_here(handbook: Handbook) -> set[tuple[str, str]]:
    """(kind, id) of the entities this change removed (or renamed), when git can tell."""
    if handbook.history is None:
        return set()
    return {
        (declared.kind, declared.id)
        for declared in handbook.history.removed()
        if handbook.get(declared.kind, declared.id) is None
    }


def _unresolved(
    handbook: Handbook,
    reference: Reference,
    suggesters: dict[tuple[str, str], Suggester],
    removed: set[tuple[str, str]],
) -> Problem:
    kind = handbook.kinds.label(reference.target_kind)
    message = Text(
        f"{kind.zh} “{reference.target_id}” 不存在。",
        f"There is no {kind.en} '{reference.target_id}'.",
    )
    if (reference.target_kind, reference.target_id) in removed:
        # Deleted or renamed by this very change: pointing the reference elsewhere would hide it.
        hint = Text(
            f"“{reference.target_id}” 是这次修改中被删除或改了 id 的{kind.zh}。已发布的 id "
            "不能改：请恢复它；确实要删除时，同时删除所有引用它的地方。",
            f"'{reference.target_id}' is a {kind.en} this change deleted or renamed. Published "
            "ids must not change: restore it; if it really goes, remove every reference to it too.",
        )
        return Problem(reference.where, message, hint, subject=reference.source.id)
    scoped = handbook.kinds[reference.target_kind].scoped
    key = (reference.target_kind, "" if not scoped else str(reference.source.parent or ""))
    if key not in suggesters:
        suggesters[key] = Suggester(candidates(handbook, reference))
    guess = suggesters[key].closest(reference.target_id)
    related: tuple[Ref, ...] = ()
    if guess and not scoped:
        target = handbook.get(reference.target_kind, guess)
        if target is not None:
            related = (handbook.id_ref(target),)
    if guess:
        hint = Text(f"是不是 “{guess}”？", f"Did you mean '{guess}'?")
    else:
        hint = Text(
            f"先创建这个{kind.zh}，或删除这个引用。",
            f"Create the {kind.en} first, or remove the reference.",
        )
    return Problem(reference.where, message, hint, related, subject=reference.source.id)


@rule("files-present")
def files_present(handbook: Handbook) -> Iterator[Problem]:
    """手册设置、层级、法规和证书文件都存在。
    The settings, tiers, regulations and certificates files exist.

    `policies/handbook.yaml`、`tiers.yaml`、`regulations.yaml` 和 `certificates.yaml`
    是其他文件引用的登记表；缺少任何一个，大量引用都会失效。

    These registries are what the other files refer to; without one of them many references
    break at once. **Fix:** restore the file (see `git log -- policies/<file>`).
    """
    for kind in handbook.kinds.files():
        path = f"policies/{kind.filename}"
        if kind.required and path not in handbook.documents:
            yield Problem(
                Ref(path),
                Text(f"缺少文件 {path}。", f"The file {path} is missing."),
                Text(
                    "恢复这个文件（可以用 git log 查看它的历史）。",
                    "Restore the file (its history is in git log).",
                ),
            )
