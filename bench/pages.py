"""Page counts of the short handout against the targets of issue 11 (not a timed test).

A fixed set of profiles: every recurrence kind with several sets of up to 3 concerns,
2 own questions and 3 top questions (one of them the person's own), header fields
filled in; and every kind with every concern. Each is printed on every template
(standard on Letter and A4, large print on Letter and A4, navigator with a clinic
block on Letter and A4), short and full, and its pages counted; each page but the
last is checked to be at least 80% full, the way /work/shared/tools/pagefill.py
measures it (text, lines and boxes read back with pdfplumber).

    python bench/pages.py [--fill] [--every-set] [--language en|es|both]

Both languages by default: Spanish runs about a fifth longer than English, and the same
targets hold for it.

--every-set counts instead every set of 1 to 3 concerns (231 of them, each kind, the
short list on Letter), and lists the ones over the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Iterator

from common import machine

from visitprep.bank import load_bank
from visitprep.handout import count_pages, make_handout
from visitprep.layout import load_layout
from visitprep.models import Clinic, Profile, QuestionBank

KINDS = ("local", "regional", "distant", "unsure")
# Sets of up to 3 concerns: the ones people pick most, the longest core lists, and the
# symptom checklist with two more.
CONCERN_SETS = (
    ("side-effects", "costs", "clinical-trials"),
    ("symptoms", "coping", "second-opinion"),
    ("clinical-trials", "second-opinion", "coping"),
    ("deciding", "follow-up", "supportive-care"),
    ("symptoms", "lowering-risk", "chronic-illness"),
    ("costs",),
    (),
)
OWN = ("Can I travel to see my grandson in March?",
       "Can I keep working part time while I am on this treatment?")
OWN_ES = ("¿Puedo viajar en marzo para ver a mi nieto?",
          "¿Puedo seguir trabajando medio tiempo durante este tratamiento?")
CLINIC = Clinic(name="Riverside Cancer Center", phone="(555) 010-0100",
                address=("12 Main Street, Suite 4", "Springfield, IL 62701"),
                website="www.riverside.example")
# (template, papers, pages allowed for up to 3 concerns, pages allowed for every concern)
TARGETS = (("standard", ("letter", "a4"), 4, 8),
           ("large-print", ("letter", "a4"), 8, 16),
           ("navigator", ("letter", "a4"), 4, 8))


def profiles(bank: QuestionBank, template: str, paper: str, length: str,
             sets: tuple[tuple[str, ...], ...] = CONCERN_SETS,
             language: str = "en") -> Iterator[tuple[str, Profile]]:
    """(group, profile): group is 'up to 3' or 'every concern'."""
    every = tuple(t.id for t in bank.topics if not t.always)
    for kind in KINDS:
        for concerns in (*sets, every):
            group = "every concern" if concerns == every else "up to 3"
            yield group, Profile(
                recurrence=kind, concerns=concerns, name="Maria López",
                visit_date=dt.date(2026, 12, 3), doctor="Dr. Okafor",
                companion="my daughter Ana" if language == "en" else "mi hija Ana",
                template=template, paper=paper, length=length, language=language,
                custom_questions=OWN if language == "en" else OWN_ES,
                top_questions=((OWN if language == "en" else OWN_ES)[0], "tx-choices",
                               "rec-outlook"))


def fill_failures(pdf: bytes) -> list[str]:
    """Pages but the last whose body reaches less than 80% down the text area."""
    import pdfplumber

    sys.path.insert(0, "/work/shared/tools")
    from pagefill import footer_top, lines_of  # type: ignore[import-not-found]

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lows, tops = [], []
        for page in doc.pages:
            top = footer_top(lines_of(page.chars))
            objs = [(o["top"], o["bottom"]) for o in page.chars if o["text"].strip()]
            objs += [(o["top"], o["bottom"]) for o in page.lines + page.rects + page.curves]
            body = [b for t, b in objs if top is None or b < top - 1]
            tops.append(min(t for t, _ in objs))
            lows.append(max(body) if body else tops[0])
    area = max(lows) - tops[0]
    return [f"page {n} {((low - tops[0]) / area):.0%}"
            for n, low in enumerate(lows[:-1], 1) if (low - tops[0]) / area < 0.8]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", action="store_true", help="also check the 80%% fill rule")
    parser.add_argument("--every-set", action="store_true",
                        help="count every set of 1 to 3 concerns instead")
    parser.add_argument("--language", choices=("en", "es", "both"), default="both",
                        help="the handouts' language (default: both, one table each)")
    args = parser.parse_args()
    bank = load_bank()
    print(f"machine: {machine()}")
    if args.every_set:
        return every_set(bank)
    ok = True
    for language in (("en", "es") if args.language == "both" else (args.language,)):
        ok = table(bank, language, args.fill) and ok
    print("all short lists within the targets" + (" and 80% full" if args.fill else "")
          + (": yes" if ok else ": NO"))
    return 0 if ok else 1


def table(bank: QuestionBank, language: str, fill: bool) -> bool:
    """One language's table; True when every short list is within its target."""
    print(f"\nlanguage: {language}")
    print("| template | paper | length | pages, up to 3 concerns | pages, every concern |"
          + (" pages under 80% |" if fill else ""))
    print("|---|---|---|---|---|" + ("---|" if fill else ""))
    ok = True
    for template, papers, small, large in TARGETS:
        layout = load_layout(template)
        clinic = CLINIC if template == "navigator" else None
        for paper in papers:
            for length in ("short", "full"):
                counts: dict[str, list[int]] = {"up to 3": [], "every concern": []}
                underfilled: list[str] = []
                for group, profile in profiles(bank, template, paper, length,
                                               language=language):
                    pdf = make_handout(profile, bank, layout=layout, clinic=clinic,
                                       invariant=True)
                    counts[group].append(pdf.count(b"/Type /Page\n") or
                                         len(__import__("re").findall(rb"/Type /Page\b(?!s)",
                                                                      pdf)))
                    if fill:
                        underfilled += [f"{profile.recurrence}/{','.join(profile.concerns)} "
                                        f"{page}" for page in fill_failures(pdf)]
                cells = []
                for group, target in (("up to 3", small), ("every concern", large)):
                    low, high = min(counts[group]), max(counts[group])
                    within = length == "full" or high <= target
                    ok = ok and within
                    inside = sum(1 for pages in counts[group] if pages <= target)
                    cells.append(f"{low}-{high}; {inside} of {len(counts[group])} within "
                                 f"{target}" if length == "short" else f"{low}-{high}")
                filled = f" {len(underfilled)} |" if fill else ""
                print(f"| {template} | {paper} | {length} | {cells[0]} | {cells[1]} |{filled}")
                for line in underfilled[:5]:
                    print(f"    {line}", file=sys.stderr)
                ok = ok and not underfilled
    return ok


def every_set(bank: QuestionBank) -> int:
    """Each kind with every set of 1 to 3 concerns, the short list on Letter."""
    from itertools import combinations

    topics = [t.id for t in bank.topics if not t.always]
    sets = tuple(c for n in (1, 2, 3) for c in combinations(topics, n))
    print("| template | handouts | within the target | over it |")
    print("|---|---|---|---|")
    over_all: list[str] = []
    for template, _, small, _ in TARGETS:
        layout = load_layout(template)
        clinic = CLINIC if template == "navigator" else None
        pages = [(profile, count_pages(make_handout(profile, bank, layout=layout,
                                                    clinic=clinic, invariant=True)))
                 for group, profile in profiles(bank, template, "letter", "short", sets)
                 if group == "up to 3"]
        over = [f"{template}: {p.recurrence} {', '.join(p.concerns)}: {n} pages"
                for p, n in pages if n > small]
        print(f"| {template} | {len(pages)} | {len(pages) - len(over)} | {len(over)} |")
        over_all += over
    for line in over_all:
        print(f"    {line}", file=sys.stderr)
    return 0 if not over_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
