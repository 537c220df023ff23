"""The waiver checks' documentation; the waiver stage itself is :mod:`validator.waiving`."""

from __future__ import annotations

from validator.findings import Severity
from validator.rules.registry import builtin

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
