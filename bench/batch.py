"""Batch throughput and memory, against a plain reportlab floor.

Makes clinic CSVs of 1,000 and 10,000 rows, runs `visitprep batch` on each at
--jobs 1 and --jobs 2, and reports handouts per second and the peak memory of the
largest process. In the same run it measures a floor: one plain platypus document
holding as many questions, as plain paragraphs, as the handouts do, in one process.

Targets (issue 4): with --jobs 2, at least as many handouts per second as the floor;
a 10,000-row file uses at most 20% more memory than a 1,000-row one.

    python bench/batch.py [--sizes 1000 10000] [--repeat 3] [--length short|full]
    python bench/batch.py --merge [--sizes 1000 4000 10000]

Without --length the rows leave it out: the default (short) list since issue 11.

With --merge (issue 21) it measures a whole `batch --merge` run instead, at --jobs 2: its
time, the peak memory of the whole run (every process of it, sampled from /proc, summed),
and the merged file's size; then, on the same handouts, the merge as it was before
(pypdf's PdfWriter holding every page; and the same with compress_identical_objects) in
its own process, for its peak memory and its file's size. Targets: a merged file of 1,000
short handouts at most 12 MB; the whole run at 10,000 rows at most 200 MB, and flat.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine

CONCERNS = ("costs", "side-effects", "clinical-trials", "second-opinion", "symptoms",
            "coping", "follow-up", "deciding")
RECURRENCES = ("local", "regional", "distant", "unsure")
FIRST = ("Maria", "Ann", "José", "Dmitri", "Zoë", "Li", "Amara", "Jürgen", "Fatima", "Bo")
LAST = ("López", "Lee", "Okafor", "Nguyễn", "Schmidt", "Kowalska", "Papadopoulos", "Smith")


def make_csv(path: Path, rows: int, length: str = "") -> None:
    """A clinic list; with length, every row asks for that length (a `length` column)."""
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "recurrence", "concerns", "visit_date", "doctor"]
                        + (["length"] if length else []))
        for _ in range(rows):
            writer.writerow([f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(RECURRENCES),
                             ";".join(rng.sample(CONCERNS, rng.randint(1, 3))), "2026-12-03",
                             "Dr. Okafor"] + ([length] if length else []))


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)
"""


def run_batch(source: Path, jobs: int, folder: Path) -> tuple[float, float]:
    """Seconds and the peak RSS (MiB) of the largest process of one batch run."""
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "visitprep", "batch",
               str(source), "-o", str(folder), "--jobs", str(jobs)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"batch failed with exit code {out[2]}")
    return float(out[0]), int(out[1]) / 1024


def floor_seconds(source: Path, *, handout_font: bool) -> float:
    """One process, one platypus document, the same questions as plain paragraphs.

    With handout_font, the paragraphs use the standard handout's body font and size
    (DejaVu Sans 12 pt, embedded); otherwise reportlab's default (Helvetica 10 pt).
    """
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from visitprep.bank import load_bank
    from visitprep.batch import read_rows
    from visitprep.layout import load_layout
    from visitprep.profile import profile_from_mapping
    from visitprep.render.pdf import FONT, _fonts
    from visitprep.selection import select_questions

    bank = load_bank()
    texts: list[str] = []
    for row in read_rows(source):
        selection = select_questions(bank, profile_from_mapping(row.values, bank, "bench"))
        texts += [item.text for section in selection.sections for item in section.items]
    style = getSampleStyleSheet()["BodyText"]
    if handout_font:
        _fonts()
        size = load_layout("standard").body_size
        style = ParagraphStyle("floor", fontName=FONT, fontSize=size, leading=size * 1.35)
    start = time.perf_counter()
    story = [Paragraph(text, style) for text in texts]
    with tempfile.TemporaryFile() as handle:
        SimpleDocTemplate(handle).build(story)
    return time.perf_counter() - start


def tree_rss(root: int) -> int:
    """The resident memory (bytes) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            sizes[int(entry)] = int(fields[21]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += sizes.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def run_sampled(command: list[str]) -> tuple[float, float, int]:
    """Seconds, the peak memory (MiB) of the whole process tree, and the exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.05)
    return time.perf_counter() - start, peak / 2**20, process.returncode


_OLD_MERGE = """
import resource, sys
from pathlib import Path
from pypdf import PdfReader, PdfWriter
writer = PdfWriter()
for file in sorted(Path(sys.argv[1]).glob("*.pdf")):
    pages = list(PdfReader(file).pages)
    for page in pages:
        writer.add_page(page)
    if len(pages) % 2:
        writer.add_blank_page()
if sys.argv[3] == "compress":
    writer.compress_identical_objects()
with open(sys.argv[2], "wb") as handle:
    writer.write(handle)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def old_merge(folder: Path, target: Path, compress: bool) -> tuple[float, float, int]:
    """The merge before issue 21 (pypdf's PdfWriter), on the same handouts: seconds,
    peak MiB, file size."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _OLD_MERGE, str(folder), str(target),
                          "compress" if compress else "plain"],
                         capture_output=True, text=True, check=True).stdout.split()
    seconds = time.perf_counter() - start
    size = target.stat().st_size
    target.unlink()
    return seconds, int(out[0]) / 1024, size


