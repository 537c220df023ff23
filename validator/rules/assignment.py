"""Who takes which training: audiences, training on each post's path, certificates before the
post and only for those who need them."""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Ref, Text
from validator.model import Entity, Handbook
from validator.resolved import BEFORE_THE_POST, Post, TrainingPath
from validator.rules.registry import Problem, rule


@rule("module-audience")
def module_audience(handbook: Handbook) -> Iterator[Problem]:
    """每个培训模块写明谁要学，而且确实有人学。
    Every module says who takes it, and someone does.

    `audience:` 写明受训对象：`new_hires: true`（全体新员工）、`roles:`（这些岗位的全体人员）、
    `specialties:`（某岗位的某个专业方向，写成 `岗位/专业方向`）或 `conditions:`（满足某个任务
    条件的人员，见 `conditions.yaml`）。谁学什么由这里决定，不再由 `covers:` 推算：`covers:`
    只说明模块教什么。

    报告：`audience:` 为空；只写了条件，但没有任何岗位在 `conditions:` 中声明这些条件（于是没有
    人会学）；面向全体新员工的模块没有安排在上岗前（`stages:` 中没有 `onboarding`）。

    `audience:` names who takes the module: every new hire, whole roles, single specialties
    (`role/specialty`) or holders of a condition (see `conditions.yaml`). Who takes what is
    decided here, not guessed from `covers:`, which only says what the module teaches. Reported:
    an empty audience; an audience of conditions that no role declares (so nobody takes it); a
    module for every new hire that is not staged before the post (`onboarding`).

    **怎么改 / Fix:** 在 `audience:` 中写上受训岗位或条件；全员模块在 `stages:` 中加
    `onboarding`。
    Name the roles or conditions under `audience:`; stage a new-hire module `onboarding`.
    """
    declared = {
        item["condition"]
        for role in handbook.all("role")
        for item in role.data.get("conditions") or []
    }
    for module in handbook.all("module"):
        audience = module.data.get("audience") or {}
        where = module.ref / "audience"
        direct = audience.get("new_hires") or audience.get("roles") or audience.get("specialties")
        conditions = audience.get("conditions") or []
        if not direct and not conditions:
            yield Problem(
                where,
                Text(
                    f"培训模块 “{module.id}” 没有写受训对象。",
                    f"The module '{module.id}' names nobody who takes it.",
                ),
                Text(
                    "在 audience: 下写 roles:、specialties:、conditions: 或 new_hires: true。",
                    "Add roles:, specialties:, conditions: or new_hires: true under audience:.",
                ),
                subject=module.id,
            )
        elif not direct and not declared & set(conditions):
            yield Problem(
                where / "conditions",
                Text(
                    f"培训模块 “{module.id}” 只面向满足条件 {'、'.join(conditions)} 的人员，"
                    "但没有任何岗位声明这些条件，所以没有人会学。",
                    f"The module '{module.id}' is only for holders of {', '.join(conditions)}, "
                    "but no role declares those conditions, so nobody takes it.",
                ),
                Text(
                    "在做这些任务的岗位的 conditions: 中加入条件，或改写受训对象。",
                    "Add the condition to the conditions: of the roles that do the task, or "
                    "change the audience.",
                ),
                subject=module.id,
            )
        if audience.get("new_hires") and not BEFORE_THE_POST & set(module.data["stages"]):
            yield Problem(
                module.ref / "stages",
                Text(
                    f"培训模块 “{module.id}” 面向全体新员工，却没有安排在上岗前。",
                    f"The module '{module.id}' is for every new hire but is not staged before "
                    "the post.",
                ),
                Text("在 stages: 中加入 onboarding。", "Add onboarding to stages:."),
                subject=module.id,
            )


