"""The policy tree: which file under ``policies/`` is which kind of policy, and loading them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from validator.findings import Finding, Location, Severity, Text
from validator.guarded_read import OUTSIDE, Refused, inside, is_loop, walk
from validator.kinds import KINDS, Kind, Registry
from validator.loader import LIMITS, Document, Limits, link_loop
from validator.parallel_load import load_files
from validator.parse_cache import ParseCache

# Notes beside the data are welcome; they are simply not policies.
_IGNORED_SUFFIXES = frozenset({".md", ".txt"})


def kind_of(relative: PurePosixPath, kinds: Registry = KINDS) -> Kind | None:
    """The kind of a path relative to ``policies/``, or ``None`` if it is not a policy location."""
    if relative.suffix != ".yaml":
        return None
    parts = relative.parts
    for kind in kinds.files():
        if len(parts) == 1 and kind.filename == parts[0]:
            return kind
        if len(parts) == 2 and kind.folder == parts[0]:
            return kind
    return None


@dataclass
class PolicyFiles:
    """Every policy document found under ``policies/``, grouped by kind."""

    root: Path
    documents: dict[str, Document] = field(default_factory=dict)
    """By repository-relative path."""
    kinds: dict[str, Kind] = field(default_factory=dict)
    """Kind of each document, by repository-relative path."""
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    """How many policy files were read (including those that failed to parse)."""
    damaged: set[str] = field(default_factory=set)
    """Documents the loader reported problems in; later stages skip them to avoid cascades."""

    def of_kind(self, name: str) -> Iterator[Document]:
        """Documents of one kind, in path order."""
        for path, document in self.documents.items():
            if self.kinds[path].name == name:
                yield document


def discover(
    root: Path, limits: Limits = LIMITS, kinds: Registry = KINDS, cache: Path | None = None
) -> PolicyFiles:
    """Load every file under ``root/policies`` (which must exist) and classify it; with a
    ``cache`` folder, files parsed before are taken from it (:mod:`validator.parse_cache`)."""
    policies = root / "policies"
    result = PolicyFiles(root)
    if not inside(policies, root):
        # The folder itself may be a link: nothing behind it is listed, let alone read.
        result.findings.append(_outside_link("policies"))
        return result
    tree = walk(policies)
    result.findings.extend(_too_deep(p.relative_to(root).as_posix()) for p in tree.too_deep)
    result.findings.extend(
        _refused(p.relative_to(root).as_posix(), Refused(reason, "unreadable"))
        for p, reason in tree.unreadable
    )
    to_read: list[tuple[Path, str]] = []
    kind_by_display: dict[str, Kind] = {}
    for path in tree.entries:
        display = path.relative_to(root).as_posix()
        relative = PurePosixPath(path.relative_to(policies).as_posix())
        if path.is_symlink() and is_loop(path):
            result.findings.append(link_loop(display))
            continue
        if path.is_symlink() and not inside(path, root):
            result.findings.append(_outside_link(display))
            continue
        kind = kind_of(relative, kinds)
        if kind is None:
            if relative.suffix not in _IGNORED_SUFFIXES:
                result.findings.append(_unknown_file(display, relative, kinds))
            continue
        to_read.append((path, display))
        kind_by_display[display] = kind
    result.checked = len(to_read)
    parsed = ParseCache(cache, limits) if cache is not None else None
    outcomes = load_files(to_read, root, limits, parsed)
    for (_, display), outcome in zip(to_read, outcomes, strict=True):
        if isinstance(outcome, tuple):
            result.findings.append(_refused(display, Refused(*outcome)))
            result.damaged.add(display)
            continue
        result.findings.extend(outcome.findings)
        if outcome.findings:
            result.damaged.add(display)
        if outcome.document is not None:
            result.documents[display] = outcome.document
            result.kinds[display] = kind_by_display[display]
    return result


def _refused(display: str, refusal: Refused) -> Finding:
    if refusal.kind == "too-large":
        rule, hint = (
            "yaml-too-large",
            Text(
                "把内容拆分成几个文件（例如每个岗位一个文件）。",
                "Split the content into several files (for example one file per role).",
            ),
        )
    else:
        rule, hint = (
            "file-unreadable",
            Text(
                "换成仓库里的普通 YAML 文件，并检查文件权限。",
                "Use a plain YAML file inside the repository, and check its permissions.",
            ),
        )
    return Finding(Location(display), rule, Severity.ERROR, refusal.reason, hint)


def _too_deep(display: str) -> Finding:
    return Finding(
        Location(display),
        "file-unknown",
        Severity.ERROR,
        Text(
            "文件夹嵌套太深，校验器没有进入这个文件夹；政策文件最多在 policies/ 下两层。",
            "The folders nest too deeply, so this one was not searched; policy files are at "
            "most two levels below policies/.",
        ),
        Text(
            "删除这些多余的嵌套文件夹。",
            "Delete the stray nested folders.",
        ),
    )


def _outside_link(display: str) -> Finding:
    return Finding(
        Location(display),
        "file-unreadable",
        Severity.ERROR,
        OUTSIDE,
        Text(
            "把真实文件放进仓库，替换这个链接。",
            "Put the real file in the repository in place of the link.",
        ),
    )


def _unknown_file(display: str, relative: PurePosixPath, kinds: Registry) -> Finding:
    places = "、".join(kind.describe() for kind in kinds.files())
    places_en = ", ".join(kind.describe() for kind in kinds.files())
    if relative.suffix == ".yml":
        hint = Text("把扩展名改成 .yaml。", "Rename the file to end in .yaml.")
    else:
        hint = Text(
            f"把文件移到正确的位置：{places}。",
            f"Move the file to one of the known places: {places_en}.",
        )
    return Finding(
        Location(display),
        "file-unknown",
        Severity.ERROR,
        Text(
            "校验器不认识这个位置的文件，因此不会检查也不会发布它。",
            "No policy kind lives at this path, so the file would be neither checked nor "
            "published.",
        ),
        hint,
    )
