"""Hostile paths and values end as a finding or one clean line with exit code 2, never a traceback.

Each test reproduces a crash or a leak that a review found: reads that left the repository or
never ended, arithmetic on extreme dates, control characters that broke the workbook, export
paths that overwrote sources, a closed or broken standard output.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import validator.cli
from tests.conftest import CASES, build_site, case_root, commit_all, copy_project
from validator.baseline import MAX_BASELINE_BYTES
from validator.guarded_read import Confinement, Refused, read_bytes

Cli = Callable[..., tuple[int, str, str]]
TODAY = ["--today", "2026-11-25"]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The small, clean case tree with the repository's schemas."""
    return case_root(CASES / "_base", tmp_path / "repo")


def handbook(
    *args: str, timeout: float = 60, **options: object
) -> subprocess.CompletedProcess[str]:
    """`handbook ARGS` in a child process, for what only a real process shows (pipes, fds)."""
    return subprocess.run(
        [sys.executable, "-m", "validator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,  # type: ignore[call-overload]
    )


def one_clean_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("handbook: ")
    return lines[0]


# --- reads stay inside the repository, bounded -------------------------------------------------


def test_policies_linked_outside_gives_one_finding_and_reads_nothing_there(
    run_cli: Cli, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    (base / "policies").rename(outside)
    (outside / "roles" / "secret-payroll.yaml").write_text("id: x\n", encoding="utf-8")
    (base / "policies").symlink_to(outside, target_is_directory=True)
    touched: list[str] = []
    # Every way to list a folder or open a file; resolving where a link points is not reading.
    for module, name in ((os, "scandir"), (os, "listdir"), (os, "open"), (io, "open")):
        original = getattr(module, name)

        def spy(path: object, *args: object, _original: object = original, **kw: object) -> object:
            touched.append(os.fspath(path) if isinstance(path, (str, os.PathLike)) else "")
            return _original(path, *args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(module, name, spy)
    code, out, _ = run_cli("check", "--root", str(base), "--lang", "en", *TODAY)
    monkeypatch.undo()
    assert code == 1
    assert out.splitlines()[0] == (
        "policies:1:1: error [file-unreadable] This is a symbolic link that points outside the "
        "repository; it is not read."
    )
    assert "1 error, 0 warnings in 1 file" in out
    assert "secret" not in out
    reached = [p for p in touched if p and Path(p).resolve().is_relative_to(outside.resolve())]
    assert reached == []


def test_schemas_linked_outside_is_a_tool_error(run_cli: Cli, base: Path, tmp_path: Path) -> None:
    (base / "schemas").rename(tmp_path / "schemas-elsewhere")
    (base / "schemas").symlink_to(tmp_path / "schemas-elsewhere", target_is_directory=True)
    code, out, err = run_cli("check", "--root", str(base), "--lang", "en")
    assert (code, out) == (2, "")
    assert one_clean_line(err) == (
        "handbook: schemas/ is a link that points outside the repository; it is not read."
    )


ENDLESS_REFUSALS = {
    "dev-zero": "This is a symbolic link that points outside the repository; it is not read.",
    "fifo": "This is not a regular file (a pipe, socket or device); it is not read.",
}


@pytest.fixture(params=sorted(ENDLESS_REFUSALS))
def endless(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """Replaces a file with something that never ends when read; returns why it is refused."""

    def replace(path: Path) -> str:
        path.unlink()
        if request.param == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero")
        return ENDLESS_REFUSALS[str(request.param)]

    return replace


def test_schema_that_never_ends_is_a_tool_error(base: Path, endless: Callable[[Path], str]) -> None:
    why = endless(base / "schemas" / "role.schema.json")
    completed = handbook("check", "--root", str(base), "--lang", "en", timeout=30)
    assert (completed.returncode, completed.stdout) == (2, "")
    line = one_clean_line(completed.stderr)
    assert line == f"handbook: Cannot read the schema role.schema.json: {why}"


def test_mkdocs_yml_that_never_ends_is_skipped(base: Path, endless: Callable[[Path], str]) -> None:
    (base / "mkdocs.yml").write_text("site_url: https://example.invalid/\n", encoding="utf-8")
    endless(base / "mkdocs.yml")
    completed = handbook("check", "--root", str(base), *TODAY, timeout=30)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""


def test_policy_file_that_never_ends_is_a_finding(
    run_cli: Cli, base: Path, endless: Callable[[Path], str]
) -> None:
    why = endless(base / "policies" / "roles" / "lead.yaml")
    code, out, _ = run_cli("check", "--root", str(base), "--lang", "en", *TODAY)
    assert code == 1
    assert out.startswith(f"policies/roles/lead.yaml:1:1: error [file-unreadable] {why}\n")


@pytest.fixture
def deep_tree(base: Path) -> Iterator[Path]:
    """1,500 nested folders under policies/, made and removed without recursion."""
    folders = [base / "policies" / "d"]
    for _ in range(1499):
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    yield base
    for folder in reversed(folders):
        folder.rmdir()


def test_a_folder_tree_1500_levels_deep_is_one_finding(run_cli: Cli, deep_tree: Path) -> None:
    code, out, _ = run_cli("check", "--root", str(deep_tree), "--lang", "en", *TODAY)
    assert code == 1
    deepest = "policies/" + "/".join(["d"] * 17)
    assert out.splitlines()[0] == (
        f"{deepest}:1:1: error [file-unknown] The folders nest too deeply, so this one was not "
        "searched; policy files are at most two levels below policies/."
    )
    assert "1 error, 0 warnings in 1 file" in out


def test_deeply_nested_baseline_is_a_tool_error(run_cli: Cli, base: Path, tmp_path: Path) -> None:
    saved = tmp_path / "baseline.json"
    saved.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _, err = run_cli("check", "--root", str(base), "--lang", "en", "--baseline", str(saved))
    assert code == 2
    assert one_clean_line(err) == (
        f"handbook: The baseline file {saved} is not `handbook check --format json` output: "
        "The JSON is nested too deeply."
    )


def test_huge_baseline_is_refused_before_reading(run_cli: Cli, base: Path, tmp_path: Path) -> None:
    saved = tmp_path / "baseline.json"
    with saved.open("wb") as stream:
        stream.truncate(MAX_BASELINE_BYTES + 1)  # sparse: no disk, but reading it would take RAM
    code, _, err = run_cli("check", "--root", str(base), "--lang", "en", "--baseline", str(saved))
    assert code == 2
    assert one_clean_line(err).endswith(
        f"The file has {MAX_BASELINE_BYTES + 1} bytes, over the limit of "
        f"{MAX_BASELINE_BYTES} bytes."
    )


def test_baseline_linked_to_dev_zero_is_a_tool_error(
    run_cli: Cli, base: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "baseline.json"
    saved.symlink_to("/dev/zero")
    code, _, err = run_cli("check", "--root", str(base), "--lang", "en", "--baseline", str(saved))
    assert code == 2
    assert one_clean_line(err).endswith(
        "This is not a regular file (a pipe, socket or device); it is not read."
    )


def test_a_confined_read_follows_every_link_in_the_path(tmp_path: Path) -> None:
    """One confinement serves a whole tree's reads, resolving each folder once; a link (to a
    file or a folder) or a ``..`` that leads out is refused, one that stays in is read."""
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "policies" / "roles").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.yaml").write_text("secret\n", encoding="utf-8")
    (root / "policies" / "roles" / "guard.yaml").write_text("guard\n", encoding="utf-8")
    (root / "policies" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "policies" / "roles" / "out.yaml").symlink_to(outside / "secret.yaml")
    (root / "policies" / "roles" / "in.yaml").symlink_to(root / "policies" / "roles" / "guard.yaml")
    linked_root = tmp_path / "checkout"
    linked_root.symlink_to(root, target_is_directory=True)
    for top, confined in ((root, root), (linked_root, linked_root), (root, linked_root)):
        confinement = Confinement(confined)
        read = {
            name: read_bytes(top / "policies" / name, 100, confinement)
            for name in ("roles/guard.yaml", "roles/in.yaml")
        }
        assert read == {"roles/guard.yaml": b"guard\n", "roles/in.yaml": b"guard\n"}
        for name in ("linked/secret.yaml", "roles/out.yaml", "roles/../../../outside/secret.yaml"):
            with pytest.raises(Refused) as refused:
                read_bytes(top / "policies" / name, 100, confinement)
            assert refused.value.kind == "outside"
    # A name no file can have is refused like a link out, as before.
    with pytest.raises(Refused) as refused:
        read_bytes(root / "policies" / "roles" / "a\0b.yaml", 100, root)
    assert refused.value.kind == "outside"
    # The folder turned into a link to outside: the next check's confinement sees the link.
    (root / "policies" / "roles").rename(tmp_path / "moved")
    (root / "policies" / "roles").symlink_to(outside, target_is_directory=True)
    assert not Confinement(root).holds(root / "policies" / "roles" / "secret.yaml")


# --- values that crashed the later stages -----------------------------------------------------


def set_review(root: Path, date: str) -> None:
    role = root / "policies" / "roles" / "lead.yaml"
    text = role.read_text(encoding="utf-8")
    role.write_text(
        text.replace("review: {last_reviewed: 2026-11-01,", f"review: {{last_reviewed: {date},"),
        encoding="utf-8",
    )


def test_review_date_9999_12_31_is_a_finding_in_check_explain_and_diff(
    run_cli: Cli, base: Path
) -> None:
    commit_all(base)
    set_review(base, "9999-12-31")
    code, out, _ = run_cli("check", "--root", str(base), "--lang", "en", *TODAY)
    assert code == 1
    assert out.splitlines()[0] == (
        "policies/roles/lead.yaml:9:10: error [review-in-future] The review date 9999-12-31 is "
        "after today (2026-11-25)."
    )
    code, out, err = run_cli("explain", "lead", "--root", str(base), "--lang", "en", *TODAY)
    assert (code, err) == (0, "")
    assert "review-in-future" in out
    code, out, err = run_cli("diff", "--base", "HEAD", "--root", str(base), "--format", "json")
    assert (code, err) == (0, "")
    json.loads(out)


@pytest.mark.slow
def test_review_date_9999_12_31_stops_the_site_build_with_the_finding(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    role = project / "policies" / "roles" / "cs-specialist.yaml"
    role.write_text(
        role.read_text(encoding="utf-8").replace(
            "last_reviewed: 2026-11-01", "last_reviewed: 9999-12-31"
        ),
        encoding="utf-8",
    )
    completed = build_site(project, tmp_path / "site")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "policies/roles/cs-specialist.yaml:" in completed.stderr
    assert "[review-in-future]" in completed.stderr


@pytest.mark.parametrize("escape", [r"\x01", r"\e", r"\a", r"\0"])
def test_control_characters_stop_the_check_and_never_reach_the_workbook(
    run_cli: Cli, base: Path, tmp_path: Path, escape: str
) -> None:
    role = base / "policies" / "roles" / "lead.yaml"
    text = role.read_text(encoding="utf-8")
    role.write_text(text.replace("{zh: 经理,", f'{{zh: "经理{escape}",'), encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(base), "--lang", "en", *TODAY)
    assert code == 1
    assert out.startswith("policies/roles/lead.yaml:2:12: error [yaml-control-character] ")
    target = tmp_path / "training.xlsx"
    code, _, err = run_cli("export", "xlsx", "-o", str(target), "--root", str(base), "--lang", "en")
    assert code == 1
    assert "[yaml-control-character]" in err
    assert not target.exists()


# --- export -o --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/out.json", "The folder {root}/missing does not exist: create it first"),
        (".", "{root} is a folder: give a file name"),
        ("policies/out.json", "Refusing to export into policies/, which holds"),
        ("policies/roles/lead.yaml", "Refusing to export into policies/, which holds"),
        ("schemas", "Refusing to export into schemas/, which holds"),
        ("notes.json", "{root}/notes.json exists and is not a previous export; add --force"),
        ("/dev/full", "/dev/full is not a regular file; it is not overwritten."),
        ("/proc/handbook.json", "Cannot write /proc/handbook.json: "),
    ],
)
def test_export_to_a_bad_place_is_one_line(
    run_cli: Cli, base: Path, where: str, message: str
) -> None:
    (base / "notes.json").write_text('{"mine": true}\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}
    output = where if where.startswith("/") else str(base / where)
    code, out, err = run_cli("export", "json", "-o", output, "--root", str(base), "--lang", "en")
    assert (code, out) == (2, "")
    assert message.format(root=base) in one_clean_line(err)
    assert {p: p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()} == before


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("training.xlsx", "{folder}/training.xlsx exists and is not a previous export; add"),
        ("roles/lead.pdf", "{folder}/roles/lead.pdf exists and is not a previous export; add"),
        ("roles", "{folder}/roles is not a plain folder; nothing is written into it."),
    ],
)
def test_export_all_into_a_folder_of_other_files_is_refused(
    run_cli: Cli, base: Path, tmp_path: Path, place: str, message: str
) -> None:
    folder = tmp_path / "downloads"
    (folder / "roles").mkdir(parents=True)
    if place == "roles":
        (folder / "roles").rmdir()
        (folder / "roles").symlink_to(base / "policies" / "roles")
    else:
        (folder / place).write_text("mine\n", encoding="utf-8")
    code, out, err = run_cli(
        "export", "all", "-o", str(folder), "--root", str(base), "--lang", "en"
    )
    assert (code, out) == (2, "")
    assert message.format(folder=folder) in one_clean_line(err)


def test_export_overwrites_a_previous_export_and_with_force_anything(
    run_cli: Cli, base: Path
) -> None:
    target = base / "out.json"
    for _ in range(2):
        code, _, err = run_cli("export", "json", "-o", str(target), "--root", str(base))
        assert (code, err) == (0, "")
    target.write_text("mine\n", encoding="utf-8")
    code, _, _ = run_cli("export", "json", "-o", str(target), "--root", str(base))
    assert code == 2
    code, _, _ = run_cli("export", "json", "-o", str(target), "--root", str(base), "--force")
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == 1


def limit_file_size() -> None:
    # A full disk, simulated: writes beyond 4 KiB fail with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_export_onto_a_full_disk_keeps_the_previous_export(base: Path) -> None:
    target = base / "training.xlsx"
    assert handbook("export", "xlsx", "-o", str(target), "--root", str(base)).returncode == 0
    previous = target.read_bytes()
    completed = handbook(
        "export",
        "json",
        "-o",
        str(base / "training.json"),
        "--root",
        str(base),
        "--lang",
        "en",
        preexec_fn=limit_file_size,
    )
    assert completed.returncode == 2
    assert one_clean_line(completed.stderr) == (
        f"handbook: Cannot write {base / 'training.json'}: File too large."
    )
    completed = handbook(
        "export", "xlsx", "-o", str(target), "--root", str(base), preexec_fn=limit_file_size
    )
    assert completed.returncode == 2
    one_clean_line(completed.stderr)
    assert target.read_bytes() == previous
    assert sorted(p.name for p in base.iterdir() if p.name.startswith(".")) == []


def test_export_onto_a_read_only_disk_is_one_line(
    run_cli: Cli, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = base / "handbook.json"
    real_open = os.open

    def read_only(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        # Reading works as before; creating a file fails as on a file system mounted read-only.
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    code, out, err = run_cli(
        "export", "json", "-o", str(target), "--root", str(base), "--lang", "en"
    )
    monkeypatch.undo()
    assert (code, out) == (2, "")
    assert one_clean_line(err) == f"handbook: Cannot write {target}: Read-only file system."
    assert not target.exists()
    assert sorted(p.name for p in base.iterdir() if p.name.startswith(".")) == []


# --- standard output closed or gone ----------------------------------------------------------


def test_closed_standard_output_is_one_line(base: Path) -> None:
    completed = handbook(
        "check", "--root", str(base), "--lang", "en", stdout=None, preexec_fn=lambda: os.close(1)
    )
    assert completed.returncode == 2
    assert one_clean_line(completed.stderr) == "handbook: Standard output is closed."


def test_a_reader_that_stops_early_gets_no_traceback(base: Path) -> None:
    # Enough findings to overflow the pipe: the command is still writing when the reader leaves.
    for number in range(600):
        (base / "policies" / f"stray-{number}.yml").write_text("x: 1\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "validator", "check", "--root", str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 2
    assert err == ""


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    run_cli: Cli, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\n\x1b[2Jforged line")

    monkeypatch.setattr(validator.cli, "run", broken)
    code, out, err = run_cli("check", "--root", str(base), "--lang", "en")
    assert (code, out) == (2, "")
    assert one_clean_line(err) == (
        "handbook: internal error (RuntimeError: boom ?[2Jforged line); run with --debug for "
        "the details, and please report it."
    )
    code, _, err = run_cli("check", "--root", str(base), "--lang", "en", "--debug")
    assert code == 2
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("handbook: internal error (RuntimeError: boom")


# --- the site is replaced whole or not at all -------------------------------------------------


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def site_build(project: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "validator.site_build",
            "--root",
            str(project),
            "--site-dir",
            str(project / "site"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **environment},
    )


@pytest.mark.slow
def test_site_build_refuses_an_mkdocs_yml_that_never_ends(
    base: Path, endless: Callable[[Path], str]
) -> None:
    (base / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (base / "site").mkdir()
    (base / "site" / "index.html").write_text("previous\n", encoding="utf-8")
    why = endless(base / "mkdocs.yml")
    completed = site_build(base)
    assert completed.returncode == 2
    assert completed.stderr.splitlines()[0].endswith(why)
    assert [p.name for p in (base / "site").iterdir()] == ["index.html"]


@pytest.mark.slow
def test_a_failed_build_or_export_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    completed = site_build(project)
    assert completed.returncode == 0, completed.stderr
    assert (project / "site" / "downloads" / "training.xlsx").is_file()
    before = tree_digest(project / "site")

    # Passes `handbook check`, fails `mkdocs build --strict`.
    (project / "docs" / "broken.md").write_text("[gone](no-such-page.md)\n", encoding="utf-8")
    assert handbook("check", "--root", str(project)).returncode == 0
    completed = site_build(project)
    assert completed.returncode == 1
    assert "no-such-page.md" in completed.stderr
    assert tree_digest(project / "site") == before

    # The pages build, but the PDFs cannot be printed: a strict build stops there.
    (project / "docs" / "broken.md").unlink()
    completed = site_build(project, HANDBOOK_CHROMIUM=str(tmp_path / "no-chromium"))
    assert completed.returncode == 1
    assert "Chromium" in completed.stderr
    assert tree_digest(project / "site") == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".")]
    assert [name for name in leftovers if name != ".cache"] == []


def test_a_link_loop_is_named_a_loop(
    repo_copy: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    (repo_copy / "policies" / "roles" / "loop.yaml").symlink_to("loop.yaml")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    assert out.splitlines()[0] == (
        "policies/roles/loop.yaml:1:1: error [file-unreadable] This symbolic link is a loop: it "
        "leads back to itself and never reaches a file."
    )
