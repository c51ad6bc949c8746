"""What the benchmarks share: a description of the machine they ran on."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys


def machine() -> str:
    """Cores, CPU model, system and Python version, for quoting figures."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(line.split(":", 1)[1].strip() for line in info
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def start_server(*options: str, env: dict[str, str] | None = None,
                 quiet: bool = False) -> tuple[subprocess.Popen[str], str]:
    """Start `visitprep serve --no-browser --port 0` with more options; return the process
    and its host:port, once it has printed its address. `quiet` drops its stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "visitprep", "serve", "--no-browser", "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None, text=True,
        env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://(127\.0\.0\.1:\d+)/", line)
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, match.group(1)
