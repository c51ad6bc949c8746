"""`visitprep serve` under real use: memory over many clinic lists, a patient's wait while
one prints, and many browsers at once (issue 22). Before and after in one run.

    python bench/serve_load.py [--before DIR] [--lists 10] [--rows 1000] [--clients 16]

`--before DIR` names a checkout of the code to compare with (for example
`git worktree add /tmp/before <commit>`); its `src` is put first on the path of a second
server, measured the same way in the same run. Each server is measured on its own, one
after the other, on the same machine.

Measures, with their targets:
- resident memory of the server at start, after each clinic list of `--rows` rows, and
  (for a server that lets results expire) once the last result has expired: at most 200 MB
  after ten lists of 1,000 rows, back within 50 MB of the start;
- while a clinic list prints: GET / at the 99th percentile under 100 ms, and a handout
  (post, result page, PDF) at the 95th percentile under 150 ms;
- `--clients` browsers at once making `--handouts` handouts in all: 0 errors.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import machine, start_server

KEEP_MINUTES = 0.25  # the new server lets results go after 15 s in this bench


def start(source: Path | None, keep: bool) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    # quiet: waitress's "Task queue depth" warnings (the code before this issue prints one
    # for every request that waits) would bury the figures.
    process, host = start_server(*(["--keep-minutes", str(KEEP_MINUTES)] if keep else []),
                                 env=env, quiet=True)
    return process, f"http://{host}/"


class Browser:
    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = re.search(r'name="token" value="([^"]+)"', self.get("").decode())
        assert token
        self.token = token.group(1)

    def get(self, path: str) -> bytes:
        with self.opener.open(self.url + path.lstrip("/"), timeout=600) as response:
            return bytes(response.read())

    def post(self, path: str, data: bytes, content_type: str) -> bytes:
        request = urllib.request.Request(self.url + path.lstrip("/"), data=data,
                                         headers={"Content-Type": content_type})
        with self.opener.open(request, timeout=600) as response:
            return bytes(response.read())

    def handout(self, number: int) -> None:
        form = urllib.parse.urlencode([
            ("token", self.token), ("action", "make"), ("recurrence", "distant"),
            ("concerns", "costs"), ("concerns", "clinical-trials"),
            ("concerns", "side-effects"), ("name", f"Person {number}"),
            ("visit_date", "Dec 3"), ("own", "Can I keep working during treatment?"),
        ]).encode()
        page = self.post("/", form, "application/x-www-form-urlencoded").decode()
        pdf = re.search(r'href="(/result/[^"?]+\.pdf)', page)
        if not pdf:
            raise AssertionError("no PDF link on the result page")
        if not self.get(pdf.group(1)).startswith(b"%PDF"):
            raise AssertionError("not a PDF")

    def clinic_list(self, rows: int) -> None:
        kinds = ("local", "regional", "distant", "unsure")
        body = "name,recurrence,concerns\n" + "".join(
            f"Person {i},{kinds[i % 4]},costs;side-effects\n" for i in range(rows))
        boundary = "benchboundary"
        data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n"
                f"{self.token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"csv\"; filename=\"day.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                ).encode() + body.encode() + f"\r\n--{boundary}--\r\n".encode()
        page = self.post("/clinic-list", data, f"multipart/form-data; boundary={boundary}")
        if f"Printed {rows} of {rows} rows".encode() not in page:
            raise AssertionError("the clinic list did not print every row")


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def measure(name: str, source: Path | None, args: argparse.Namespace) -> None:
    keep = source is None
    print(f"\n== {name} ==")
    process, url = start(source, keep)
    try:
        browser = Browser(url)
        # Memory over clinic lists.
        start_mb = resident_mb(process.pid)
        figures = []
        for _ in range(args.lists):
            began = time.perf_counter()
            browser.clinic_list(args.rows)
            figures.append((resident_mb(process.pid), time.perf_counter() - began))
        print(f"resident memory: {start_mb:.0f} MB at start; after each of {args.lists} "
              f"lists of {args.rows} rows: " + ", ".join(f"{m:.0f}" for m, _ in figures)
              + f" MB (each list {statistics.median(t for _, t in figures):.1f} s median)")
        if keep:
            time.sleep(KEEP_MINUTES * 60 + 2 * 3)
            # The server drops expired results at least every half of their time.
            print(f"once the last result expired ({KEEP_MINUTES * 60:.0f} s): "
                  f"{resident_mb(process.pid):.0f} MB (start {start_mb:.0f} MB)")
        # A patient's wait while a clinic list prints.
        for number in range(20):
            browser.handout(number)
        printing = threading.Thread(target=Browser(url).clinic_list, args=(args.rows,))
        printing.start()
        gets: list[float] = []
        posts: list[float] = []
        patient = Browser(url)
        number = 0
        while printing.is_alive():
            began = time.perf_counter()
            patient.get("")
            gets.append(time.perf_counter() - began)
            began = time.perf_counter()
            patient.handout(number)
            posts.append(time.perf_counter() - began)
            number += 1
        printing.join()
        print(f"while a {args.rows}-row list printed: GET / 99th percentile "
              f"{percentile(gets, 0.99) * 1000:.0f} ms (median "
              f"{statistics.median(gets) * 1000:.0f} ms, {len(gets)} requests); a handout "
              f"95th percentile {percentile(posts, 0.95) * 1000:.0f} ms (median "
              f"{statistics.median(posts) * 1000:.0f} ms)")
        # Many browsers at once.
        errors: list[str] = []
        each = args.handouts // args.clients

        def one(client: int) -> None:
            try:
                mine = Browser(url)
            except Exception as exc:  # noqa: BLE001
                errors.extend([repr(exc)] * each)
                return
            for turn in range(each):
                try:
                    mine.handout(client * 1000 + turn)
                except Exception as exc:  # noqa: BLE001 - counted
                    errors.append(repr(exc))

        began = time.perf_counter()
        threads = [threading.Thread(target=one, args=(c,)) for c in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        total = each * args.clients
        print(f"{args.clients} browsers making {total} handouts at once: {len(errors)} errors"
              f" ({len(errors) / total:.0%}), {total / elapsed:.0f} handouts a second"
              + (f"; first error: {errors[0][:120]}" if errors else ""))
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--lists", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--handouts", type=int, default=400)
    args = parser.parse_args()
    print(machine())
    if args.before is not None:
        measure(f"before: {args.before}", args.before, args)
    measure("this code", None, args)


if __name__ == "__main__":
    main()
