"""``handbook diff``: what a change does to the handbook, by meaning rather than by lines.

Both sides are checked and indexed; the report says first whether the result passes, then what
the change does to the gate itself (a rule switched off, a waiver added or extended, a minimum
lowered, a target loosened, training lost: "weakens the gate"), then the entities added, removed,
renamed or changed with each field's old and new value, the duties that lose or gain training,
coverage before and after, the findings the change introduces or fixes, and the site pages whose
content changes (both sides are rendered and compared, so this list is exact).

When a side has a file that does not load or match its schema, every other file is still
compared; the report names the files that could not be read, and leaves out what they hold.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from validator import codeowners
from validator.engine import Result
from validator.escaping import markdown_code, markdown_inline, terminal_text
from validator.findings import Finding, Severity, Text
from validator.kinds import KINDS, Kind, Registry
from validator.model import Entity, Handbook, build
from validator.outputs import Format, as_json
from validator.policies import PolicyFiles
from validator.render import render
from validator.reporters.json_report import finding_json
from validator.rules import RULES


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
    broken = sorted(
        {
            f.location.path
            for f in result.findings
            if f.severity is Severity.ERROR and _stage(f) != "rules"
        }
    )
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


def _scalar_list(value: Any) -> bool:
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
        elif not isinstance(value, list) or _scalar_list(value):
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
    # their findings are not compared (their absence is no fix).
    both_ran = before.handbook is not None and after.handbook is not None

    def compared(finding: Finding) -> bool:
        return both_ran or _stage(finding) != "rules"

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


# ---------------------------------------------------------------------------------------------
# Rendering: one walk over the impact, written as Markdown (the comment) or plain text.


@dataclass(frozen=True)
class _Style:
    """How the two text outputs write the same report."""

    code: Callable[[str], str]
    """An id, a path or a short value."""
    text: Callable[[str], str]
    """Policy text."""
    heading: Callable[[str], str]
    deleted: Callable[[str], str]
    inserted: Callable[[str], str]
    strike: Callable[[str], str]
    bold: Callable[[str], str]
    marker: bool
    """Whether the comment marker comes first (workflows find their comment by it)."""


MARKDOWN = _Style(
    code=markdown_code,
    text=markdown_inline,
    heading=lambda title: f"#### {title}",
    deleted=lambda text: f"<del>{text}</del>",
    inserted=lambda text: f"<ins>{text}</ins>",
    strike=lambda text: f"~~{text}~~",
    bold=lambda text: f"**{text}**",
    marker=True,
)
TEXT = _Style(
    code=terminal_text,
    text=terminal_text,
    heading=lambda title: f"== {title} ==",
    deleted=lambda text: f"[-{text}-]",
    inserted=lambda text: f"{{+{text}+}}",
    strike=lambda text: f"{text}",
    bold=lambda text: text,
    marker=False,
)

LIMIT = 15
"""Lists longer than this are cut, so the comment stays readable in a minute."""
FIELD_LIMIT = 8
"""Values shown under one changed entity."""
CONTEXT = 12
"""Characters of unchanged text kept around each edit of a text."""
SHORT = 40
"""A value longer than this is cut in the comment."""


def _percent(covered: int, total: int) -> str:
    return f"{100 * covered / total:.1f}%" if total else "—"


def _url(path: str) -> str:
    """The address of a page on the site (directory URLs)."""
    if path == "index.md" or path.endswith("/index.md"):
        return path.removesuffix("index.md") or "/"
    return path.removesuffix(".md") + "/"


def _cut(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> str:
    """A value as it is written in the policies (YAML flow style, compact)."""
    if value is MISSING or value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _value(value: Any, style: _Style) -> str:
    return "—" if value is MISSING or value is None else style.code(_cut(_plain(value)))


def _text_diff(old: str, new: str, style: _Style) -> str:
    """A short inline diff of two texts, by character (Chinese has no spaces to split on)."""
    old, new = " ".join(old.split()), " ".join(new.split())
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    codes = matcher.get_opcodes()
    edits = sum(1 for code in codes if code[0] != "equal")
    # A rewrite, or edits scattered all over, read better as the old text and the new one.
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in codes if tag == "equal")
    if kept < min(len(old), len(new)) / 2 or edits > 6:
        return (
            style.deleted(style.text(_cut(old, 3 * SHORT)))
            + " → "
            + style.inserted(style.text(_cut(new, 3 * SHORT)))
        )
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            same = old[i1:i2]
            first, last = index == 0, index == len(codes) - 1
            if first and len(same) > CONTEXT:
                same = "…" + same[-CONTEXT:]
            elif last and len(same) > CONTEXT:
                same = same[:CONTEXT] + "…"
            elif len(same) > 2 * CONTEXT:
                same = same[:CONTEXT] + "…" + same[-CONTEXT:]
            parts.append(style.text(same))
            continue
        if i2 > i1:
            parts.append(style.deleted(style.text(old[i1:i2])))
        if j2 > j1:
            parts.append(style.inserted(style.text(new[j1:j2])))
    return "".join(parts)


_TOKEN = re.compile(r"[\w.:/@+-]*", re.ASCII)


def _prose(value: Any) -> bool:
    """Whether a value is text people wrote (shown as text, with an inline diff) rather than an
    id, a date, a URL or a keyword (shown verbatim as code)."""
    return isinstance(value, str) and not _TOKEN.fullmatch(value)


def _field_line(value: FieldChange, style: _Style, zh: bool) -> str:
    where = style.code(value.path)
    old, new = value.old, value.new
    if _scalar_list(old) or _scalar_list(new):
        before = old if isinstance(old, list) else []
        after = new if isinstance(new, list) else []
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        items = [f"+{_value(v, style)}" for v in added] + [f"−{_value(v, style)}" for v in removed]
        if not items:  # the same items in another order
            items = [_value(old, style), "→", _value(new, style)]
        return f"{where}: " + " ".join(items)
    if _prose(old) or _prose(new):
        if isinstance(old, str) and isinstance(new, str):
            return f"{where}: " + _text_diff(old, new, style)
        if isinstance(old, str):
            return f"{where}: " + style.deleted(style.text(_cut(old, 3 * SHORT)))
        if isinstance(new, str):
            return f"{where}: " + style.inserted(style.text(_cut(new, 3 * SHORT)))
    return f"{where}: {_value(old, style)} → {_value(new, style)}"


_VERBS = {
    "added": Text("新增", "added"),
    "removed": Text("删除", "removed"),
    "changed": Text("修改", "changed"),
    "renamed": Text("改了 id", "id changed"),
}


def _change_lines(change: Change, style: _Style, lang: str) -> list[str]:
    zh = lang != "en"
    name = (change.names or Text(change.name, change.name)).get(lang)
    head = f"- {_VERBS[change.change].get(lang)} {style.text(change.label.get(lang))} "
    if change.old_id is not None:
        head += f"{style.code(change.old_id)} → {style.code(change.id)}"
    else:
        head += style.code(change.id)
    if name and name != change.id:
        head += " " + style.text(_cut(name, 2 * SHORT))
    if change.change == "renamed":
        head += (
            "（内容相同；已发布的 id 不应更改）"
            if zh
            else " (same content; a published id should not change)"
        )
    lines = [head]
    shown = [f"  - {_field_line(v, style, zh)}" for v in change.values[:FIELD_LIMIT]]
    if len(change.values) > FIELD_LIMIT:
        more = len(change.values) - FIELD_LIMIT
        shown.append(f"  - …还有 {more} 处" if zh else f"  - … and {more} more")
    return lines + shown


def _weakening_line(item: Weakening, style: _Style, lang: str) -> str:
    what = WEAKENINGS[item.what].get(lang)
    head = f"- {style.bold(what)}：" if lang != "en" else f"- {style.bold(what)}: "
    subject = f"{style.text(item.label.get(lang))} {style.code(item.id)}"
    where = style.code(item.path)
    return f"{head}{subject} {where}: {_value(item.old, style)} → {_value(item.new, style)}"


def _duty_line(duty: DutyLink, style: _Style, lang: str) -> str:
    zh = lang != "en"
    name = (duty.names or Text(duty.name, duty.name)).get(lang)
    line = f"- {style.code(duty.id)} {style.text(_cut(name, 2 * SHORT))}"
    place = [style.code(duty.role)] if duty.role else []
    for module, how in duty.causes:
        if how == "removed":
            place.append(
                f"培训模块 {style.code(module)} 已删除"
                if zh
                else f"module {style.code(module)} removed"
            )
        else:
            place.append(
                f"培训模块 {style.code(module)} 不再覆盖它"
                if zh
                else f"module {style.code(module)} no longer covers it"
            )
    if place:
        line += f"（{'；'.join(place)}）" if zh else f" ({'; '.join(place)})"
    return line


def _finding_line(finding: Finding, mark: str, style: _Style, lang: str) -> str:
    return (
        f"- {mark} {style.code(str(finding.location))} {style.code(finding.rule)} "
        f"{style.text(finding.message.get(lang))}"
    )


def _verdict(impact: Impact, lang: str) -> str:
    zh = lang != "en"
    parts = []
    if impact.errors:
        plural = "" if impact.errors == 1 else "s"
        parts.append(f"❌ {impact.errors} 个错误" if zh else f"❌ {impact.errors} error{plural}")
    else:
        parts.append("✅ 检查通过" if zh else "✅ passes")
    if impact.warnings:
        plural = "" if impact.warnings == 1 else "s"
        parts.append(
            f"⚠ {impact.warnings} 个警告" if zh else f"⚠ {impact.warnings} warning{plural}"
        )
    return ("，" if zh else ", ").join(parts)


def _render(impact: Impact, lang: str, style: _Style) -> str:
    zh = lang != "en"
    lines: list[str] = []
    if style.marker:
        lines.append("<!-- handbook-diff -->")
        lines.append("### " + ("手册变更影响" if zh else "Handbook impact"))
    else:
        lines.append("手册变更影响" if zh else "Handbook impact")
    lines += ["", style.bold(_verdict(impact, lang)), ""]
    lines += [("对比基准：" if zh else "Compared with ") + style.code(impact.base), ""]
    if impact.weakening:
        who = f" {style.code(impact.approver)}" if impact.approver else ""
        spaced = f"{who} " if who else ""
        lines += [
            style.heading(
                f"⚠️ 放宽了检查（{len(impact.weakening)}），需要手册批准人{spaced}审批"
                if zh
                else f"⚠️ Weakens the gate ({len(impact.weakening)}): needs the handbook's "
                f"approver{who}"
            ),
            "",
        ]
        lines += _limited([_weakening_line(w, style, lang) for w in impact.weakening], zh)
    for side, paths in impact.unreadable.items():
        if not paths:
            continue
        if side == "base":
            title = "对比基准中未能读取的文件" if zh else "Files that do not load at the base"
        else:
            title = "本次修改后未能读取的文件" if zh else "Files that do not load after the change"
        lines += [style.heading(title), ""]
        lines += _limited([f"- {style.code(path)}" for path in paths], zh)
    if not impact.comparable:
        lines += [
            (
                "这些文件的内容没有参与比较；其余文件照常比较。覆盖率、跨文件检查和页面要等所有"
                "文件都能读取后才能比较。"
                if zh
                else "What these files hold is left out; every other file is compared. Coverage, "
                "the cross-file checks and the pages are compared once every file loads."
            ),
            "",
        ]
    else:
        before, after = impact.coverage_before, impact.coverage_after
        arrow = (
            f"{_percent(*before)} ({before[0]}/{before[1]}) → "
            f"{_percent(*after)} ({after[0]}/{after[1]})"
        )
        lines += [style.bold("培训覆盖率：" if zh else "Training coverage:") + " " + arrow, ""]
    if impact.lost_training:
        lines += [style.heading("⚠️ 失去培训的职责" if zh else "⚠️ Duties that lose training"), ""]
        lines += _limited([_duty_line(d, style, lang) for d in impact.lost_training], zh)
    if impact.gained_training:
        lines += [style.heading("✅ 获得培训的职责" if zh else "✅ Duties that gain training"), ""]
        lines += _limited([_duty_line(d, style, lang) for d in impact.gained_training], zh)
    lines += [style.heading("内容变化" if zh else "Changes"), ""]
    if impact.changes:
        entries = [_change_lines(c, style, lang) for c in impact.changes]
        shown = [line for entry in entries[:LIMIT] for line in entry]
        lines += _limited(shown, zh, len(entries) - LIMIT)
    else:
        lines += ["无。" if zh else "None.", ""]
    lines += [style.heading("检查结果" if zh else "Findings"), ""]
    counts = (
        f"新增问题 {style.bold(str(len(impact.introduced)))} 个，"
        f"修复问题 {style.bold(str(len(impact.fixed)))} 个"
        if zh
        else f"{style.bold(str(len(impact.introduced)))} introduced, "
        f"{style.bold(str(len(impact.fixed)))} fixed"
    )
    if impact.waived:
        counts += (
            f"，新豁免 {style.bold(str(len(impact.waived)))} 个"
            if zh
            else f", {style.bold(str(len(impact.waived)))} newly waived"
        )
    if impact.silenced:
        counts += (
            f"，因规则关闭不再报告 {style.bold(str(len(impact.silenced)))} 个"
            if zh
            else f", {style.bold(str(len(impact.silenced)))} no longer reported (rule off)"
        )
    lines += [counts + ("。" if zh else "."), ""]
    marks = {Severity.ERROR: "❌", Severity.WARNING: "⚠"}
    lines += _limited(
        [_finding_line(f, marks[f.severity], style, lang) for f in impact.introduced]
        + [
            f"- ✅ {style.strike(style.code(f.rule) + ' ' + style.text(f.message.get(lang)))}"
            for f in impact.fixed
        ]
        + [
            _finding_line(f, "🔕 " + ("已豁免" if zh else "waived"), style, lang)
            for f in impact.waived
        ]
        + [
            _finding_line(f, "🔕 " + ("规则已关闭" if zh else "rule off"), style, lang)
            for f in impact.silenced
        ],
        zh,
    )
    if impact.pages:
        label = "受影响的页面" if zh else "Pages affected"
        lines += [style.heading(f"{label} ({len(impact.pages)})"), ""]
        marks_page = {"added": "+", "removed": "−", "changed": "~"}
        pages = [
            f"- {marks_page[change]} {style.code(_url(path))}"
            for path, change in impact.pages.items()
        ]
        lines += _limited(pages, zh)
    return "\n".join(lines).rstrip() + "\n"


def _limited(items: list[str], zh: bool, more: int | None = None) -> list[str]:
    if not items:
        return []
    if more is None:
        shown = items[:LIMIT]
        more = len(items) - LIMIT
    else:
        shown = items
    if more > 0:
        shown.append(f"- …还有 {more} 项" if zh else f"- … and {more} more")
    return [*shown, ""]


def render_markdown(impact: Impact, lang: str) -> str:
    """One pull-request comment a reviewer can read in a minute: the verdict, then what weakens
    the gate, then the rest. Every policy text is escaped (:func:`markdown_inline`), every id,
    path and value is a code span (:func:`markdown_code`)."""
    return _render(impact, lang, MARKDOWN)


def render_text(impact: Impact, lang: str) -> str:
    """The same report as plain text for a terminal: no Markdown, every value through
    :func:`terminal_text`; text edits as ``[-removed-]{+added+}``."""
    return _render(impact, lang, TEXT)


def _json_value(value: Any) -> Any:
    return None if value is MISSING else value


def to_json(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The impact as JSON data."""
    return {
        "base": impact.base,
        "comparable": impact.comparable,
        "verdict": {"errors": impact.errors, "warnings": impact.warnings},
        "unreadable": impact.unreadable,
        "approval": {"role": impact.approver, "reviewers": list(impact.approver_reviewers)}
        if impact.weakening
        else None,
        "weakening": [
            {
                "kind": w.kind,
                "id": w.id,
                "what": w.what,
                "field": w.path,
                "old": _json_value(w.old),
                "new": _json_value(w.new),
            }
            for w in impact.weakening
        ],
        "changes": [
            {
                "kind": c.kind,
                "id": c.id,
                "name": (c.names or Text(c.name, c.name)).get(lang),
                "change": c.change,
                "fields": list(c.fields),
                **({"old_id": c.old_id} if c.old_id is not None else {}),
                "values": [
                    {"field": v.path, "old": _json_value(v.old), "new": _json_value(v.new)}
                    for v in c.values
                ],
            }
            for c in impact.changes
        ],
        "coverage": {
            "before": {"covered": impact.coverage_before[0], "duties": impact.coverage_before[1]},
            "after": {"covered": impact.coverage_after[0], "duties": impact.coverage_after[1]},
        },
        "lost_training": [
            {
                "id": d.id,
                "name": (d.names or Text(d.name, d.name)).get(lang),
                "role": d.role,
                "modules": [{"id": m, "change": how} for m, how in d.causes],
            }
            for d in impact.lost_training
        ],
        "gained_training": [
            {"id": d.id, "name": (d.names or Text(d.name, d.name)).get(lang), "role": d.role}
            for d in impact.gained_training
        ],
        "introduced": [finding_json(f, lang) for f in impact.introduced],
        "fixed": [finding_json(f, lang) for f in impact.fixed],
        "waived": [finding_json(f, lang) for f in impact.waived],
        "silenced": [finding_json(f, lang) for f in impact.silenced],
        "pages": impact.pages,
    }


def _json(impact: Impact, lang: str) -> str:
    return as_json(to_json(impact, lang))


FORMATS: dict[str, Format[Impact]] = {
    "markdown": render_markdown,
    "json": _json,
    "text": render_text,
}
"""``handbook diff --format``: the pull-request comment, JSON for workflows, terminal text."""
