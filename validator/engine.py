"""The validator's pipeline: load → schema → rules, as a compiler runs its stages.

Rules run only when loading and the schemas found no error, so one broken file gives one finding
instead of a cascade of follow-on errors. The result carries the indexed handbook for callers
that go on to render or explain it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from validator import parallel_load, waiving
from validator.errors import ToolError
from validator.findings import Finding, Location, Severity, Text
from validator.history import History
from validator.kinds import KINDS, Registry
from validator.loader import LIMITS, Limits
from validator.model import Handbook, build
from validator.policies import PolicyFiles, discover
from validator.rules import RULES, Problem, Rule
from validator.rules.registry import held_back
from validator.schema import SchemaSet
from validator.suggest import closest


@dataclass
class Result:
    """Everything one run found."""

    findings: list[Finding]
    files: PolicyFiles
    handbook: Handbook | None = None
    """The indexed policies, when loading and the schemas found no error."""

    @property
    def failed(self) -> bool:
        """True when some error is not waived."""
        return any(finding.fails for finding in self.findings)


class RuleCrashed(ToolError):
    """A rule raised instead of reporting: a defect in the validator, not in the data."""

    def __init__(self, rule_id: str, error: Exception) -> None:
        super().__init__(
            f"规则 {rule_id} 在检查时出错（{type(error).__name__}）：这是校验器的缺陷，不是数据的"
            "问题。请用 --debug 运行并报告。",
            f"The rule {rule_id} failed while checking ({type(error).__name__}): a defect in the "
            "validator, not in the data. Run with --debug and report it.",
        )
        self.rule = rule_id
        self.__cause__ = error


def run(
    root: Path,
    *,
    today: date | None = None,
    limits: Limits = LIMITS,
    kinds: Registry = KINDS,
    history: History | None = None,
    cache: Path | None = None,
) -> Result:
    """Check the policy tree under ``root``. Problems in the data are findings; set-up problems
    (no ``policies/`` folder, a broken schema) raise :class:`ToolError`. With a ``cache``
    folder, files parsed by an earlier run are not parsed again."""
    # A run builds hundreds of thousands of small objects and no reference cycles worth
    # collecting midway; with the cyclic collector paused a large tree checks about a third faster.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(root, today, limits, kinds, history, cache)
    finally:
        if collecting:
            gc.enable()


def _run(
    root: Path,
    today: date | None,
    limits: Limits,
    kinds: Registry,
    history: History | None,
    cache: Path | None,
) -> Result:
    policies_dir = root / "policies"
    if not policies_dir.is_dir():
        raise ToolError(
            f"在 {root} 下找不到 policies/ 目录；请在仓库根目录运行，或用 --root 指定。",
            f"No policies/ folder under {root}; run from the repository root or pass --root.",
        )
    schemas = SchemaSet(root / "schemas", kinds)
    files = discover(root, limits, kinds, cache)
    findings = list(files.findings)
    for path, document in files.documents.items():
        if path not in files.damaged:
            findings.extend(schemas.check(document, files.kinds[path].name))
    # A mistake in the rule settings (an unknown rule, a fixed rule) leaves the rules at their
    # defaults and every file loaded: it fails the check but holds back no cross-file rule.
    blocked = bool(held_back(findings))
    severities, config_findings = _severities(files)
    findings.extend(config_findings)
    result = Result(findings, files)
    if blocked:
        result.findings = sorted(findings + _per_file(files, findings, severities, today, kinds))
        return result
    handbook = build(files, kinds)
    handbook.today = today or date.today()
    handbook.history = history
    handbook.settle_duplicates()
    result.handbook = handbook
    findings.extend(_all_checked(handbook, severities))
    findings, invalid, unused = waiving.apply(handbook, findings)
    for rule_id, problems in (("waiver-valid", invalid), ("waiver-used", unused)):
        severity = severities[rule_id]
        if severity is not None:
            findings.extend(_locate(handbook, rule_id, severity, problems))
    result.findings = sorted(findings)
    return result


def _per_file(
    files: PolicyFiles,
    findings: list[Finding],
    severities: dict[str, Severity | None],
    today: date | None,
    kinds: Registry,
) -> list[Finding]:
    """While broken files hold the cross-file rules back, the rules that look at each file on
    its own still run on the files that loaded cleanly, so an editor sees those problems in the
    same round. The broken files' contents are unknown: nothing is said about what they hold,
    what refers to them, or which waiver they would use."""
    broken = set(held_back(findings))
    clean = PolicyFiles(files.root)
    for path, document in files.documents.items():
        if path not in broken and path not in files.damaged:
            clean.documents[path] = document
            clean.kinds[path] = files.kinds[path]
    handbook = build(clean, kinds)
    handbook.today = today or date.today()
    handbook.settle_duplicates()
    found: list[Finding] = []
    for entry in RULES.values():
        severity = severities[entry.id]
        if entry.partial and entry.check is not None and severity is not None:
            found.extend(_checked(handbook, entry, severity))
    return waiving.apply(handbook, found)[0]


BESIDE = frozenset(
    {
        "translation-complete",
        "status-backed",
        "training-hours",
        "schema-modeline",
        "id-unique",
        "review-due",
        "review-in-future",
    }
)
"""The rules a large handbook's check runs in a forked process beside the others.