@rule("duty-trained-on-path")
def duty_trained_on_path(handbook: Handbook) -> Iterator[Problem]:
    """每条职责都由该岗位培训路径上的模块覆盖。
    A duty is trained on the path of every post that does it.

    只有一个模块的 `covers:` 写了某条职责还不够：这个模块必须在做这件事的岗位（或专业方向）的
    培训路径上，也就是它的 `audience:` 包括这个岗位。只由满足某个条件的人员承担的职责
    （`condition:`），由该条件的模块覆盖即可。完全没有模块覆盖的职责由 `duty-has-training`
    报告。

    A module listing the duty in `covers:` is not enough: the module must be on the path of the
    post (or specialty) that does the duty, i.e. its `audience:` includes the post. A duty only
    holders of a condition do (`condition:`) may be trained by that condition's modules. Duties
    no module covers at all are `duty-has-training`'s finding.

    **怎么改 / Fix:** 把岗位加入覆盖它的模块的 `audience:`，或让路径上的某个模块覆盖它。
    Add the post to the `audience:` of a module that covers the duty, or cover it by a module
    already on the path.
    """
    resolved = handbook.resolved
    for duty in handbook.all("duty"):
        covering = handbook.modules_covering.get(duty.id, [])
        if not covering:
            continue
        missing = resolved.untrained_posts(duty)
        if not missing:
            continue
        posts = "、".join(path.post.label("zh") for path in missing)
        posts_en = ", ".join(path.post.label("en") for path in missing)
        modules = ", ".join(module.id for module in covering)
        first = missing[0].post
        yield Problem(
            duty.ref / "id",
            Text(
                f"职责 “{duty.id}” 由 {modules} 覆盖，但这些模块不在 {posts} 的培训路径上。",
                f"The duty '{duty.id}' is covered by {modules}, but none of them is on the "
                f"training path of {posts_en}.",
            ),
            Text(
                f"在 {covering[0].id} 的 audience: 中加入 {_audience_entry(first)}，"
                "或让这个岗位路径上的模块覆盖这条职责。",
                f"Add {_audience_entry(first)} to the audience: of {covering[0].id}, or cover "
                "the duty by a module on the post's path.",
            ),
            tuple(module.ref / "audience" for module in covering[:3]),
            subject=duty.id,
        )


def _audience_entry(post: Post) -> str:
    return f"specialties: [{post.key}]" if post.specialty else f"roles: [{post.role.id}]"


@rule("certificate-before-post")
def certificate_before_post(handbook: Handbook) -> Iterator[Problem]:
    """为证书做准备的模块写明考什么，并安排在上岗之前。
    A module preparing a certificate says what the exam is and comes before the post.

    持证上岗的意思是先取得证书再上岗。所以为证书做准备的模块：

    - 要用 `exam:` 写明这个证书考什么、由谁组织（否则无法判断模块是否真的教了取证内容）；
    - 要在 `stages:` 中包括 `onboarding`（入职上岗前）或 `promotion`（转岗、晋升前），除非
      证书登记表为这个证书写了 `obtain_within_months`（允许上岗后若干个月内取得）。

    Holding a licence to work means holding it before starting. A module that prepares for a
    certificate therefore states the exam (`exam:`: what it covers and who sets it) and is
    staged `onboarding` or `promotion`, unless the certificate's `obtain_within_months` allows
    it to be obtained within a period after starting.

    **怎么改 / Fix:** 补上 `exam:`；在 `stages:` 中加入 `onboarding`，或在证书登记表中写明
    `obtain_within_months`（如果法规允许）。
    Add `exam:`; add `onboarding` to `stages:`, or give the certificate `obtain_within_months`
    where the law allows it.
    """
    for module in handbook.all("module"):
        certificates = module.data.get("certificates") or []
        if not certificates:
            continue
        if not module.data.get("exam"):
            yield Problem(
                module.ref / "certificates",
                Text(
                    f"培训模块 “{module.id}” 为证书做准备，却没有写明证书考什么（exam:）。",
                    f"The module '{module.id}' prepares for a certificate but does not say what "
                    "the exam covers (exam:).",
                ),
                Text(
                    "加上 exam:，写明考试内容和组织考试的机关。",
                    "Add exam: with what the exam covers and who sets it.",
                ),
                subject=module.id,
            )
        if BEFORE_THE_POST & set(module.data["stages"]):
            continue
        for index, certificate_id in enumerate(certificates):
            certificate = handbook.get("certificate", certificate_id)
            if certificate is None or certificate.data.get("obtain_within_months"):
                continue
            yield Problem(
                module.ref / "stages",
                Text(
                    f"培训模块 “{module.id}” 为证书 “{certificate_id}” 做准备，但安排在上岗以后；"
                    "这个证书须在上岗前取得。",
                    f"The module '{module.id}' prepares for '{certificate_id}' but comes after "
                    "starting; the certificate must be held before starting.",
                ),
                Text(
                    "在 stages: 中加入 onboarding（或 promotion），或在证书登记表中写明 "
                    "obtain_within_months。",
                    "Add onboarding (or promotion) to stages:, or give the certificate "
                    "obtain_within_months in the register.",
                ),
                (module.ref / "certificates" / index, certificate.ref / "id"),
                subject=module.id,
            )


