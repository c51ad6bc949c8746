"""The Spanish translation review: English, Spanish and an independent back-translation of
every text of the bank, side by side, with how each difference was settled.

    python docs/translation-review/review.py spanish-only   # what a back-translator gets
    python docs/translation-review/review.py build          # docs/translation-review-es.md
    python docs/translation-review/review.py check          # what is missing or out of date

Files beside this script:
  es-spanish-only.tsv      a hash of each Spanish text, and the text: no English, not even
                           the ids (they are English words)
  es-back-translation.tsv  the hash of the Spanish each line was made from, and its English
                           back-translation, made from es-spanish-only.tsv alone
  es-reconciliation.tsv    id, field, what drifted and what was done (rows where the
                           back-translation's meaning differed from the English)
The review page lists every text; tests/test_translation.py fails when a text has no
back-translation, one made from an older Spanish, or when the page is out of date.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from visitprep.bank import load_bank
from visitprep.models import QuestionBank
from visitprep.translation import (
    describe,
    english_items,
    load_translation,
    translation_path,
)

HERE = Path(__file__).resolve().parent
LANGUAGE = "es"
SPANISH_ONLY = HERE / f"{LANGUAGE}-spanish-only.tsv"
BACK = HERE / f"{LANGUAGE}-back-translation.tsv"
RECONCILED = HERE / f"{LANGUAGE}-reconciliation.tsv"
PAGE = HERE.parent / f"translation-review-{LANGUAGE}.md"
_SKIP = {"words", "aliases"}  # search words, not text a reader reads


def spanish_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def rows(bank: QuestionBank) -> list[tuple[str, str, str, str, str]]:
    """(key, field, English, Spanish, reviewed) for every text line of the bank."""
    translation = load_translation(bank.path, LANGUAGE)
    assert translation is not None, translation_path(bank.path, LANGUAGE)
    out: list[tuple[str, str, str, str, str]] = []
    sources = {s.file: s for s in bank.sources}
    for key, english in english_items(bank).items():
        item = translation.items.get(key)
        values = dict(item.values) if item else {}
        reviewed = (f"{item.reviewed.by}, {item.reviewed.on}" if item and item.reviewed
                    else "not yet")
        if key.startswith("sources:"):
            english = {"citation": sources[key.partition(":")[2]].citation}
        for field, value in english.items():
            if field in _SKIP:
                continue
            spanish = values.get(field, "")
            if isinstance(value, tuple):
                for number, line in enumerate(value, 1):
                    line_es = spanish[number - 1] if isinstance(spanish, tuple) and len(
                        spanish) >= number else ""
                    out.append((key, f"{field}.{number}", line, line_es, reviewed))
            else:
                out.append((key, field, value, spanish if isinstance(spanish, str) else "",
                            reviewed))
    return out


def _read_tsv(path: Path, columns: int) -> dict[tuple[str, ...], list[str]]:
    """A tab-separated file keyed by its first columns (one for 2 columns, two for 3)."""
    table: dict[tuple[str, ...], list[str]] = {}
    keys = 1 if columns == 2 else 2
    if not path.is_file():
        return table
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != columns:
            raise SystemExit(f"{path.name}: a line has {len(parts)} columns, not {columns}: "
                             f"{line!r}")
        table[tuple(parts[:keys])] = parts[keys:]
    return table


def spanish_only(bank: QuestionBank) -> str:
    lines = ["spanish_hash\tspanish"]
    seen: set[str] = set()
    for *_, spanish, _ in rows(bank):
        if spanish and spanish not in seen:
            seen.add(spanish)
            lines.append(f"{spanish_hash(spanish)}\t{spanish}")
    return "\n".join(lines) + "\n"


def problems(bank: QuestionBank) -> list[str]:
    back = _read_tsv(BACK, 2)
    reconciled = _read_tsv(RECONCILED, 3)
    found: list[str] = []
    for key, field, _, spanish, _ in rows(bank):
        if (spanish_hash(spanish),) not in back:
            found.append(f"{key} {field}: no back-translation of its Spanish (new or "
                         f"changed: {spanish_hash(spanish)} in {SPANISH_ONLY.name})")
    known = {(key, field) for key, field, *_ in rows(bank)}
    found += [f"{key} {field}: reconciled, but no such text" for key, field in reconciled
              if (key, field) not in known]
    if SPANISH_ONLY.read_text(encoding="utf-8") != spanish_only(bank):
        found.append(f"{SPANISH_ONLY.name} is out of date: run review.py spanish-only")
    if not PAGE.is_file() or PAGE.read_text(encoding="utf-8") != page(bank):
        found.append(f"{PAGE.name} is out of date: run review.py build")
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def page(bank: QuestionBank) -> str:
    back = _read_tsv(BACK, 2)
    reconciled = _read_tsv(RECONCILED, 3)
    table = rows(bank)
    drifted = sum(1 for key, field, *_ in table if (key, field) in reconciled)
    reviewed = sum(1 for *_, status in table if status != "not yet")
    out = [
        "# Spanish translation review",
        "",
        "Every text of the question bank in English, its Spanish "
        "(`questions/translations/es.yaml`) and a back-translation into English made from "
        "the Spanish alone (`translation-review/es-spanish-only.tsv`, which holds no English), "
        "side by side. Where the back-translation's meaning differed from the English, the "
        "last column says what drifted and what was done (the Spanish was changed, or the "
        "difference was kept on purpose, and why).",
        "",
        "This is the forward translation, back-translation and reconciliation steps of "
        "ISPOR's and WHO's practice for patient materials. The last step, review by a "
        "qualified bilingual clinician, has not been done: every item says \"not yet\" until "
        "a clinic records who reviewed it and when in `es.yaml` (`reviewed: {by: ..., on: "
        "...}`), and until then a Spanish handout says at the end of its last page that the "
        "questions were translated from English sources and not yet reviewed by a health "
        "professional.",
        "",
        "How the back-translation was made, and its limits: see "
        "[translation-review/README.md](translation-review/README.md).",
        "",
        f"{len(table)} texts; {drifted} reconciled after the back-translation; {reviewed} "
        "reviewed by a health professional. Made by `python docs/translation-review/review.py "
        "build`; `tests/test_translation.py` fails when it is out of date.",
        "",
    ]
    section = ""
    for key, field, english, spanish, status in table:
        name = key.partition(":")[0]
        if name != section:
            section = name
            out += ["", f"## {name.replace('_', ' ').capitalize()}", "",
                    "| item | English | Spanish | Back-translation | Reconciliation | "
                    "Reviewed |", "|---|---|---|---|---|---|"]
        made = back.get((spanish_hash(spanish),))
        note = reconciled.get((key, field), ["meaning kept"])[0]
        what = describe(key).replace("'", "`", 2) + ("" if field in ("text",) else f" {field}")
        out.append(f"| {what} | {_cell(english)} | {_cell(spanish)} | "
                   f"{_cell(made[0] if made else '')} | {_cell(note)} | {status} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    bank = load_bank()
    command = argv[0] if argv else "check"
    if command == "spanish-only":
        SPANISH_ONLY.write_text(spanish_only(bank), encoding="utf-8")
        print(f"Wrote {SPANISH_ONLY}")
        return 0
    if command == "build":
        PAGE.write_text(page(bank), encoding="utf-8")
        print(f"Wrote {PAGE}")
        return 0
    found = problems(bank)
    print("\n".join(found) or "The review is complete and up to date.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
