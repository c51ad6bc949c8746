"""How much a fillable handout costs against a plain one (issue 22: at most twice).

    python bench/fillable.py [--before DIR] [--runs 60]

Times, in one process per code version, the same handouts plain and fillable,
interleaved (plain, fillable, plain, ...) so that a busy machine slows both alike: the
short list (distant, no concerns) and every concern, standard template, Letter. The
figure is CPU time per handout (time.process_time, median of the runs), which other work
on the machine disturbs less than wall time. `--before DIR` names a checkout of the code
to compare with (for example `git worktree add /tmp/before <commit>`): it is measured in
the same run, the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from common import machine

MEASURE = r"""
import json, statistics, sys, time
from visitprep.bank import load_bank
from visitprep.handout import make_handout
from visitprep.layout import load_layout
from visitprep.profile import profile_from_mapping

runs = int(sys.argv[1])
bank = load_bank()
layout = load_layout("standard")
every = [t.id for t in bank.topics if not t.always]
out = {}
for label, concerns in (("short list", []), ("every concern", every)):
    times = {False: [], True: []}
    profiles = {fill: profile_from_mapping(
        {"recurrence": "distant", "concerns": concerns, "fillable": fill, "name": "Ann Lee"},
        bank, "bench") for fill in (False, True)}
    for fill in (False, True):  # warm up: fonts, caches
        for _ in range(3):
            make_handout(profiles[fill], bank, layout=layout)
    for _ in range(runs):
        for fill in (False, True):
            began = time.process_time()
            make_handout(profiles[fill], bank, layout=layout)
            times[fill].append(time.process_time() - began)
    out[label] = [statistics.median(times[False]), statistics.median(times[True])]
print(json.dumps(out))
"""


def measure(source: Path | None, runs: int) -> dict[str, list[float]]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    result = subprocess.run([sys.executable, "-c", MEASURE, str(runs)], env=env,
                            capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    print(machine())
    versions = [("before", args.before)] if args.before else []
    versions.append(("this code", None))
    for name, source in versions:
        for label, (plain, fillable) in measure(source, args.runs).items():
            print(f"{name:>9}, {label}: plain {plain * 1000:.1f} ms, fillable "
                  f"{fillable * 1000:.1f} ms ({fillable / plain:.1f} times; target at most "
                  f"2 times)")


if __name__ == "__main__":
    main()
