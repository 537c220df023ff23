"""`make bench`: how the validator, the site and the downloads scale, against their baselines.

Every measurement is a whole process (interpreter start included); the small ones run side by
side with their baseline, alternating, several times, the large ones fewer times. The script
prints medians and min–max, then one line per figure, ``ratio NAME VALUE`` or ``seconds NAME
VALUE``:

* ``ratio check_vs_csafeload_big``: ``handbook check`` on the large synthetic corpus after a
  one-line edit to one role (the files parsed by the previous check kept, as an editor checks
  again) ÷ plain ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the same files (the floor of
  parsing them all); ``ratio check_cold_vs_csafeload_big``: the same with ``--no-cache``,
  every file parsed (a fresh clone in CI);
* ``ratio check_vs_checkjsonschema_big``: ``handbook check --no-cache`` ÷ check-jsonschema
  validating the same files against the same schemas, the tool a user would reach for instead;
* ``ratio site_plugin_overhead``: ``mkdocs build`` of the shipped handbook ÷ the same pages
  already written out as Markdown, without the plugin;
* ``seconds site_big_cold`` / ``seconds site_big_warm`` (and their peak memory): the large
  corpus's site without downloads, first with an empty cache, then again with the cache of the
  first; ``ratio site_plugin_vs_prerendered_big``: the warm build ÷ the same pages pre-written;
* ``seconds downloads_big_cold`` / ``seconds downloads_big_one_role``: every download of the
  large corpus with an empty cache, then after a one-line edit to one role;
* ``seconds make_site_one_edit``: ``make site`` of the shipped handbook after a one-line policy
  edit (cache warm);
* ``seconds serve_rebuild_shipped`` / ``seconds serve_rebuild_big``: ``mkdocs serve``'s rebuild
  after a one-line policy edit, from the change to "Documentation built" (the large corpus
  without downloads: its PDFs are measured on their own).

``--skip-big-site`` and ``--skip-downloads`` leave out the slowest parts.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOAD_ONLY = """
import glob, sys, yaml
for name in sorted(glob.glob(sys.argv[1] + "/policies/**/*.yaml", recursive=True)):
    with open(name, "rb") as stream:
        yaml.load(stream.read(), Loader=yaml.CSafeLoader)