def bench_merge(sizes: list[int], old_up_to: int) -> int:
    """A whole `batch --merge` run at each size, and the old merge beside it."""
    print(f"machine: {machine()}; one run each, --jobs 2")
    peaks: dict[int, float] = {}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            source = work / f"list-{size}.csv"
            make_csv(source, size)
            folder = work / f"out-{size}"
            merged = work / f"all-{size}.pdf"
            seconds, peak, code = run_sampled(
                [sys.executable, "-m", "visitprep", "batch", str(source), "-o", str(folder),
                 "--jobs", "2", "--merge", str(merged)])
            if code != 0:
                raise SystemExit(f"batch --merge failed with exit code {code}")
            megabytes = merged.stat().st_size / 1e6
            peaks[size] = peak
            print(f"{size:>6} rows, batch --merge: {seconds:6.1f} s, whole run peak "
                  f"{peak:5.0f} MiB, merged file {megabytes:6.1f} MB "
                  f"({merged.stat().st_size / size / 1e3:.1f} kB a handout)")
            if size == 1000:
                ok = ok and megabytes <= 12
            if size >= 10000:
                ok = ok and peak <= 200
            if size <= old_up_to:
                for compress in (False, True):
                    s, old_peak, old_size = old_merge(folder, work / "old.pdf", compress)
                    how = "with compress_identical_objects" if compress else "PdfWriter"
                    print(f"{'':>6}   before (pypdf {how}), the merge alone: {s:6.1f} s, "
                          f"peak {old_peak:5.0f} MiB, file {old_size / 1e6:6.1f} MB")
            for pdf in folder.glob("*.pdf"):
                pdf.unlink()
            merged.unlink()
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"whole-run peak, {high} rows vs {low}: {peaks[high] / peaks[low] - 1:+.0%}")
    unmeasured = (["12 MB at 1,000"] if 1000 not in sizes else []) + (
        ["200 MB at 10,000"] if max(sizes) < 10000 else [])
    print(f"targets (12 MB at 1,000; 200 MB at 10,000): {'met' if ok else 'NOT MET'}"
          + (f"; not measured in this run: {', '.join(unmeasured)}" if unmeasured else ""))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--floor-rows", type=int, default=1000,
                        help="rows for the reportlab floor (default 1000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measure; the best counts, for the floor as for "
                        "visitprep, so a noisy neighbour on the machine skews neither "
                        "(default 3)")
    parser.add_argument("--length", choices=("short", "full"), default="",
                        help="a length column for every row (default: none, the short list)")
    parser.add_argument("--merge", action="store_true",
                        help="measure whole `batch --merge` runs instead (issue 21)")
    parser.add_argument("--old-up-to", type=int, default=1000,
                        help="with --merge: run the old merge too, up to this many rows "
                        "(default 1000; it holds every page)")
    args = parser.parse_args()
    if args.merge:
        return bench_merge(args.sizes, args.old_up_to)
    print(f"machine: {machine()}; best of {args.repeat} runs each"
          + (f"; --length {args.length}" if args.length else ""))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floor_csv = work / "floor.csv"
        make_csv(floor_csv, args.floor_rows, args.length)
        floor = args.floor_rows / min(floor_seconds(floor_csv, handout_font=True)
                                      for _ in range(args.repeat))
        plain = args.floor_rows / min(floor_seconds(floor_csv, handout_font=False)
                                      for _ in range(args.repeat))
        print(f"reportlab floor, 1 process, the same questions as plain paragraphs: "
              f"{floor:.1f} handouts/s in the handouts' font (DejaVu Sans 12 pt); "
              f"{plain:.1f} in reportlab's default Helvetica 10 pt")
        results["floor"] = floor
        results["floor, Helvetica"] = plain
        peaks: dict[int, float] = {}
        for size in args.sizes:
            source = work / f"list-{size}.csv"
            make_csv(source, size, args.length)
            for jobs in (1, 2):
                folder = work / f"out-{size}-{jobs}"
                runs = []
                for _ in range(args.repeat):
                    runs.append(run_batch(source, jobs, folder))
                    for pdf in folder.glob("*.pdf"):
                        pdf.unlink()
                seconds = min(run[0] for run in runs)
                peak = max(run[1] for run in runs)
                rate = size / seconds
                results[f"{size} rows, --jobs {jobs}"] = rate
                peaks[size] = max(peaks.get(size, 0.0), peak)
                print(f"{size:>6} rows, --jobs {jobs}: {rate:6.1f} handouts/s "
                      f"({seconds:.1f} s), peak memory {peak:.0f} MiB")
        ok = all(rate >= floor for name, rate in results.items() if "--jobs 2" in name)
        print(f"--jobs 2 at least the floor: {'yes' if ok else 'NO'}")
        if len(peaks) > 1:
            low, high = min(peaks), max(peaks)
            growth = peaks[high] / peaks[low] - 1
            print(f"memory, {high} rows vs {low}: {growth * 100:+.0f}% "
                  f"({'within' if growth <= 0.2 else 'OVER'} the 20% limit)")
            ok = ok and growth <= 0.2
    print(json.dumps({k: round(v, 1) for k, v in results.items()}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
