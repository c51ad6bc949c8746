"""How fast `visitprep serve` answers: the first page after start, and a handout.

Targets (issue 13): the first page within 1 s of starting the server; a handout served
within 150 ms at the 95th percentile on a warm server (this machine's 2 cores). Run from
the repository with the package installed (pip install -e ".[test]"):

    python bench/serve.py [--starts 5] [--handouts 200]

"First page" is the time from starting `visitprep serve --no-browser` until GET / has
returned the whole page. "A handout" is one person's whole request: posting the form
(recurrence, 3 concerns, name, date, an own question), following the redirect to the
result page, and downloading the PDF, after 20 warm-up handouts.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import time
import urllib.parse

from common import machine, start_server

FIRST_PAGE_TARGET = 1.0
HANDOUT_TARGET = 0.150


def start() -> tuple[subprocess.Popen[str], str, float]:
    began = time.perf_counter()
    process, host = start_server()
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/")
    body = connection.getresponse().read()
    elapsed = time.perf_counter() - began
    assert b"Make your visit checklist" in body
    connection.close()
    return process, host, elapsed


def one_handout(connection: http.client.HTTPConnection, token: str, number: int) -> float:
    form = urllib.parse.urlencode([
        ("token", token), ("action", "make"), ("recurrence", "distant"),
        ("concerns", "costs"), ("concerns", "clinical-trials"), ("concerns", "side-effects"),
        ("name", f"Person {number}"), ("visit_date", "Dec 3"),
        ("own", "Can I keep working during treatment?"), ("template", "standard"),
        ("paper", "letter"),
    ])
    began = time.perf_counter()
    connection.request("POST", "/", form,
                       {"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    location = response.getheader("Location")
    assert response.status == 303 and location, response.status
    connection.request("GET", location)
    page = connection.getresponse().read().decode()
    pdf_link = re.search(r'id="download-pdf" href="([^"]+)"', page)
    assert pdf_link
    connection.request("GET", pdf_link.group(1))
    pdf = connection.getresponse().read()
    elapsed = time.perf_counter() - began
    assert pdf.startswith(b"%PDF")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--handouts", type=int, default=200)
    args = parser.parse_args()
    print(machine())

    firsts = []
    for _ in range(args.starts):
        process, _, elapsed = start()
        firsts.append(elapsed)
        process.terminate()
        process.wait()
    print(f"first page after start: median {statistics.median(firsts):.2f} s, slowest "
          f"{max(firsts):.2f} s (target {FIRST_PAGE_TARGET:g} s; {args.starts} starts)")

    process, host, _ = start()
    try:
        connection = http.client.HTTPConnection(host, timeout=10)
        connection.request("GET", "/")
        token = re.search(r'name="token" value="([^"]+)"',
                          connection.getresponse().read().decode())
        assert token
        for number in range(20):
            one_handout(connection, token.group(1), number)
        times = sorted(one_handout(connection, token.group(1), number)
                       for number in range(args.handouts))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"a handout served (post, result page, PDF): median "
              f"{statistics.median(times) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms, "
              f"slowest {times[-1] * 1000:.0f} ms (target {HANDOUT_TARGET * 1000:.0f} ms at "
              f"the 95th percentile; {args.handouts} handouts)")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
