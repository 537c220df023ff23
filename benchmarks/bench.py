"""`make bench`: how the validator and the site build scale, against their natural baselines.

Every measurement is a whole process (interpreter start included), run side by side with its
baseline, alternating, several times; the script prints medians and min–max, then one line per
ratio in the form ``ratio NAME VALUE``:

* ``check_vs_csafeload_big``: ``handbook check`` on the large synthetic corpus ÷ plain
  ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the same files (the floor: parsing);
* ``check_vs_checkjsonschema_big``: ``handbook check`` ÷ check-jsonschema validating the same
  files against the same schemas (schema only), the tool a user would reach for instead;
* ``site_plugin_overhead``: ``mkdocs build`` of the shipped handbook ÷ building the same pages
  already written out as Markdown, without the plugin.

It also prints the whole-process time of ``handbook check`` on the shipped handbook and the peak
memory of the check on the large corpus, and with ``--big-site`` the large corpus's site build.
"""

from __future__ import annotations

import argparse
import os
import shutil
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


def prerendered_project(destination: Path) -> Path:
    """The shipped handbook's pages written out as Markdown, built without the plugin."""
    sys.path.insert(0, str(REPO))
    from validator.engine import run
    from validator.render import render

    result = run(REPO)
    assert result.handbook is not None
    site = render(result.handbook)
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duties", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument(
        "--big-site", action="store_true", help="also build the large corpus's site"
    )
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
    with tempfile.TemporaryDirectory() as scratch:
        prerendered = prerendered_project(Path(scratch) / "plain")
        for _ in range(args.repeat):
            elapsed, memory = timed([handbook, "check", "--root", str(corpus)])
            samples["check_big"].append(elapsed)
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
    if args.big_site:
        project = args.work / "big-site"
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir()
        for folder in ("policies", "schemas"):
            shutil.copytree(corpus / folder, project / folder)
        shutil.copytree(REPO / "docs", project / "docs")
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        elapsed, memory = timed([str(BIN / "mkdocs"), "build", "-q"], cwd=project)
        pages = sum(1 for _ in (project / "site").rglob("index.html"))
        print(f"{'site_build_big':38} {elapsed:.1f} s, {memory} MiB, {pages} pages")
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"ratio check_vs_csafeload_big {median['check_big'] / median['csafeload_big']:.2f}")
    peer = median["check_big"] / median["checkjsonschema_big"]
    print(f"ratio check_vs_checkjsonschema_big {peer:.2f}")
    print(f"ratio site_plugin_overhead {median['site_plugin'] / median['site_prerendered']:.2f}")
    print(f"shipped_check_seconds {median['check_shipped']:.3f}")
    print(f"peak_memory_big_mib {peak}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
