"""What the benchmarks share: a description of the machine they ran on."""

from __future__ import annotations

import os
import platform


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