"""


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in MiB of one process."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        message = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{message[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def checkjsonschema(corpus: Path) -> list[list[str]]:
    """One check-jsonschema command per kind of policy file, as its users would run it."""
    from validator.kinds import KINDS

    commands = []
    for kind in KINDS.files():
        if kind.folder:
            files = sorted(str(p) for p in (corpus / "policies" / kind.folder).glob("*.yaml"))
        else:
            single = corpus / "policies" / str(kind.filename)
            files = [str(single)] if single.exists() else []
        if files:
            schema = corpus / "schemas" / str(kind.schema)
            commands.append([str(BIN / "check-jsonschema"), "--schemafile", str(schema), *files])
    return commands


def prerendered_project(destination: Path, source: Path = REPO) -> Path:
    """A handbook's pages written out as Markdown, built without the plugin."""
    sys.path.insert(0, str(REPO))
    from validator.engine import run
    from validator.render import render

    result = run(source)
    assert result.handbook is not None
    site = render(result.handbook)
    shutil.rmtree(destination, ignore_errors=True)  # a previous run's pages
    docs = destination / "docs"
    shutil.copytree(REPO / "docs", docs)
    for path, markdown in site.pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if p != "handbook"]
    config["nav"] = site.nav
    config.pop("watch", None)
    config["validation"] = {"omitted_files": "ignore"}
    (destination / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    return destination


def report(name: str, samples: list[float], unit: str = "s") -> None:
    """One line: the median and the range of a measurement."""
    print(
        f"{name:38} median {statistics.median(samples):8.3f} {unit}   "
        f"min–max {min(samples):.3f}–{max(samples):.3f} {unit}   (n={len(samples)})"
    )


def main() -> int:
    """Generate the corpus if needed, measure, and print the figures and ratios."""
    # A shell that starts the bench in the background has it ignore SIGINT, and so would the
    # `mkdocs serve` it starts and stops with SIGINT; a handler of its own is reset on exec.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duties", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--big-repeat", type=int, default=3, help="repeats of the large builds")
    parser.add_argument("--skip-big-site", action="store_true", help="no large site build")
    parser.add_argument("--skip-downloads", action="store_true", help="no large downloads")
    args = parser.parse_args()

    args.work.mkdir(exist_ok=True)
    corpus = args.work / f"corpus-{args.duties}"
    if not (corpus / "policies").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "validator.synth",
                "--duties",
                str(args.duties),
                "--out",
                str(corpus),
            ],
            cwd=REPO,
            check=True,
        )
    files = list((corpus / "policies").rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files)
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} cores, Python {python}, PyYAML {yaml.__version__}")
    print(f"large corpus: {len(files)} files, {size / 1e6:.1f} MB, {args.duties} duties requested")

    handbook = str(BIN / "handbook")
    samples: dict[str, list[float]] = defaultdict(list)
    peak = 0
    edited = project_copy(args.work / "check-big", corpus, docs=False)
    timed([handbook, "check", "--root", str(edited)])  # keeps the parsed files
    with tempfile.TemporaryDirectory() as scratch:
        prerendered = prerendered_project(Path(scratch) / "plain")
        for number in range(args.repeat):
            edit_one_role(edited, f"改{number}")
            elapsed, memory = timed([handbook, "check", "--root", str(edited)])
            samples["check_big"].append(elapsed)
            peak = max(peak, memory)
            elapsed, memory = timed([handbook, "check", "--no-cache", "--root", str(corpus)])
            samples["check_big_cold"].append(elapsed)
            peak = max(peak, memory)
            samples["csafeload_big"].append(
                timed([sys.executable, "-c", LOAD_ONLY, str(corpus)])[0]
            )
            samples["checkjsonschema_big"].append(sum(timed(c)[0] for c in checkjsonschema(corpus)))
            samples["check_shipped"].append(timed([handbook, "check", "--root", str(REPO)])[0])
            samples["site_plugin"].append(
                timed(
                    [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(Path(scratch) / "a")],
                    cwd=REPO,
                )[0]
            )
            samples["site_prerendered"].append(
                timed(
                    [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(Path(scratch) / "b")],
                    cwd=prerendered,
                )[0]
            )
    for name, values in samples.items():
        report(name, values)
    print(f"{'peak_memory_check_big':38} {peak} MiB")
    median = {name: statistics.median(values) for name, values in samples.items()}
    lines = [
        f"ratio check_vs_csafeload_big {median['check_big'] / median['csafeload_big']:.2f}",
        f"ratio check_cold_vs_csafeload_big "
        f"{median['check_big_cold'] / median['csafeload_big']:.2f}",
        f"ratio check_vs_checkjsonschema_big "
        f"{median['check_big_cold'] / median['checkjsonschema_big']:.2f}",
        f"ratio site_plugin_overhead {median['site_plugin'] / median['site_prerendered']:.2f}",
        f"seconds check_shipped {median['check_shipped']:.3f}",
    ]
    lines += make_site_one_edit(args.work, args.repeat)
    lines += serve_rebuild("shipped", project_copy(args.work / "serve-shipped", REPO), 3)
    if not args.skip_big_site:
        lines += big_site(args.work, corpus, args.big_repeat)
        big = project_copy(args.work / "serve-big", corpus, downloads=False)
        lines += serve_rebuild("big", big, 3)
    if not args.skip_downloads:
        lines += downloads(args.work, corpus, args.big_repeat)
    print()
    print("\n".join(lines))
    return 0


def project_copy(
    destination: Path, corpus: Path, *, downloads: bool = True, docs: bool = True
) -> Path:
    """A handbook project (docs/, mkdocs.yml, a corpus's policies and schemas) to edit freely;
    without ``docs``, only the policies and schemas."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    for folder in ("policies", "schemas"):
        shutil.copytree(corpus / folder, destination / folder)
    if not docs:
        return destination
    shutil.copytree(REPO / "docs", destination / "docs")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not downloads:
        config = config.replace("\n  - handbook\n", "\n  - handbook:\n      downloads: false\n")
    (destination / "mkdocs.yml").write_text(config, encoding="utf-8")
    return destination


def edit_one_role(project: Path, mark: str) -> None:
    """A one-line edit to the first role's summary, as a pull request would make."""
    role = sorted((project / "policies" / "roles").glob("*.yaml"))[0]
    text = role.read_text(encoding="utf-8")
    edited, count = re.subn(r"(summary:\n  zh: '?)", rf"\g<1>{mark}", text, count=1)
    if not count:
        raise SystemExit(f"{role}: no summary to edit")
    role.write_text(edited, encoding="utf-8")


def make_site_one_edit(work: Path, repeat: int) -> list[str]:
    """`make site` (site_build) of the shipped handbook after a one-line edit, cache warm."""
    project = project_copy(work / "make-site", REPO)
    command = [sys.executable, "-m", "validator.site_build", "--root", str(project)]
    command += ["--site-dir", str(project / "site")]
    timed(command, cwd=project)
    samples = []
    for number in range(repeat):
        edit_one_role(project, f"改{number}")
        samples.append(timed(command, cwd=project)[0])
    report("make_site_one_edit", samples)
    return [f"seconds make_site_one_edit {statistics.median(samples):.2f}"]


