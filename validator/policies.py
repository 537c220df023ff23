"""The policy tree: which file under ``policies/`` is which kind of policy, and loading them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from validator.findings import Finding, Location, Severity, Text
from validator.kinds import KINDS, Kind, Registry
from validator.loader import LIMITS, Document, Limits, load_file

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


def discover(root: Path, limits: Limits = LIMITS, kinds: Registry = KINDS) -> PolicyFiles:
    """Load every file under ``root/policies`` (which must exist) and classify it."""
    policies = root / "policies"
    result = PolicyFiles(root)
    paths = sorted(p for p in policies.rglob("*") if not _hidden(p.relative_to(policies)))
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            continue
        display = path.relative_to(root).as_posix()
        relative = PurePosixPath(path.relative_to(policies).as_posix())
        if path.is_symlink() and not _inside(path, root):
            result.findings.append(_outside_link(display))
            continue
        kind = kind_of(relative, kinds)
        if kind is None:
            if relative.suffix not in _IGNORED_SUFFIXES:
                result.findings.append(_unknown_file(display, relative, kinds))
            continue
        result.checked += 1
        loaded = load_file(path, display, limits)
        result.findings.extend(loaded.findings)
        if loaded.findings:
            result.damaged.add(display)
        if loaded.document is not None:
            result.documents[display] = loaded.document
            result.kinds[display] = kind
    return result


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def _outside_link(display: str) -> Finding:
    return Finding(
        Location(display),
        "file-unreadable",
        Severity.ERROR,
        Text(
            "这是一个指向仓库外部的符号链接；校验器不会读取它。",
            "This is a symbolic link that points outside the repository; it is not read.",
        ),
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
