"""How fast visitprep starts: `visitprep --help`, and the interview's first prompt.

Target (issue 3): both under 0.3 s on a 2-core machine. Run from the repository
with the package installed (pip install -e ".[test]"):

    python bench/startup.py [--runs 15]

It prints the median and the slowest run of each, and the machine it ran on.
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
FIRST_PROMPT = "Where has the cancer come back?"


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
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
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
