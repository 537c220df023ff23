"""``handbook diff``: what a change does to the handbook, by meaning rather than by lines.

Both sides are checked and indexed; the report says first whether the result passes, then what
the change does to the gate itself (a rule switched off, a waiver added or extended, a minimum
lowered, a target loosened, training lost, a module's audience narrowed: "weakens the gate"),
then the entities added, removed, renamed or changed with each field's old and new value, the
duties that lose or gain training, coverage before and after, the findings the change introduces
or fixes, and the site pages whose content changes (both sides are rendered and compared, so
this list is exact).

When a side has a file that does not load or match its schema, every other file is still
compared; the report names the files that could not be read, and leaves out what they hold.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from validator import codeowners
from validator.engine import Result
from validator.findings import Finding, Severity, Text
from validator.kinds import KINDS, Kind, Registry
from validator.model import Entity, Handbook, build
from validator.policies import PolicyFiles
from validator.render import render
from validator.rules import RULES
from validator.rules.registry import held_back


class _Missing:
    """The value of a field that one side does not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Old or new value of a field that is absent on that side (shown as —, ``null`` in JSON)."""


@dataclass(frozen=True)
class FieldChange:
    """One value that differs: a ``.``-separated path into the entity, its old and new value."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One entity added, removed, renamed or changed, with the values that differ."""

    kind: str
    id: str
    name: str
    change: str
    """``added``, ``removed``, ``renamed`` or ``changed``."""
    fields: tuple[str, ...] = ()
    """The top-level fields that differ."""
    label: Text = field(default_factory=lambda: Text("", ""))
    """What people call the kind."""
    values: tuple[FieldChange, ...] = ()
    """Every value that differs, old → new."""
    old_id: str | None = None
    """For a rename: the id before."""
    names: Text | None = None
    """The display name in both languages (``name`` is the Chinese one)."""


@dataclass(frozen=True)
class Weakening:
    """A change that makes the gate let more through: reviewers must see it first."""

    kind: str
    id: str
    what: str
    """One of :data:`WEAKENINGS`."""
    path: str
    """The value concerned (``rules.duty-has-training``, ``targets.level-1``...)."""
    old: Any
    new: Any
    label: Text = field(default_factory=lambda: Text("", ""))


WEAKENINGS: dict[str, Text] = {
    "rule-severity": Text("规则级别降低", "rule severity lowered"),
    "waiver-added": Text("新增豁免", "waiver added"),
    "waiver-extended": Text("豁免延期", "waiver extended"),
    "minimum-lowered": Text("最低要求降低", "minimum lowered"),
    "maximum-raised": Text("上限提高", "maximum raised"),
    "target-loosened": Text("目标放宽", "target loosened"),
    "target-removed": Text("目标删除", "target removed"),
    "target-changed": Text("目标的比较方式改变", "target comparison changed"),
    "certificate-removed": Text("不再要求证书", "certificate no longer required"),
    "training-lost": Text("职责失去培训", "duty loses training"),
    "interval-lengthened": Text("周期延长", "interval lengthened"),
    "audience-narrowed": Text(
        "培训对象缩小（这些岗位不再参加）", "audience narrowed (these posts no longer take it)"
    ),
}
"""What a weakening can be, as the report names it."""


@dataclass(frozen=True)
class DutyLink:
    """A duty named in a coverage list, with its role and, for lost training, the cause."""

    id: str
    name: str
    role: str
    causes: tuple[tuple[str, str], ...] = ()
    """(module id, ``removed`` or ``changed``): the modules that covered the duty before."""
    names: Text | None = None
    """The duty's text in both languages (``name`` is the Chinese one)."""