def serve_rebuild(name: str, project: Path, repeat: int) -> list[str]:
    """`mkdocs serve`'s rebuild after a one-line policy edit: from the edit to the built site."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command,
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=environment,
        start_new_session=True,
    )
    assert server.stderr is not None
    buffered = b""

    def wait_for(pattern: bytes, limit: float, *, or_give_up: bool = False) -> bool:
        nonlocal buffered
        deadline = time.monotonic() + limit
        while pattern not in buffered:
            left = deadline - time.monotonic()
            if (left <= 0 and not or_give_up) or server.poll() is not None:
                raise SystemExit(f"mkdocs serve ({name}): no {pattern!r}\n{buffered[-2000:]!r}")
            if left <= 0:
                return False
            ready, _, _ = select.select([server.stderr], [], [], left)
            if ready:
                buffered += os.read(server.stderr.fileno(), 65536)
        buffered = buffered.split(pattern, 1)[1]
        return True

    samples = []
    try:
        wait_for(b"Serving on", 1800)
        # Unmeasured: the watcher takes its first look at the files in a thread of its own, and
        # on a busy machine an edit made before that look is never seen as a change.
        for attempt in range(10):
            time.sleep(1.5)
            edit_one_role(project, f"热{attempt}")
            if wait_for(b"Documentation built in", 120, or_give_up=True):
                break
        for number in range(repeat):
            time.sleep(1.5)  # the watcher's debounce: the edit must be a change of its own
            start = time.perf_counter()
            edit_one_role(project, f"服{number}")
            wait_for(b"Documentation built in", 1800)
            samples.append(time.perf_counter() - start)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # The figures are taken: a serve that will not stop must not hang the bench.
            print(f"mkdocs serve ({name}) did not stop on SIGINT; killed", file=sys.stderr)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    report(f"serve_rebuild_{name}", samples)
    return [f"seconds serve_rebuild_{name} {statistics.median(samples):.2f}"]


def big_site(work: Path, corpus: Path, repeat: int) -> list[str]:
    """The large corpus's site: cold cache, warm cache, and the same pages pre-written."""
    project = project_copy(work / "big-site", corpus, downloads=False)
    plain = prerendered_project(work / "big-site-plain", project)
    cold, warm, prerendered, memory = [], [], [], {"cold": 0, "warm": 0}
    for _ in range(repeat):
        shutil.rmtree(project / ".cache", ignore_errors=True)
        for label, samples in (("cold", cold), ("warm", warm)):
            elapsed, peak = timed([str(BIN / "mkdocs"), "build", "-q"], cwd=project)
            samples.append(elapsed)
            memory[label] = max(memory[label], peak)
        prerendered.append(timed([str(BIN / "mkdocs"), "build", "-q"], cwd=plain)[0])
    report("site_big_cold", cold)
    report("site_big_warm", warm)
    report("site_big_prerendered", prerendered)
    ratio = statistics.median(warm) / statistics.median(prerendered)
    return [
        f"seconds site_big_cold {statistics.median(cold):.1f}",
        f"mib site_big_cold_peak {memory['cold']}",
        f"seconds site_big_warm {statistics.median(warm):.1f}",
        f"mib site_big_warm_peak {memory['warm']}",
        f"ratio site_plugin_vs_prerendered_big {ratio:.2f}",
    ]


DOWNLOADS = """
import sys
from pathlib import Path
from validator.engine import run
from validator.exports import write_downloads
result = run(Path(sys.argv[1]))
assert result.handbook is not None
write_downloads(result.handbook, Path(sys.argv[2]), sys.stdout, cache=Path(sys.argv[3]))
"""


def downloads(work: Path, corpus: Path, repeat: int) -> list[str]:
    """Every download of the large corpus, cold, then after a one-line edit to one role."""
    root = work / "downloads"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for folder in ("policies", "schemas"):
        shutil.copytree(corpus / folder, root / folder)
    cache = root / ".cache"
    cold, one_role = [], []
    for number in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        out = root / f"out-{number}"
        command = [sys.executable, "-c", DOWNLOADS, str(root), str(out), str(cache)]
        cold.append(timed(command, cwd=REPO)[0])
        edit_one_role(root, f"下{number}")
        shutil.rmtree(out)
        one_role.append(timed(command, cwd=REPO)[0])
        shutil.rmtree(out)
    report("downloads_big_cold", cold)
    report("downloads_big_one_role", one_role)
    return [
        f"seconds downloads_big_cold {statistics.median(cold):.1f}",
        f"seconds downloads_big_one_role {statistics.median(one_role):.1f}",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
