"""Coverage rules: duties are trained and measured; modules and regulations earn their place."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Severity, Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule
from validator.suggest import closest


@rule("duty-has-training")
def duty_has_training(handbook: Handbook) -> Iterator[Problem]:
    """每条职责至少由一个培训模块覆盖。
    Every duty is covered by at least one training module.

    **为什么：** 没有培训的职责无法要求、无法考核，新员工也不知道怎么做。这是手册的核心承诺：
    写进岗位说明书的每件事，都有课教。

    **Why:** a duty nobody is trained for cannot be expected or audited; this is the handbook's
    core promise.

    **怎么改 / Fix:** 在合适的培训模块（`policies/training/*.yaml`）的 `covers:` 中加入这条
    职责的 id；消息会推荐已经覆盖本岗位其他职责的模块。也可以新建一个模块。
    Add the duty id to the `covers:` list of a suitable module (the message suggests modules
    that already train this role), or create a module.
    """
    misspelt = _unknown_covers(handbook)
    for duty in handbook.all("duty"):
        if duty.id in handbook.modules_covering:
            continue
        guess = closest(duty.id, misspelt)
        typo = [guess] if guess else []
        suggestions = _modules_of_role(handbook, duty.parent or "")
        if typo:
            module, where = misspelt[typo[0]]
            yield Problem(
                duty.ref / "id",
                Text(
                    f"职责 “{duty.id}” 没有任何培训模块覆盖；模块 “{module}” 的 covers 里的 "
                    f"“{typo[0]}” 可能就是它（拼写错误）。",
                    f"The duty '{duty.id}' is not covered by any training module; '{typo[0]}' in "
                    f"the covers of '{module}' is probably a misspelling of it.",
                ),
                Text(
                    f"把 {module} 中的 “{typo[0]}” 改成 {duty.id}。",
                    f"Change '{typo[0]}' in {module} to {duty.id}.",
                ),
                (where,),
                subject=duty.id,
            )
            continue
        if suggestions:
            names = "、".join(suggestions[:3])
            hint = Text(
                f"在培训模块的 covers: 中加入 {duty.id}；本岗位已在用的模块：{names}。",
                f"Add {duty.id} to a module's covers:; modules this role already takes: "
                f"{', '.join(suggestions[:3])}.",
            )
        else:
            hint = Text(
                f"在某个培训模块的 covers: 中加入 {duty.id}，或新建一个模块。",
                f"Add {duty.id} to some module's covers:, or create a module.",
            )
        yield Problem(
            duty.ref / "id",
            Text(
                f"职责 “{duty.id}” 没有任何培训模块覆盖。",
                f"The duty '{duty.id}' is not covered by any training module.",
            ),
            hint,
            subject=duty.id,
        )


def _unknown_covers(handbook: Handbook) -> dict[str, tuple[str, Ref]]:
    """Duty ids named in a ``covers:`` that do not exist → (module, place of the entry)."""
    unknown: dict[str, tuple[str, Ref]] = {}
    for module in handbook.all("module"):
        for index, duty_id in enumerate(module.data.get("covers") or []):
            if handbook.get("duty", duty_id) is None:
                unknown.setdefault(duty_id, (module.id, module.ref / "covers" / index))
    return unknown


def _modules_of_role(handbook: Handbook, role_id: str) -> list[str]:
    found: dict[str, None] = {}
    for duty in handbook.duties_of.get(role_id, []):
        for module in handbook.modules_covering.get(duty.id, []):
            found[module.id] = None
    return sorted(found)


@rule("module-has-purpose")
def module_has_purpose(handbook: Handbook) -> Iterator[Problem]:
    """每个培训模块至少覆盖一条职责或为一个证书做准备。
    Every module covers a duty or prepares for a certificate.

    **为什么：** 不对应任何职责或证书的培训是“孤儿课程”：占用学时，却说不清为谁、为什么而上。

    **Why:** a module that trains no duty and prepares for no certificate costs hours without
    anyone being able to say whom it is for.

    **怎么改 / Fix:** 在 `covers:` 中列出它培训的职责，或在 `certificates:` 中列出它准备的
    证书；确实不再需要的模块就删除。
    List the duties it trains in `covers:` or the certificates in `certificates:`; delete a
    module nobody needs.
    """
    for module in handbook.all("module"):
        if not module.data.get("covers") and not module.data.get("certificates"):
            yield Problem(
                module.ref / "id",
                Text(
                    f"培训模块 “{module.id}” 既不覆盖任何职责，也不为任何证书做准备。",
                    f"The module '{module.id}' covers no duty and prepares for no certificate.",
                ),
                Text(
                    "在 covers: 中列出它培训的职责 id，或在 certificates: 中列出证书 id。",
                    "List the duty ids it trains under covers:, or certificate ids under "
                    "certificates:.",
                ),
                subject=module.id,
            )


@rule("certificate-has-training")
def certificate_has_training(handbook: Handbook) -> Iterator[Problem]:
    """岗位要求的每个证书都有培训模块为它做准备。
    Every certificate a role requires is prepared for by some module.

    **为什么：** 持证上岗是法定要求（电工、保安员、消防设施操作员……）；没有取证和复审培训，
    证书到期时才发现就晚了。

    **Why:** licences are a legal requirement; without a module for obtaining and renewing one,
    an expiry is discovered too late.

    **怎么改 / Fix:** 在取证或复审培训模块的 `certificates:` 中加入这个证书 id。
    Add the certificate id to the `certificates:` of the module that prepares for it.
    """
    for role in handbook.all("role"):
        for index, need in enumerate(role.data.get("certificates") or []):
            certificate_id = need["certificate"]
            certificate = handbook.get("certificate", certificate_id)
            # An unknown certificate is ref-resolves' finding, not this rule's.
            if certificate is None or certificate_id in handbook.modules_preparing:
                continue
            yield Problem(
                role.ref / "certificates" / index / "certificate",
                Text(
                    f"岗位要求证书 “{certificate_id}”，但没有培训模块为它做准备。",
                    f"The role requires '{certificate_id}', but no module prepares for it.",
                ),
                Text(
                    f"在取证或复审模块的 certificates: 中加入 {certificate_id}。",
                    f"Add {certificate_id} to the certificates: of the module that prepares "
                    "for it.",
                ),
                (certificate.ref / "id",),
                subject=role.id,
            )


@rule("duty-has-standard", Severity.WARNING)
def duty_has_standard(handbook: Handbook) -> Iterator[Problem]:
    """基层岗位的每条职责至少有一个服务标准衡量它。
    Frontline duties are measured by at least one standard.

    **为什么：** 一线工作直接决定业主满意度；没有可量化的标准，主管检查时就没有依据。
    管理岗位的职责不要求逐条对应标准。

    **Why:** frontline work decides owner satisfaction; without a measurable standard a
    supervisor has nothing to check against. Management duties are not required to have one.

    **怎么改 / Fix:** 在 `policies/standards/*.yaml` 的某个标准的 `measures:` 中加入这条职责，
    或新建一个标准；确实无法量化的，在 `waivers.yaml` 中说明理由。
    Add the duty to a standard's `measures:`, or create one; if it truly cannot be measured,
    waive it with a reason.
    """
    ranks = [int(t.data["rank"]) for t in handbook.all("tier")]
    if not ranks:
        return
    frontline = min(ranks)
    for duty in handbook.all("duty"):
        if handbook.role_rank(duty.parent or "") != frontline:
            continue
        if duty.id not in handbook.standards_measuring:
            yield Problem(
                duty.ref / "id",
                Text(
                    f"基层职责 “{duty.id}” 没有服务标准衡量。",
                    f"The frontline duty '{duty.id}' is not measured by any standard.",
                ),
                Text(
                    f"在某个服务标准的 measures: 中加入 {duty.id}。",
                    f"Add {duty.id} to a standard's measures:.",
                ),
                subject=duty.id,
            )


@rule("regulation-cited", Severity.WARNING)
def regulation_cited(handbook: Handbook) -> Iterator[Problem]:
    """登记的每部法规都至少被引用一次。
    Every registered regulation is cited somewhere.

    法规登记表中的法规应当被职责、服务标准、证书（`cites`、`basis`）或培训模块
    （`regulations`）引用。没人引用的法规说明要么登记多余，要么有职责或课程漏写了依据。
    引用不存在的法规由 `ref-resolves` 报告。

    A registered regulation should be cited by a duty, standard or certificate, or taught by a
    module; an uncited one is either surplus or a missing legal basis elsewhere. Citations of
    unknown regulations are reported by `ref-resolves`.

    **怎么改 / Fix:** 在相关职责的 `cites:` 或培训模块的 `regulations:` 中引用它，或从登记表删除。
    Cite it where it applies, or remove it from the register.
    """
    for regulation in handbook.all("regulation"):
        if not handbook.referrers.get(("regulation", regulation.id)):
            yield Problem(
                regulation.ref / "id",
                Text(
                    f"法规 “{regulation.id}” 没有被任何职责、标准、证书或培训模块引用。",
                    f"The regulation '{regulation.id}' is not cited by any duty, standard, "
                    "certificate or module.",
                ),
                Text(
                    "在相关职责的 cites: 或培训模块的 regulations: 中引用它，或把它从登记表删除。",
                    "Cite it from a duty's cites: or a module's regulations:, or remove it.",
                ),
                subject=regulation.id,
            )