@rule("certificate-condition")
def certificate_condition(handbook: Handbook) -> Iterator[Problem]:
    """证书的取证培训只落到需要这个证书的人身上。
    Certificate training reaches exactly the posts that need the certificate.

    岗位的持证要求可以带条件（`condition:`，例如只有从事高处作业的人员才需要高处作业证）。
    于是：

    - 条件必须是这个岗位在 `conditions:` 中声明过的；
    - 有条件的证书，其取证模块不能在这个岗位所有人的路径上（否则每个保洁员都要去考焊工证），
      而要在该条件的模块中；
    - 没有条件的证书，其取证模块必须在这个岗位的路径上；
    - 反过来，模块准备的证书如果只有满足某个条件的人员才需要，这个模块就不能因为别的条件
      （或不带条件）落到岗位上：一个模块同时准备高处作业证和焊工证，从事高处作业的保洁员
      就得去学焊接。

    A role's certificate requirement may carry a condition (only those who work at height need
    the work-at-height certificate). The condition must be one the role declares under
    `conditions:`; the module preparing a conditional certificate must not be on every holder's
    path (or every cleaner would sit a welding exam) but among the condition's modules; the
    module preparing an unconditional one must be on the post's path. Conversely, a module
    that prepares a certificate only holders of one condition need must not reach a post
    through another condition (or none): a module preparing both the work-at-height and the
    welding certificates would send every cleaner who works at height to welding training.

    **怎么改 / Fix:** 调整取证模块的 `audience:`：有条件的证书用 `conditions:`，无条件的用
    `roles:` 或 `specialties:`；一个模块准备几个条件不同的证书时，按证书拆成几个模块。
    Fix the preparing module's `audience:`: `conditions:` for a conditional certificate,
    `roles:` or `specialties:` for an unconditional one; split a module that prepares
    certificates for different conditions into one module per certificate.
    """
    resolved = handbook.resolved
    for role in handbook.all("role"):
        paths = resolved.paths_of(role)
        for index, need in enumerate(role.data.get("certificates") or []):
            preparing = handbook.modules_preparing.get(need["certificate"], [])
            if not preparing:
                continue  # certificate-has-training reports it
            where = role.ref / "certificates" / index
            for path in paths:
                if need.get("specialty") not in (None, path.specialty):
                    continue
                problem = _certificate_on_path(handbook, role, need, path, preparing, where)
                if problem is not None:
                    yield problem
                    break
    yield from _certificates_beyond_their_condition(handbook)


def _certificates_beyond_their_condition(handbook: Handbook) -> Iterator[Problem]:
    """Modules that reach a post through one condition (or none) while preparing a certificate
    that post's holders need only under another: once per role, module and certificate."""
    # A certificate required somewhere without a condition may be taken by anyone (a manager
    # may sit the safety-manager course without being required to hold it); one required only
    # under conditions belongs to the holders of those conditions.
    anywhere: dict[str, set[str | None]] = {}
    for role in handbook.all("role"):
        for need in role.data.get("certificates") or []:
            anywhere.setdefault(need["certificate"], set()).add(need.get("condition"))
    for role in handbook.all("role"):
        needs = role.data.get("certificates") or []
        reported: set[tuple[str, str]] = set()
        for path in handbook.resolved.paths_of(role):
            reached: list[tuple[Entity, str | None]] = [(m, None) for m in path.modules]
            reached += [(m, g.condition) for g in path.conditional for m in g.modules]
            for module, through in reached:
                for index, certificate in enumerate(module.data.get("certificates") or []):
                    own = [
                        (number, need)
                        for number, need in enumerate(needs)
                        if need["certificate"] == certificate
                        and need.get("specialty") in (None, path.specialty)
                    ]
                    if own and through is None:
                        continue  # the requirement's own check above reports these
                    wanted = {need.get("condition") for _, need in own} if own else None
                    if wanted is None:
                        wanted = anywhere.get(certificate, {None})
                    if None in wanted or through in wanted or (module.id, certificate) in reported:
                        continue
                    reported.add((module.id, certificate))
                    related = tuple(
                        role.ref / "certificates" / number / "condition" for number, _ in own
                    )
                    yield _beyond_condition(
                        module, index, certificate, wanted, path, through, related
                    )


