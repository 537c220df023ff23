"""The waiver checks: the documentation of those the waiver stage makes (:mod:`validator.waiving`)
and the maximum validity of a waiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from validator.findings import Severity, Text
from validator.model import Handbook
from validator.rules.governance import add_months
from validator.rules.registry import Problem, builtin, rule

builtin(
    "waiver-valid",
    "rules",
    """
    每条豁免有效：规则存在、可以豁免，且没有过期。
    A waiver names a real, waivable rule and has not expired.

    豁免写在 `policies/waivers.yaml`：`rule`（规则 id）、`target`（被豁免的 id 或文件路径）、
    `reason`（理由）、`approved_by`（批准岗位 id）和 `expires`（到期日）。过期的豁免不再生效，
    而且本身就是错误：例外要么解决，要么重新审批。读取文件阶段的检查（yaml-*、file-*、schema）
    不能豁免。对象和批准岗位是否存在由 `ref-resolves` 检查。

    A waiver gives `rule`, `target` (an id or a file path), `reason`, `approved_by` (a role id)
    and `expires`. An expired waiver no longer applies and is itself an error: fix the exception
    or approve it again. Reading-stage checks cannot be waived. Targets and approvers are checked
    by `ref-resolves`. **Fix:** renew with a new date and approval, or fix the data and delete it.
    """,
)
builtin(
    "waiver-used",
    "rules",
    """
    每条豁免确实豁免了某个问题。
    Every waiver suppresses something.

    豁免的问题已经解决（或者 target 写错了）时，这条豁免就是多余的；留着它会在将来悄悄掩盖
    新出现的问题。

    A waiver whose problem is fixed (or whose target is wrong) is stale; left in place it would
    silently hide a future problem. **Fix:** delete the waiver.
    """,
    Severity.WARNING,
)


DEFAULT_MAX_MONTHS = 24
"""How far ahead a waiver may expire when ``handbook.yaml`` sets no ``waivers.max_months``."""


@rule("waiver-within-maximum", Severity.ERROR)
def waiver_within_maximum(handbook: Handbook) -> Iterator[Problem]:
    """豁免的有效期不超过手册规定的上限。
    A waiver expires within the maximum validity the handbook sets.

    豁免是有期限的例外：到期时要么问题已经解决，要么重新审批。到期日写成 2999 年的豁免等于
    永久关掉一条规则。到期日最晚可以是今天加上 `handbook.yaml` 里 `waivers.max_months` 个月
    （没有设置时为 24 个月）。

    A waiver is a dated exception: by its expiry the problem is fixed or the waiver approved
    again. One that expires in 2999 switches a rule off for good. The expiry may be at most
    `waivers.max_months` months after today (`handbook.yaml`; 24 when not set).

    **怎么改 / Fix:** 把 `expires` 改到上限以内，到期时再重新审批。
    Bring `expires` within the maximum and approve the waiver again when it runs out.
    """
    setting = (handbook.settings.get("waivers") or {}).get("max_months")
    months = int(setting) if setting is not None else DEFAULT_MAX_MONTHS
    latest = add_months(handbook.today, months)
    related = (
        (handbook.settings_ref / "waivers" / "max_months",)
        if setting and handbook.settings_ref
        else ()
    )
    for ref, waiver in handbook.waivers:
        expires = date.fromisoformat(str(waiver["expires"]))
        if expires > latest:
            yield Problem(
                ref / "expires",
                Text(
                    f"豁免到 {expires.isoformat()} 才到期，超过了 {months} 个月的上限"
                    f"（最晚 {latest.isoformat()}）。",
                    f"The waiver runs until {expires.isoformat()}, beyond the maximum of "
                    f"{months} months (at most {latest.isoformat()}).",
                ),
                Text(
                    f"把 expires 改成 {latest.isoformat()} 或更早，到期时重新审批。",
                    f"Set expires to {latest.isoformat()} or earlier and approve it again then.",
                ),
                related,
                subject=waiver["target"],
            )