@dataclass
class Impact:
    """Everything ``handbook diff`` reports."""

    base: str
    changes: list[Change] = field(default_factory=list)
    weakening: list[Weakening] = field(default_factory=list)
    coverage_before: tuple[int, int] = (0, 0)
    coverage_after: tuple[int, int] = (0, 0)
    lost_training: list[DutyLink] = field(default_factory=list)
    gained_training: list[DutyLink] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    """Findings that failed or warned before and are waived now (never counted as fixed)."""
    silenced: list[Finding] = field(default_factory=list)
    """Findings of rules the change switches off (not fixed either: no longer looked for)."""
    pages: dict[str, str] = field(default_factory=dict)
    """Page path → ``added``, ``removed`` or ``changed``."""
    unreadable: dict[str, list[str]] = field(default_factory=dict)
    """``base`` / ``head`` → the files of that side that do not load or match their schema."""
    approver: str | None = None
    """The handbook's approver at the base, who must approve a weakening (read from the base so
    that a change cannot name its own approver)."""
    approver_reviewers: tuple[str, ...] = ()
    """The handles that review for the approver, at the base."""
    errors: int = 0
    """Errors that fail the check after the change."""
    warnings: int = 0
    """Warnings (not waived) after the change."""

    @property
    def comparable(self) -> bool:
        """Whether every file loaded on both sides (else what the unreadable files hold is left
        out, and coverage, findings of the cross-file rules and pages are not compared)."""
        return not any(self.unreadable.values())


def _readable(result: Result, kinds: Registry) -> tuple[Handbook, list[str]]:
    """The handbook of one side, built from the files that load and match their schema."""
    if result.handbook is not None:
        return result.handbook, []
    broken = held_back(result.findings)
    files = result.files
    kept = PolicyFiles(
        files.root,
        documents={p: d for p, d in files.documents.items() if p not in broken},
        kinds={p: k for p, k in files.kinds.items() if p not in broken},
    )
    return build(kept, kinds), broken


def _stage(finding: Finding) -> str:
    entry = RULES.get(finding.rule)
    return entry.stage if entry is not None else "load"


def _entity_data(handbook: Handbook, entity: Entity) -> dict[str, Any]:
    # Entities listed inside this one (a role's duties) are compared as entities of their own.
    nested = {child.list_key for child in handbook.kinds.children(entity.kind)}
    return {k: v for k, v in entity.data.items() if k not in nested}


def _changed(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k, MISSING) != b.get(k, MISSING)))


def scalar_list(value: Any) -> bool:
    """Whether a value is a list of plain values (shown as +added −removed)."""
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def field_changes(old: Any, new: Any, path: str = "") -> Iterator[FieldChange]:
    """Every value that differs between two entity data, as paths with old and new values.

    Mappings are followed key by key; a list of plain values is one value (shown as items
    added and removed); anything else that differs is one value.
    """
    pending = [(old, new, path)]
    while pending:
        a, b, where = pending.pop(0)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            pending[:0] = [
                (a.get(k, MISSING), b.get(k, MISSING), f"{where}.{k}" if where else str(k))
                for k in sorted({*a, *b}, key=str)
            ]
        else:
            yield FieldChange(where, a, b)


