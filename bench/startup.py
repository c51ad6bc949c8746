"""How fast visitprep starts: `visitprep --help`, the interview's first prompt, and a
one-shot `make`.

Targets: --help and the first prompt under 0.3 s on a 2-core machine (issue 3); a
one-shot `make` of examples/answers.yaml at most 0.15 s where it took 0.25 s (issue 22).
Run from the repository with the package installed (pip install -e ".[test]"):

    python bench/startup.py [--runs 15] [--before DIR]

It prints the median and the slowest run of each, and the machine it ran on. `--before
DIR` names a checkout of the code to compare with (`git worktree add /tmp/before
<commit>`): its `make` runs alternate with this code's in the same run, so a busy machine
slows both alike; CPU time (user + system, of the child) is printed beside wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect
from common import machine

TARGET = 0.3
# The interview's first question: the language screen (issue 19), in either language.
FIRST_PROMPT = "Language / Idioma|Idioma / Language"


def time_help() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "visitprep", "--help"], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_first_prompt(folder: str) -> float:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "visitprep"], cwd=folder, env=env,
                          dimensions=(24, 80), encoding="utf-8", timeout=20)
    child.expect(FIRST_PROMPT)
    elapsed = time.perf_counter() - start
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                       "answers.yaml")


def time_make(folder: str, source: str | None) -> tuple[float, float]:
    """One `visitprep make` of the example answers: (wall, CPU) seconds."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.path.join(source, "src")
    before = os.times()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "visitprep", "make", "--answers", EXAMPLE, "-o",
                    os.path.join(folder, "out.pdf"), "--force"], check=True, env=env,
                   stdout=subprocess.DEVNULL, cwd=folder)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user
                  + after.children_system - before.children_system)


def report_make(runs: int, before: str | None) -> None:
    versions: list[tuple[str, str | None]] = [("this code", None)]
    if before:
        versions.insert(0, ("before", before))
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in versions}
    with tempfile.TemporaryDirectory() as folder:
        for _, source in versions:
            time_make(folder, source)  # compile and cache once
        for _ in range(runs):
            for name, source in versions:
                times[name].append(time_make(folder, source))
    for name, measured in times.items():
        walls, cpus = [w for w, _ in measured], [c for _, c in measured]
        print(f"make ({name}): median {statistics.median(walls):.3f} s wall, "
              f"{statistics.median(cpus):.3f} s CPU; slowest {max(walls):.3f} s ({runs} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", help="a checkout of the code to compare make with")
    options = parser.parse_args()
    runs = options.runs
    time_help()  # warm the file cache once
    helps = [time_help() for _ in range(runs)]
    with tempfile.TemporaryDirectory() as folder:
        prompts = [time_first_prompt(folder) for _ in range(runs)]
    print(f"machine: {machine()}")
    ok = True
    for name, times in (("visitprep --help", helps), ("first prompt", prompts)):
        median = statistics.median(times)
        ok = ok and median < TARGET
        print(f"{name:<17} median {median:.3f} s, slowest {max(times):.3f} s "
              f"({runs} runs; target under {TARGET} s)")
    report_make(runs, options.before)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
