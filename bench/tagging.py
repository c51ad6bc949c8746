"""What tagging the PDF costs: the same handouts made by the code before it and by this
checkout, in one run, turn about (issue 20: at most 25% more time).

Takes the code of an earlier commit (`--before`, default the newest commit in this
checkout's history without the tagged PDF: the code of main that tagging was added to)
out of git into a temporary folder. Then, for printed and for fillable handouts, one
long-lived process a side makes the same `--handouts` handouts (the profiles of
bench/batch.py's clinic lists) again and again, the two sides taking turns, pass after
pass (`--passes`), so that both meet the same load on a shared machine; each side's
quickest pass counts. Last, `visitprep batch` on a clinic list of `--rows` rows with
--jobs 1, `--repeat` times a side, turn about, the best counting. Times are CPU time
(the processes' user and system time), which a busy machine disturbs much less than
the time on the clock.

    python bench/tagging.py [--before REV] [--handouts 40] [--passes 15] [--rows 1000]
                            [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from batch import make_csv
from common import machine

REPO = Path(__file__).resolve().parents[1]
TAGS = "src/visitprep/render/tags.py"  # the tagged PDF's module (issue 20)


def untagged() -> str:
    """The newest commit in HEAD's history whose code writes no tagged PDF."""
    commits = subprocess.run(["git", "-C", str(REPO), "rev-list", "--date-order", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.split()
    for commit in commits:
        if subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{commit}:{TAGS}"],
                          capture_output=True, check=False).returncode:
            return commit
    raise SystemExit("no commit without the tagged PDF in this history: give --before")

# One side's handouts, made again each time the parent writes a line: the two sides take
# turns in short passes in long-lived processes, so both meet the same load on a shared
# machine, and the quickest pass of each counts.
_WORKER = """
import random, sys, time
from visitprep.bank import load_bank
from visitprep.handout import make_handout
from visitprep.models import Profile
sys.path.insert(0, sys.argv[3])
from batch import CONCERNS, FIRST, LAST, RECURRENCES
count, fillable = int(sys.argv[1]), sys.argv[2] == "fillable"
bank = load_bank()
rng = random.Random(count)
profiles = [Profile(recurrence=rng.choice(RECURRENCES),
                    concerns=tuple(rng.sample(CONCERNS, rng.randint(1, 3))),
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", doctor="Dr. Okafor",
                    fillable=fillable) for _ in range(count)]
for profile in profiles:  # fonts, caches: what a batch pays once
    make_handout(profile, bank)
print("ready", flush=True)
for _ in sys.stdin:
    start = time.process_time()
    for profile in profiles:
        make_handout(profile, bank)
    print((time.process_time() - start) / count * 1000, flush=True)
"""


class Worker:
    """A process making one side's handouts of one kind, a pass each time it is asked."""

    def __init__(self, src: Path, count: int, kind: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(count), kind, str(Path(__file__).parent)],
            env={**os.environ, "PYTHONPATH": str(src)}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker for {src} did not start")

    def run(self) -> float:
        """The CPU time of one pass, in ms a handout."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def checkout(rev: str, folder: Path) -> Path:
    """The package, bank and templates of rev, in folder; returns its src folder."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev, "src",
                              "questions", "templates"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


_CPU = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime)
"""


def batch_rate(src: Path, source: Path, folder: Path) -> float:
    """Handouts a CPU second, all processes of the batch together."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", _CPU, sys.executable, "-m", "visitprep",
                          "batch", str(source), "-o", str(folder), "--jobs", "1", "--force"],
                         env=env, capture_output=True, text=True, check=True).stdout
    for pdf in folder.glob("*.pdf"):
        pdf.unlink()
    rows = sum(1 for _ in source.open(encoding="utf-8")) - 1
    return rows / float(out.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the commit before (default: the newest commit in "
                        "this history without the tagged PDF)")
    parser.add_argument("--handouts", type=int, default=40,
                        help="handouts a pass makes (default 40)")
    parser.add_argument("--passes", type=int, default=15,
                        help="passes a side and kind, turn about; the quickest counts")
    parser.add_argument("--rows", type=int, default=1000, help="rows of the clinic list")
    parser.add_argument("--repeat", type=int, default=3,
                        help="batch runs a side, turn about; the best counts")
    args = parser.parse_args()
    before_rev = args.before or untagged()
    print(f"machine: {machine()}; before: {before_rev[:10]}; {args.passes} passes of "
          f"{args.handouts} handouts and {args.repeat} batches a side, turn about; "
          f"load average at the start {os.getloadavg()[0]:.2f}")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sides = {"before": checkout(before_rev, work / "before"), "after": REPO / "src"}
        source = work / "list.csv"
        make_csv(source, args.rows)
        measures: dict[str, list[float]] = {}
        for kind in ("printed", "fillable"):
            workers = {side: Worker(src, args.handouts, kind) for side, src in sides.items()}
            for turn in range(args.passes):
                for side in sorted(workers, reverse=turn % 2 == 1):
                    measures.setdefault(f"{kind} ms, {side}", []).append(workers[side].run())
            for worker in workers.values():
                worker.close()
        for turn in range(args.repeat):
            for side in sorted(sides, reverse=turn % 2 == 1):
                measures.setdefault(f"batch/s, {side}", []).append(
                    batch_rate(sides[side], source, work / f"out-{side}"))
        for name, values in measures.items():
            results[name] = max(values) if name.startswith("batch") else min(values)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    ok = True
    for kind in ("printed", "fillable"):
        before, after = results[f"{kind} ms, before"], results[f"{kind} ms, after"]
        cost = after / before - 1
        ok = ok and cost <= 0.25
        print(f"one {kind} handout: {before:.2f} ms of CPU before, {after:.2f} ms tagged "
              f"({cost * 100:+.0f}%, {'within' if cost <= 0.25 else 'OVER'} the 25%)")
    before, after = results["batch/s, before"], results["batch/s, after"]
    cost = before / after - 1
    ok = ok and cost <= 0.25
    print(f"batch of {args.rows} rows, --jobs 1: {before:.0f} handouts a CPU second before, "
          f"{after:.0f} tagged ({cost * 100:+.0f}% time, "
          f"{'within' if cost <= 0.25 else 'OVER'} the 25%)")
    print(json.dumps({k: round(v, 2) for k, v in results.items()}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