def _beyond_condition(
    module: Entity,
    index: int,
    certificate: str,
    wanted: set[str | None],
    path: TrainingPath,
    through: str | None,
    related: tuple[Ref, ...],
) -> Problem:
    needed = "、".join(sorted(str(c) for c in wanted))
    needed_en = ", ".join(sorted(str(c) for c in wanted))
    post, post_en = path.post.label("zh"), path.post.label("en")
    if through:
        who = f"{post}中满足条件 “{through}” 的人员也要学它"
        who_en = f"holders of '{through}' on the post {post_en} take it too"
    else:
        who = f"它在{post}所有人员的培训路径上"
        who_en = f"it is on the path of every {post_en}"
    return Problem(
        module.ref / "certificates" / index,
        Text(
            f"模块 “{module.id}” 为证书 “{certificate}” 做准备，只有满足条件 “{needed}” 的人员"
            f"需要这个证书，但{who}。",
            f"The module '{module.id}' prepares for '{certificate}', which only holders of "
            f"'{needed_en}' need, yet {who_en}.",
        ),
        Text(
            f"把为 “{certificate}” 做准备的内容拆成单独的模块，受训对象写 conditions: [{needed}]。",
            f"Move the preparation for '{certificate}' into a module of its own with the "
            f"audience conditions: [{needed_en}].",
        ),
        related,
        subject=module.id,
    )


def _certificate_on_path(
    handbook: Handbook,
    role: Entity,
    need: dict[str, str],
    path: TrainingPath,
    preparing: list[Entity],
    where: Ref,
) -> Problem | None:
    certificate = need["certificate"]
    condition = need.get("condition")
    taken = {m.id for m in path.modules}
    on_path = [m for m in preparing if m.id in taken]
    post = path.post.label("zh")
    post_en = path.post.label("en")
    if condition is None:
        if on_path:
            return None
        return Problem(
            where / "certificate",
            Text(
                f"{post}必须持有 “{certificate}”，但为它做准备的模块"
                f"（{'、'.join(m.id for m in preparing)}）不在这个岗位的培训路径上。",
                f"{post_en} must hold '{certificate}', but the modules preparing for it "
                f"({', '.join(m.id for m in preparing)}) are not on the post's path.",
            ),
            Text(
                f"在 {preparing[0].id} 的 audience: 中加入 {role.id}；如果只有做某项任务的人员"
                "才需要这个证书，给这条持证要求加上 condition:。",
                f"Add {role.id} to the audience: of {preparing[0].id}; if only those who do a "
                "certain task need the certificate, give this requirement a condition:.",
            ),
            (preparing[0].ref / "audience",),
            subject=role.id,
        )
    if condition not in handbook.resolved.conditions_of(path.post):
        return Problem(
            where / "condition",
            Text(
                f"持证条件 “{condition}” 没有在岗位 “{role.id}” 的 conditions: 中声明。",
                f"The condition '{condition}' is not declared under the conditions: of the "
                f"role '{role.id}'.",
            ),
            Text(
                f"在 conditions: 中加入 {condition}（可限定专业方向）。",
                f"Add {condition} under conditions: (for a specialty if it applies to one).",
            ),
            subject=role.id,
        )
    if on_path:
        module = on_path[0]
        return Problem(
            where / "condition",
            Text(
                f"证书 “{certificate}” 只有满足条件 “{condition}” 的人员需要，但取证模块 "
                f"“{module.id}” 在{post}所有人员的培训路径上。",
                f"Only holders of '{condition}' need '{certificate}', but the module "
                f"'{module.id}' that prepares for it is on the path of every {post_en}.",
            ),
            Text(
                f"把 {module.id} 的受训对象改为 conditions: [{condition}]，不要写整个岗位。",
                f"Make the audience of {module.id} conditions: [{condition}] rather than the "
                "whole post.",
            ),
            (module.ref / "audience",),
            subject=role.id,
        )
    conditional = {m.id for g in path.conditional if g.condition == condition for m in g.modules}
    if not conditional & {m.id for m in preparing}:
        return Problem(
            where / "condition",
            Text(
                f"满足条件 “{condition}” 的{post}需要证书 “{certificate}”，但没有面向这个条件的"
                "取证模块。",
                f"Holders of '{condition}' on the post {post_en} need '{certificate}', but no "
                "module for that condition prepares for it.",
            ),
            Text(
                f"在 {preparing[0].id} 的 audience: 中加入 conditions: [{condition}]。",
                f"Add conditions: [{condition}] to the audience: of {preparing[0].id}.",
            ),
            (preparing[0].ref / "audience",),
            subject=role.id,
        )
    return None
