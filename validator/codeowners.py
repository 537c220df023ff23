"""``handbook codeowners``: who reviews which policy file, written as a ``CODEOWNERS`` file.

The owners come from the policies themselves, so a change of owner in the data changes who is
asked to review:

* every file under ``policies/`` and ``schemas/``, and ``CODEOWNERS`` itself, defaults to the
  handbook's approver (``approver:`` in ``policies/handbook.yaml``). The settings and the waivers
  are the approver's explicitly: they set the gate.
* a folder listed under ``codeowners: paths:`` belongs to the role given there
  (``policies/training/`` → ``hr-training-director``, the training custodian);
* any other file belongs to the roles its entries name through a link to a role: a role file to
  the role's manager (``reports_to``), a standards file to the roles responsible for its
  standards, ``tiers.yaml`` to the tiers' owners. A file that names no role (the registers of
  regulations, certificates and sources; the top role, who reports to nobody) stays with the
  approver.

Each owning role is turned into handles by ``codeowners: reviewers:``. A role without reviewers
is represented by its manager's reviewers, and so on up the reporting line, ending with the
approver's.

GitHub and GitLab read the same syntax (``path @owner…``; the last matching line wins). The GitLab
form puts the lines in one named section, which GitLab shows in the merge request's approval
widget; one section keeps GitHub's "last line wins" meaning (separate sections would each require
an approval).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from validator.model import Entity, Handbook
from validator.policies import kind_of

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
"""Where GitHub and GitLab look for the file; the first that exists is the one in use."""

SECTION = "[手册 Handbook]"
"""The GitLab section that holds every line."""


@dataclass(frozen=True)
class Line:
    """One rule of the file: a path pattern, the roles that own it, and their handles."""

    pattern: str
    roles: tuple[str, ...]
    handles: tuple[str, ...]


def _settings(handbook: Handbook) -> tuple[str | None, dict[str, list[str]], dict[str, str]]:
    settings = handbook.settings
    mapping = settings.get("codeowners") or {}
    return settings.get("approver"), mapping.get("reviewers") or {}, mapping.get("paths") or {}


def reviewers_of(handbook: Handbook, role_id: str | None) -> tuple[str, ...]:
    """The handles that review for a role: its own, else its manager's (up the line), else the
    approver's; empty when nobody in the line, nor the approver, has reviewers."""
    approver, reviewers, _ = _settings(handbook)
    seen: set[str] = set()
    current = role_id
    while current is not None and current not in seen:
        seen.add(current)
        if current in reviewers:
            return tuple(reviewers[current])
        role = handbook.get("role", current)
        current = role.data.get("reports_to") if role is not None else None
    if approver is not None and approver not in seen:
        return reviewers_of(handbook, approver)
    return ()


def approver_reviewers(handbook: Handbook) -> tuple[str | None, tuple[str, ...]]:
    """The handbook's approver and the handles that review for it."""
    approver, _, _ = _settings(handbook)
    return approver, reviewers_of(handbook, approver)


def _owning_roles(handbook: Handbook, path: str) -> tuple[str, ...]:
    """The roles named by the entries of one file through a link to a role, in file order."""
    owners: dict[str, None] = {}
    entities: list[Entity] = []
    for kind in handbook.kinds:
        entities += [e for e in handbook.declared[kind.name] if e.ref.path == path]
    for entity in entities:
        for link in handbook.kinds[entity.kind].links:
            if link.target != "role":
                continue
            for value, _ in link.values(entity.data):
                owners.setdefault(value, None)
    return tuple(owners)


def lines(handbook: Handbook) -> list[Line]:
    """The rules of the file in order: defaults first, then folders, then single files."""
    approver, _, paths = _settings(handbook)
    own = (approver,) if approver else ()
    by_approver = reviewers_of(handbook, approver)
    result = [Line("/policies/", own, by_approver), Line("/schemas/", own, by_approver)]
    result += [Line(f"/{location}", own, by_approver) for location in LOCATIONS]
    for folder, role in sorted(paths.items()):
        result.append(Line(f"/{folder}", (role,), reviewers_of(handbook, role)))
    for path, document in sorted(handbook.documents.items()):
        if any(path.startswith(folder) for folder in paths):
            continue
        roles = () if _sets_the_gate(handbook, path) else _owning_roles(handbook, path)
        handles: tuple[str, ...] = ()
        for role in roles:
            handles += tuple(h for h in reviewers_of(handbook, role) if h not in handles)
        if not handles:
            roles, handles = own, by_approver
        result.append(Line("/" + _escape(document.path), roles, handles))
    return result


def _sets_the_gate(handbook: Handbook, path: str) -> bool:
    """Whether a file sets the gate itself (the rule settings, the waivers): the approver's,
    whoever its entries name (a waiver names the role that approved it)."""
    kind = kind_of(PurePosixPath(path).relative_to("policies"), handbook.kinds)
    return kind is not None and (kind.name == "settings" or kind.name == "waiver")


def _escape(path: str) -> str:
    # CODEOWNERS splits a line at spaces and starts a comment at "#"; both are escaped.
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#")


HEADER = (
    "# 由 handbook codeowners 根据 policies/handbook.yaml 的 approver 和 codeowners 生成；"
    "请勿手改，修改数据后重新生成。",
    "# Written by `handbook codeowners` from `approver` and `codeowners` in "
    "policies/handbook.yaml;",
    "# do not edit by hand: change the data and run the command again.",
)


def write(handbook: Handbook, fmt: str = "github") -> str:
    """The whole ``CODEOWNERS`` file in GitHub or GitLab syntax."""
    out = [*HEADER, ""]
    if fmt == "gitlab":
        out.append(SECTION)
    for line in lines(handbook):
        roles = ", ".join(line.roles) if line.roles else "—"
        if not line.handles:
            # Nobody to ask: a line without owners would remove the default owners.
            out.append(f"# {line.pattern} ({roles}): no reviewers in codeowners.reviewers")
            continue
        out.append(f"# {roles}")
        out.append(f"{line.pattern} {' '.join(line.handles)}")
    return "\n".join(out) + "\n"


def committed(root: Path) -> tuple[str, str] | None:
    """The ``CODEOWNERS`` in use under ``root`` (its path and text), if there is one."""
    for location in LOCATIONS:
        candidate = root / location
        if candidate.is_file():
            return location, candidate.read_text(encoding="utf-8", errors="replace")
    return None


def format_of(text: str) -> str:
    """``gitlab`` when the file uses GitLab sections, else ``github``."""
    return "gitlab" if any(line.startswith(("[", "^[")) for line in text.splitlines()) else "github"


def first_difference(expected: str, actual: str) -> tuple[int, str, str] | None:
    """The first line (1-based) where two files differ, with the expected and the actual line."""
    want, have = expected.splitlines(), actual.splitlines()
    for number in range(max(len(want), len(have))):
        a = want[number] if number < len(want) else ""
        b = have[number] if number < len(have) else ""
        if a != b:
            return number + 1, a, b
    return None


FORMATS: dict[str, Callable[[Handbook], str]] = {
    "github": lambda handbook: write(handbook, "github"),
    "gitlab": lambda handbook: write(handbook, "gitlab"),
}
"""``handbook codeowners --format``."""
