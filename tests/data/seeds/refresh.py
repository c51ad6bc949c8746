"""Rewrite the seed passages kept here from the full source documents.

The source documents live outside the repository (shared/seeds). The tests check every
citation of the built-in bank against the passages kept in this folder: for each source
file, only its lines that hold a cited section heading or quote, plus the lines the tests
read whole (the CISN list of 12 questions, the symptom list, the phone numbers). Gaps
between kept lines are marked "[...]", so no quote can match across them.

Run after changing a citation:  python tests/data/seeds/refresh.py /path/to/shared/seeds
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from visitprep.bank import citations, load_bank

HERE = Path(__file__).parent
GAP = "[...]"
# Lines the tests read whole, by source file: (first line's text, last line's text).
WHOLE = {
    "001_b2190112f8bf0724.txt": [("Questions about Treatment Choices for a Recurrence",
                                  "Cancer as a Chronic Illness")],
    "002_232169e8006b1272.txt": [("There are a few symptoms that could mean serious problems.",
                                  "- Any other unusual symptoms")],
    "004_7cb2ee495880c826.txt": [("Where can I get more information?", "Website: www.cancer.net")],
}


def _spans(lines: list[str], needle: str, after: int = 0) -> tuple[int, int] | None:
    """The first run of lines, starting at or after line `after`, whose text holds needle."""
    wanted = " ".join(needle.split())
    for first in range(after, len(lines)):
        text = ""
        for last in range(first, len(lines)):
            text = " ".join((text + " " + lines[last]).split())
            if wanted in text:
                while first < last and wanted in " ".join(" ".join(lines[first + 1:last + 1])
                                                          .split()):
                    first += 1
                return first, last
            if len(text) > len(wanted) + len(lines[first]) + 200:
                break
    return None


def passages(seed: Path, needles: list[tuple[str, str]]) -> list[str]:
    """The kept lines of one source: (section, quote) pairs and the whole runs it needs."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    keep: set[int] = set()
    for section, quote in needles:
        heading = " ".join(section.split())
        found = next(((n, n) for n, line in enumerate(lines)
                      if " ".join(line.split()).startswith(heading)), None)
        if found is None:
            raise SystemExit(f"{seed.name}: no line starts with the section {section!r}")
        keep.update(range(found[0], found[1] + 1))
        if quote:
            said = _spans(lines, quote, found[0])
            if said is None:
                raise SystemExit(f"{seed.name}: quote not found after {section!r}: {quote!r}")
            keep.update(range(said[0], said[1] + 1))
    for start, end in WHOLE.get(seed.name, []):
        first, last = _spans(lines, start), _spans(lines, end)
        assert first is not None and last is not None, (seed.name, start, end)
        keep.update(range(first[0], last[1] + 1))
    out: list[str] = []
    previous = -2
    for number in sorted(keep):
        if number != previous + 1:
            out.append(GAP)
        out.append(lines[number])
        previous = number
    return out


def main(seeds: Path) -> None:
    bank = load_bank()
    by_file: dict[str, list[tuple[str, str]]] = {s.file: [] for s in bank.sources}
    for _, ref in citations(bank):
        by_file[ref.file].append((ref.section, ref.quote))
    for name, needles in by_file.items():
        seed = seeds / name
        digest = hashlib.sha256(seed.read_bytes()).hexdigest()
        header = [f"# Passages of {name} (sha256 {digest}), kept for the citation tests.",
                  "# Written by refresh.py: do not edit by hand."]
        (HERE / name).write_text("\n".join(header + passages(seed, needles)) + "\n",
                                 encoding="utf-8")
        print(f"{name}: {len(needles)} citations")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else
         Path(__file__).resolve().parents[4] / "shared" / "seeds")