def _leaves(data: Any, path: str = "") -> dict[str, Any]:
    """Every plain value in ``data`` by path (lists of plain values are one value)."""
    found: dict[str, Any] = {}
    pending = [(data, path)]
    while pending:
        value, where = pending.pop()
        if isinstance(value, dict):
            pending += [(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()]
        elif not isinstance(value, list) or scalar_list(value):
            found[where] = value
    return found


def _renames(kind: Kind, old: Handbook, new: Handbook, skip: set[str]) -> dict[str, str]:
    """New id → old id, for an id that disappears while one entity of the same kind with exactly
    the same data (apart from the id, and the entities listed inside it) appears."""
    if kind.id_key is None:
        return {}
    id_key = kind.id_key

    def fingerprint(handbook: Handbook, entity: Entity) -> str:
        data = {k: v for k, v in _entity_data(handbook, entity).items() if k != id_key}
        return json.dumps([entity.parent, data], sort_keys=True, ensure_ascii=False, default=str)

    gone: dict[str, list[str]] = {}
    for key, entity in old.index[kind.name].items():
        if key not in new.index[kind.name] and entity.ref.path not in skip:
            gone.setdefault(fingerprint(old, entity), []).append(key)
    came: dict[str, list[str]] = {}
    for key, entity in new.index[kind.name].items():
        if key not in old.index[kind.name] and entity.ref.path not in skip:
            came.setdefault(fingerprint(new, entity), []).append(key)
    # Only a one-to-one match is a rename; two identical entries are left as added and removed.
    return {
        came[print_][0]: keys[0]
        for print_, keys in gone.items()
        if len(keys) == 1 and len(came.get(print_, [])) == 1
    }


def _names(entity: Entity) -> Text:
    """The display name in both languages.

    Read here rather than with ``Entity.display``, which expects every ``title`` to be
    bilingual, while a source's ``title`` is one plain string.
    """

    def display(lang: str) -> str:
        for key in ("name", "title", "text"):
            value = entity.data.get(key)
            if isinstance(value, dict):
                text = value.get(lang) or value.get("zh")
                if text:
                    return str(text)
            elif isinstance(value, str) and value:
                return value
        return entity.id

    return Text(display("zh"), display("en"))


def _kind_changes(
    kind: Kind, old: Handbook, new: Handbook, skip: set[str], renames: dict[str, str]
) -> list[Change]:
    changes: list[Change] = []
    renamed_from = set(renames.values())
    for key, entity in new.index[kind.name].items():
        if entity.ref.path in skip:
            continue
        names = _names(entity)
        if key in renames:
            previous = old.index[kind.name][renames[key]]
            changes.append(
                Change(
                    kind.name,
                    entity.id,
                    names.zh,
                    "renamed",
                    label=kind.label,
                    old_id=previous.id,
                    names=names,
                )
            )
            continue
        existing = old.index[kind.name].get(key)
        if existing is None:
            changes.append(
                Change(kind.name, entity.id, names.zh, "added", label=kind.label, names=names)
            )
            continue
        previous = existing
        if previous.ref.path in skip:
            continue
        a, b = _entity_data(old, previous), _entity_data(new, entity)
        values = list(field_changes(a, b))
        if kind.within and previous.parent != entity.parent:
            values.append(FieldChange(kind.within, previous.parent, entity.parent))
        if values:
            fields = tuple(sorted({v.path.split(".", 1)[0] for v in values}))
            changes.append(
                Change(
                    kind.name,
                    entity.id,
                    names.zh,
                    "changed",
                    fields,
                    kind.label,
                    tuple(values),
                    names=names,
                )
            )
    for key, entity in old.index[kind.name].items():
        gone = key not in new.index[kind.name] and key not in renamed_from
        if gone and entity.ref.path not in skip:
            names = _names(entity)
            changes.append(
                Change(kind.name, entity.id, names.zh, "removed", label=kind.label, names=names)
            )
    if kind.filename and kind.list_key:
        # A registry file's own fields (its review date, say) belong to no entry.
        path = f"policies/{kind.filename}"
        before, after = old.documents.get(path), new.documents.get(path)
        if before is not None and after is not None and path not in skip:
            a = {k: v for k, v in before.data.items() if k != kind.list_key}
            b = {k: v for k, v in after.data.items() if k != kind.list_key}
            values = list(field_changes(a, b))
            if values:
                fields = _changed(a, b)
                changes.append(
                    Change(
                        kind.name,
                        path,
                        path,
                        "changed",
                        fields,
                        kind.label,
                        tuple(values),
                        names=Text(path, path),
                    )
                )
    return changes


_SEVERITY_RANK = {"off": 0, "warning": 1, "error": 2}


def _rule_weakening(old: Handbook, new: Handbook) -> Iterator[Weakening]:
    """Rules switched off or lowered in the settings' ``rules:``."""
    settings = new.settings_entity() or old.settings_entity()
    if settings is None:
        return
    before = old.settings.get("rules") or {}
    after = new.settings.get("rules") or {}
    label = new.kinds.label(settings.kind)
    for rule_id in sorted({*before, *after}):
        entry = RULES.get(rule_id)
        if entry is None or not entry.adjustable:
            continue
        default = entry.severity.label
        was, now = before.get(rule_id, default), after.get(rule_id, default)
        if _SEVERITY_RANK.get(now, 2) < _SEVERITY_RANK.get(was, 2):
            yield Weakening(
                settings.kind, settings.id, "rule-severity", f"rules.{rule_id}", was, now, label
            )


def _loosened(op: str, was: Any, now: Any) -> bool:
    if not isinstance(was, int | float) or not isinstance(now, int | float):
        return bool(was != now)
    looser: bool = (
        now > was if op in ("<=", "<") else now < was if op in (">=", ">") else now != was
    )
    return looser


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value_weakening(
    kind: Kind, entity_id: str, a: Any, b: Any, *, targets_only: bool = False
) -> Iterator[Weakening]:
    """What loosens between the old and new data of one entity, read from the data alone.

    A target (any mapping with ``op`` and ``value``) loosened, removed or given another ``op``;
    a number under ``training`` (in the settings), or under a ``min…`` key, that goes down or
    disappears, or under a ``max…`` key that goes up or disappears; an ``every_months`` that
    grows or disappears; an ``expires`` that moves later or disappears. For an entity that is
    removed (``targets_only``) only its targets count: a deleted module's refresher interval
    has not been lengthened, but a deleted standard's targets are gone.
    """
    old, new = _leaves(a), _leaves(b)
    seen_targets: set[str] = set()
    for path in sorted(old):
        was, now = old[path], new.get(path, MISSING)
        steps = path.split(".")
        if steps[-1] in ("op", "value") and f"{path.rsplit('.', 1)[0]}.op" in old:
            target = path.rsplit(".", 1)[0]
            if target in seen_targets:
                continue
            seen_targets.add(target)
            old_op, old_value = old[f"{target}.op"], old.get(f"{target}.value")
            new_op, new_value = new.get(f"{target}.op", MISSING), new.get(f"{target}.value")
            shown_old = f"{old_op} {old_value}"
            if new_op is MISSING:
                yield Weakening(
                    kind.name, entity_id, "target-removed", target, shown_old, MISSING, kind.label
                )
            elif new_op != old_op:
                yield Weakening(
                    kind.name,
                    entity_id,
                    "target-changed",
                    target,
                    shown_old,
                    f"{new_op} {new_value}",
                    kind.label,
                )
            elif new_value != old_value and _loosened(str(old_op), old_value, new_value):
                yield Weakening(
                    kind.name,
                    entity_id,
                    "target-loosened",
                    target,
                    shown_old,
                    f"{new_op} {new_value}",
                    kind.label,
                )
            continue
        if was == now or targets_only:
            continue
        lower = now is MISSING or (_number(was) and _number(now) and now < was)
        higher = now is MISSING or (_number(was) and _number(now) and now > was)
        minimum = steps[0] == "training" or any(s.startswith("min") for s in steps)
        if _number(was) and minimum and lower:
            what = "minimum-lowered"
        elif _number(was) and any(s.startswith("max") for s in steps) and higher:
            what = "maximum-raised"
        elif steps[-1] == "every_months" and _number(was) and higher:
            what = "interval-lengthened"
        elif steps[-1] == "expires" and (now is MISSING or str(now) > str(was)):
            what = "waiver-extended"
        else:
            continue
        yield Weakening(kind.name, entity_id, what, path, was, now, kind.label)


def _link_weakening(kind: Kind, entity_id: str, a: Any, b: Any) -> Iterator[Weakening]:
    """Certificates no longer named (a role no longer requires one, a module no longer
    prepares for one)."""
    for link in kind.links:
        if link.target != "certificate":
            continue
        before = {value for value, _ in link.values(a)}
        after = {value for value, _ in link.values(b)}
        for certificate in sorted(before - after):
            yield Weakening(
                kind.name,
                entity_id,
                "certificate-removed",
                link.field,
                certificate,
                MISSING,
                kind.label,
            )


def _weakening(impact: Impact, old: Handbook, new: Handbook, skip: set[str]) -> list[Weakening]:
    found = list(_rule_weakening(old, new))
    for change in impact.changes:
        kind = new.kinds[change.kind]
        if change.change == "added" and kind.name == "waiver":
            entity = new.index[kind.name][change.id]
            found.append(
                Weakening(
                    kind.name,
                    change.id,
                    "waiver-added",
                    "expires",
                    MISSING,
                    entity.data.get("expires", MISSING),
                    kind.label,
                )
            )
        elif change.change == "removed":
            removed = old.index[kind.name].get(change.id)
            if removed is not None:
                # Removing an entity removes its targets with it (a standard's levels, say).
                found += _value_weakening(
                    kind, change.id, _entity_data(old, removed), {}, targets_only=True
                )
        elif change.change == "changed" and change.id in new.index[kind.name]:
            a = _entity_data(old, old.index[kind.name][change.id])
            b = _entity_data(new, new.index[kind.name][change.id])
            found += _value_weakening(kind, change.id, a, b)
            found += _link_weakening(kind, change.id, a, b)
    found += _audience_weakening(impact, old, new, skip)
    duty = new.kinds.get("duty")
    for lost in impact.lost_training:
        found.append(
            Weakening(
                "duty",
                lost.id,
                "training-lost",
                "covered_by",
                ", ".join(module for module, _ in lost.causes),
                MISSING,
                duty.label if duty is not None else Text("职责", "duty"),
            )
        )
    return found


def _takers(handbook: Handbook) -> dict[str, dict[str, int]]:
    """Module id → post key → 2 when the post's path includes the module, 1 when only holders
    of a condition take it."""
    takers: dict[str, dict[str, int]] = {}
    for path in handbook.resolved.all_paths():
        key = path.post.key
        for module_ids in path.conditional_ids.values():
            for module_id in module_ids:
                takers.setdefault(module_id, {}).setdefault(key, 1)
        for module_id in path.module_ids:
            takers.setdefault(module_id, {})[key] = 2
    return takers


def _audience_weakening(
    impact: Impact, old: Handbook, new: Handbook, skip: set[str]
) -> list[Weakening]:
    """Modules whose ``audience`` changed so that posts on both sides take them less (no longer,
    or only under a condition). The posts are read from the resolved training paths, so a post
    that still takes the module as another module's prerequisite has lost nothing."""
    narrowed = [
        change
        for change in impact.changes
        if change.change == "changed" and change.kind == "module" and "audience" in change.fields
    ]
    if not narrowed:
        return []
    before, after = _takers(old), _takers(new)
    posts_after = {path.post.key for path in new.resolved.all_paths()}
    found = []
    for change in narrowed:
        module = new.get("module", change.id)
        if module is None or module.ref.path in skip:
            continue
        was, now = before.get(change.id, {}), after.get(change.id, {})
        lost = [post for post in was if post in posts_after and now.get(post, 0) < was[post]]
        # One line per post, as for certificates: a list in one value would be cut short.
        found += [
            Weakening(
                change.kind,
                change.id,
                "audience-narrowed",
                "audience",
                post,
                MISSING,
                new.kinds[change.kind].label,
            )
            for post in sorted(lost)
        ]
    return found


def _training(impact: Impact, old: Handbook, new: Handbook, skip: set[str]) -> None:
    renamed = {c.id: c.old_id for c in impact.changes if c.kind == "duty" and c.old_id}
    for duty in new.all("duty"):
        if duty.ref.path in skip:
            continue
        old_id = renamed.get(duty.id, duty.id)
        covering = old.modules_covering.get(old_id, [])
        if any(module.ref.path in skip for module in covering):
            continue  # a module file that cannot be read on one side: unknown, not lost
        was = old.get("duty", old_id) is not None and old.resolved.covered(old_id)
        now = new.resolved.covered(duty.id)
        if was and not now:
            causes = tuple(
                (m.id, "removed" if new.get("module", m.id) is None else "changed")
                for m in covering
            )
            names = _names(duty)
            impact.lost_training.append(
                DutyLink(duty.id, names.zh, duty.parent or "", causes, names)
            )
        elif now and not was:
            names = _names(duty)
            impact.gained_training.append(DutyLink(duty.id, names.zh, duty.parent or "", (), names))


def _findings(impact: Impact, before: Result, after: Result) -> None:
    # Cross-file rules run only on a side whose every file loads: when one side did not run them,
    # their findings are not compared (their absence is no fix). The per-file rules ran on both
    # sides, on the files that loaded: compared in the files that loaded on both.
    both_ran = before.handbook is not None and after.handbook is not None
    broken = set(held_back([*before.findings, *after.findings]))

    def compared(finding: Finding) -> bool:
        if both_ran or _stage(finding) != "rules":
            return True
        entry = RULES.get(finding.rule)
        return entry is not None and entry.partial and finding.location.path not in broken

    old_active = Counter(f.fingerprint for f in before.findings if compared(f) and not f.suppressed)
    new_active = Counter(f.fingerprint for f in after.findings if compared(f) and not f.suppressed)
    new_all = Counter(f.fingerprint for f in after.findings if compared(f))
    impact.introduced = [
        f
        for f in after.findings
        if compared(f)
        and not f.suppressed
        and new_active[f.fingerprint] > old_active[f.fingerprint]
    ]
    # A finding that is still there but waived now is not fixed: it is waived.
    gone = [
        f
        for f in before.findings
        if compared(f) and not f.suppressed and old_active[f.fingerprint] > new_all[f.fingerprint]
    ]
    off = _switched_off(after)
    impact.fixed = [f for f in gone if f.rule not in off]
    impact.silenced = [f for f in gone if f.rule in off]
    impact.waived = [
        f
        for f in after.findings
        if compared(f) and f.suppressed and old_active[f.fingerprint] > new_active[f.fingerprint]
    ]
    active = [f for f in after.findings if not f.suppressed]
    impact.errors = sum(1 for f in after.findings if f.fails)
    impact.warnings = sum(1 for f in active if f.severity is Severity.WARNING)


def _switched_off(result: Result) -> set[str]:
    """The rules that the settings of this side switch off."""
    settings = next(result.files.of_kind("settings"), None)
    data = settings.data if settings is not None and isinstance(settings.data, dict) else {}
    rules = data.get("rules")
    return {k for k, v in rules.items() if v == "off"} if isinstance(rules, dict) else set()


def compare(base_ref: str, before: Result, after: Result) -> Impact:
    """The impact of going from ``before`` (at ``base_ref``) to ``after``."""
    impact = Impact(base_ref)
    _findings(impact, before, after)
    known = after.handbook or before.handbook
    kinds = known.kinds if known is not None else KINDS
    old, broken_before = _readable(before, kinds)
    new, broken_after = _readable(after, kinds)
    impact.unreadable = {"base": broken_before, "head": broken_after}
    skip = {*broken_before, *broken_after}
    for kind in new.kinds:
        renames = _renames(kind, old, new, skip)
        impact.changes += _kind_changes(kind, old, new, skip, renames)
    _training(impact, old, new, skip)
    impact.weakening = _weakening(impact, old, new, skip)
    if impact.weakening:
        impact.approver, impact.approver_reviewers = codeowners.approver_reviewers(old)
    if not impact.comparable:
        return impact
    coverage_before, coverage_after = old.resolved.coverage, new.resolved.coverage
    impact.coverage_before = (coverage_before.covered, coverage_before.duties)
    impact.coverage_after = (coverage_after.covered, coverage_after.duties)
    old_pages, new_pages = render(old).pages, render(new).pages
    for path in sorted(set(old_pages) | set(new_pages)):
        if path not in old_pages:
            impact.pages[path] = "added"
        elif path not in new_pages:
            impact.pages[path] = "removed"
        elif old_pages[path] != new_pages[path]:
            impact.pages[path] = "changed"
    return impact