Most rules share what the model works out once (the references, their inverses, the training
paths), so the rules cannot simply be halved: these mostly read what nothing else reads (the
walk of every document's values, the hours of every path) and, on the large test corpus, take
about as long as the rest (0.6 s → 0.4 s on two cores)."""


def _all_checked(handbook: Handbook, severities: dict[str, Severity | None]) -> list[Finding]:
    """The findings of every rule that is on, in the order of the registry."""
    entries = [
        (entry, severity)
        for entry in RULES.values()
        if entry.check is not None and (severity := severities[entry.id]) is not None
    ]
    lanes = [
        [pair for pair in entries if pair[0].id not in BESIDE],
        [pair for pair in entries if pair[0].id in BESIDE],
    ]

    def lane(start: int, stop: int) -> list[tuple[str, list[Finding]]]:
        return [
            (entry.id, _checked(handbook, entry, severity))
            for pairs in lanes[start:stop]
            for entry, severity in pairs
        ]

    # A worker that fails (a rule that crashes, say) leaves its lane to this process, where the
    # same rule fails again and is reported by its id.
    workers = parallel_load.workers_for_files(len(handbook.documents))
    by_rule = dict(parallel_load.all_shared(2, workers, lane))
    return [finding for entry, _ in entries for finding in by_rule[entry.id]]


def _checked(handbook: Handbook, entry: Rule, severity: Severity) -> list[Finding]:
    # A rule that raises is a bug in the validator: stop with a tool error that names the rule
    # (exit 2) rather than let CI read a traceback as "the handbook has findings".
    assert entry.check is not None
    try:
        return list(_locate(handbook, entry.id, severity, entry.check(handbook)))
    except Exception as error:
        raise RuleCrashed(entry.id, error) from error


def _locate(
    handbook: Handbook, rule_id: str, severity: Severity, problems: Iterable[Problem]
) -> Iterator[Finding]:
    for problem in problems:
        yield Finding(
            handbook.locate(problem.where),
            rule_id,
            severity,
            problem.message,
            problem.hint,
            tuple(handbook.locate(ref) for ref in problem.related),
            problem.subject,
        )


def _severities(files: PolicyFiles) -> tuple[dict[str, Severity | None], list[Finding]]:
    """Default severities with the ``rules:`` overrides of ``policies/handbook.yaml`` applied."""
    severities: dict[str, Severity | None] = {rid: r.severity for rid, r in RULES.items()}
    findings: list[Finding] = []
    settings = next(files.of_kind("settings"), None)
    if settings is None or not isinstance(settings.data, dict):
        return severities, findings
    overrides = settings.data.get("rules")
    if not isinstance(overrides, dict):
        return severities, findings
    for rule_id, level in overrides.items():
        where = settings.locate(f"/rules/{rule_id}")
        if rule_id not in RULES:
            findings.append(_unknown_rule(where, rule_id))
        elif not RULES[rule_id].adjustable:
            findings.append(_fixed_rule(where, RULES[rule_id]))
        elif level in ("error", "warning", "off"):
            severities[rule_id] = None if level == "off" else Severity.parse(level)
    return severities, findings


def _fixed_rule(where: Location, entry: Rule) -> Finding:
    if entry.stage == "rules":
        message = Text(
            f"“{entry.id}” 检查的是规则设置本身，不能调整级别：这一行不会生效。",
            f"'{entry.id}' checks the rule settings themselves; its severity cannot be changed, "
            "so this line would have no effect.",
        )
    else:
        message = Text(
            f"“{entry.id}” 是读取文件时的基本检查，不能调整级别。",
            f"'{entry.id}' is a basic check made while reading files; its severity cannot be "
            "changed.",
        )
    return Finding(
        where, "rule-config", Severity.ERROR, message, Text("删除这一行。", "Delete this line.")
    )


def _unknown_rule(where: Location, rule_id: str) -> Finding:
    guess = closest(rule_id, RULES)
    return Finding(
        where,
        "rule-config",
        Severity.ERROR,
        Text(f"没有叫 “{rule_id}” 的规则。", f"There is no rule named '{rule_id}'."),
        Text(f"是不是 “{guess}”？", f"Did you mean '{guess}'?")
        if guess
        else Text("运行 handbook rules 查看全部规则。", "Run `handbook rules` to list the rules."),
    )
