"""The command line: maps flags to the core functions, prints, and exits. Nothing else prints."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from visitprep import __version__
from visitprep.errors import (
    OutputError,
    RenderError,
    TemplateError,
    Terminated,
    UsageError,
    VisitprepError,
)
from visitprep.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, gettext

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # SIGTERM
STOPPED = N_("Stopped; nothing was written.")
# models.FORMATS, written out: importing models costs --help ~10 ms (a test keeps them equal)
FORMATS = ("pdf", "html")
DEFAULT_PORT = 8765
# batch.COLUMNS, written out for the same reason (a test keeps them equal)
CSV_COLUMNS = ("recurrence", "concerns", "name", "doctor", "visit_date", "companion",
               "custom_questions", "top_questions", "exclude", "template", "paper", "fillable",
               "language", "length", "include", "room", "output")


class _Folder(type(Path())):  # type: ignore[misc]
    """A path typed with a trailing slash: it names a folder, never a file."""


def _path(text: str) -> Path:
    """A file or folder option: never empty (`--answers ''` would read the current folder);
    a trailing slash keeps its meaning, a folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a file or folder name")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("holds a null character")
    return _Folder(text) if text.endswith(("/", os.sep)) else Path(text)


class _Parser(argparse.ArgumentParser):
    """argparse with visitprep's usage-error format and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"Error: {message}\nTry '{self.prog} --help'.\n")
        raise SystemExit(EXIT_USAGE)


def _add_handout_options(parser: argparse.ArgumentParser, *, force: bool = True) -> None:
    group = parser.add_argument_group("how the handout is made")
    group.add_argument("--bank", metavar="DIR", type=_path,
                       help="a clinic's own question bank folder (default: the built-in bank)")
    group.add_argument("--template", metavar="NAME|FILE",
                       help="a layout name or a template .yaml file (see 'visitprep templates')")
    group.add_argument("--paper", choices=("letter", "a4"), help="paper size (default: letter)")
    group.add_argument("--length", choices=("short", "full"),
                       help="short: the key questions for your situation (default); "
                       "full: every question for it")
    group.add_argument("--fillable", action="store_true", default=None,
                       help="make the checkboxes and lines real form fields")
    group.add_argument("--language", choices=LANGUAGES,
                       help="en (English, the default) or es (Spanish, español): the "
                       "handout's language, and the interview's or the page's; in batch, for "
                       "rows without a language column")
    group.add_argument("--room", choices=("standard", "more"),
                       help="room to write the answers: standard (one line under each "
                       "question, the default) or more (three lines; more pages)")
    if force:  # serve writes no file: it would do nothing there
        group.add_argument("--force", action="store_true",
                           help="replace a file that already exists")
    clinic = parser.add_argument_group(
        "the clinic block (printed by the navigator template, or whenever given)")
    clinic.add_argument("--clinic", metavar="FILE", type=_path,
                        help="a clinic file (YAML: name, phone, address, website)")
    clinic.add_argument("--clinic-name", metavar="TEXT", help="the clinic's name")
    clinic.add_argument("--clinic-phone", metavar="TEXT", help="the clinic's phone number")
    clinic.add_argument("--clinic-address", metavar="TEXT",
                        help="the clinic's address; separate lines with ';'")
    clinic.add_argument("--clinic-after-hours-phone", metavar="TEXT",
                        help="the number to call at night and on weekends (printed under "
                        "the symptom checklist, with the clinic's phone)")


def _add_profile_options(parser: argparse.ArgumentParser, *, listing: bool = False) -> None:
    group = parser.add_argument_group("the visit (each replaces the same field of --answers)")
    group.add_argument("--recurrence", metavar="R",
                       help="where the cancer has come back: local, regional, distant or unsure")
    see = ("'visitprep questions' with no options lists every topic with its id" if listing
           else "'visitprep questions' lists every topic with its id")
    group.add_argument("--concern", "--concerns", metavar="C", action="append",
                       dest="concerns",
                       help=f"a topic to ask about, such as costs or side-effects; repeat for "
                       f"more, or give several with commas: costs,side-effects ({see})")


def _wrap(text: str) -> str:
    """Wrap help paragraphs to 79 columns; lines that start with spaces stay as written."""
    import textwrap

    return "\n".join(line if line.startswith(" ") or not line else
                     textwrap.fill(line, 79, break_on_hyphens=False)
                     for line in text.split("\n"))


def _command(commands: Any, name: str, summary: str, description: str,
             examples: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=_wrap(description),
        epilog="examples:\n" + examples, formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every command."""
    parser = _Parser(
        prog="visitprep",
        description=_wrap("Make a printable checklist of questions to bring to an oncology "
                          "visit after cancer has come back. Run 'visitprep' on its own to "
                          "answer a few questions and get your checklist."),
        epilog="examples:\n"
        "  visitprep                        answer a few questions, get your checklist\n"
        "  visitprep interview --answers visit-answers.yaml\n"
        "                                   start again from the answers you saved\n"
        "  visitprep make --answers visit-answers.yaml -o visit.pdf\n"
        "                                   print the same checklist again, no questions\n"
        "  visitprep COMMAND --help         more about one command\n\n"
        "Exit codes: 0 done; 1 bad input (nothing half-written); 2 usage error; "
        "130 interrupted (Ctrl-C); 143 stopped by SIGTERM.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"visitprep {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    interview = _command(
        commands, "interview", "answer a few questions, then get your checklist (the default)",
        "Answer a few questions in the terminal, then get your checklist as a PDF. "
        "Ctrl-C stops at any time without writing anything.",
        "  visitprep interview\n"
        "  visitprep interview --answers visit-answers-2026-12-03.yaml\n"
        "  visitprep interview --template large-print --paper a4\n",
    )
    interview.add_argument("--answers", metavar="FILE", type=_path,
                           help="start from answers saved last time (every prompt pre-filled)")
    _add_date_order(interview)
    _add_handout_options(interview)

    make = _command(
        commands, "make",
        "make one handout from an answers file or options, with no questions asked",
        "Make one handout from an answers file and/or options, with no questions asked.",
        "  visitprep make --answers visit-answers.yaml -o visit.pdf\n"
        "  visitprep make --recurrence distant --concern costs --concern clinical-trials \\\n"
        "      --name 'Ann Lee' --visit-date 'next Friday' -o ann.pdf\n"
        "  visitprep make --answers saved.yaml --visit-date 12/3/2026 --date-order mdy\n",
    )
    make.add_argument("--answers", metavar="FILE", type=_path, help="an answers file (YAML)")
    make.add_argument("-o", "--output", metavar="OUT.pdf", type=_path,
                      help="where to write the handout, .pdf or .html (default: "
                      "visit-questions[-DATE].pdf here)")
    _add_profile_options(make)
    fields = make.add_argument_group("header and own questions")
    fields.add_argument("--name", help="the person's name")
    fields.add_argument("--doctor", help="the doctor's name")
    fields.add_argument("--visit-date", metavar="DATE",
                        help="the visit date as people write it: 2026-12-03, 'Dec 3', "
                        "12/3/2026, tomorrow, 'next Friday', 'in 2 weeks'")
    fields.add_argument("--companion", metavar="NAME", help="who is coming along to the visit")
    fields.add_argument("--question", metavar="TEXT", action="append", dest="custom_questions",
                        help="one of your own questions; repeat for more")
    fields.add_argument("--top", metavar="ID|TEXT", action="append", dest="top_questions",
                        help="a question id or text to print first, on page 1 (up to 3)")
    fields.add_argument("--exclude", metavar="ID", action="append",
                        help="a question id to leave out; repeat for more")
    fields.add_argument("--include", metavar="ID", action="append",
                        help="a question id to add to a short list; repeat for more")
    _add_date_order(fields)
    _add_handout_options(make)
    make.add_argument("--format", choices=FORMATS, dest="fmt",
                      help="pdf, or html for the accessible page (default: from the -o file's "
                      "extension, else pdf)")

    import textwrap

    batch = _command(
        commands, "batch", "one handout per row of a CSV file (a clinic list)",
        "Make one handout per row of a CSV file. Each bad row is reported with every problem it "
        "has, and written to a failures file (DIR/<list>-failures.csv) that you fix in the "
        "spreadsheet and give back to batch as it is; every good row is still printed, and a "
        "handout already there and unchanged is kept. Exit code 1 when any row failed.\n\n"
        "CSV columns (a header row; case, spaces, dashes and underscores do not matter; only "
        "recurrence is required):\n" + textwrap.fill(", ".join(CSV_COLUMNS), 79,
                                                initial_indent="  ", subsequent_indent="  ")
        + "\n"
        "Other columns (an MRN, a phone) are ignored, with a note, and never printed. "
        "List cells (concerns, custom_questions, top_questions, exclude, include) separate "
        "values with "
        "';' (concerns, exclude and include also with ','). The output column names the file "
        "(kept inside -o DIR); without it the file is named from the name and visit date.\n\n"
        "A date written only in numbers that reads two ways (12/8/2026) follows --date-order, "
        "else any date of the same file that shows the order (12/14/2026 below), else the "
        "computer's locale (en_US: month first; Spanish and day-first locales: day first).",
        "  visitprep batch clinic-day.csv -o handouts/\n"
        "  visitprep batch clinic-day.csv -o handouts/ --merge handouts/all.pdf\n"
        "  visitprep batch export.csv -o out/ --encoding cp1252 --date-order dmy\n\n"
        "  a CSV file (clinic-day.csv):\n"
        "    name,recurrence,concerns,visit_date,MRN\n"
        "    Ann Lee,distant,costs; clinical-trials,12/8/2026,100234\n"
        "    Bo Chan,local,side-effects,12/14/2026,100871\n",
    )
    batch.add_argument("csv", metavar="FILE.csv", type=_path, help="the clinic list")
    batch.add_argument("-o", "--output", metavar="DIR", type=_path, required=True,
                       help="the folder for the handouts (created if missing)")
    batch.add_argument("--merge", metavar="ALL.pdf", type=_path,
                       help="also write one file of all handouts, for double-sided printing")
    batch.add_argument("--jobs", metavar="N", type=int,
                       help="worker processes (default: one per core)")
    batch.add_argument("--encoding", metavar="ENC", default="utf-8",
                       help="the CSV's encoding (default: utf-8, with or without a BOM)")
    _add_date_order(batch)
    _add_handout_options(batch)
    batch.add_argument("--format", choices=FORMATS, dest="fmt", default="pdf",
                       help="pdf (default), or html for accessible pages; an output cell "
                       "ending in .html or .pdf chooses for its row")

    questions = _command(
        commands, "questions", "list the questions a profile would get, with ids and sources",
        "List the questions a profile would get, with their ids and sources. With no "
        "--recurrence, list the whole bank: every topic with its id, and every question.",
        "  visitprep questions\n"
        "  visitprep questions --recurrence distant --concern costs\n"
        "  visitprep questions --answers visit-answers.yaml\n",
    )
    _add_profile_options(questions, listing=True)
    questions.add_argument("--answers", metavar="FILE", type=_path,
                           help="list the questions for this answers file")
    questions.add_argument("--bank", metavar="DIR", type=_path, help="a clinic's question bank")
    questions.add_argument("--length", choices=("short", "full"),
                           help="short: the key questions (default); full: every question")

    check = _command(
        commands, "check-bank", "validate a question bank and report its reading level",
        "Validate a question bank (the built-in one, or a clinic's folder) and report its "
        "Flesch-Kincaid reading level. Also checks the short-list (core) limits, "
        "near-duplicate questions, the glossary and, with --seeds, every citation against "
        "its source.",
        "  visitprep check-bank\n  visitprep check-bank my-clinic-questions/\n"
        "  visitprep check-bank my-clinic-questions/ --seeds shared/seeds/\n",
    )
    check.add_argument("folder", metavar="DIR", nargs="?", type=_path,
                       help="a bank folder (default: the built-in bank)")
    check.add_argument("--seeds", metavar="DIR", type=_path,
                       help="a folder holding the source documents: check that every "
                       "citation's section and quote are in them")

    _command(commands, "templates", "list the layouts, one line each",
             "List the handout layouts.",
             "  visitprep templates\n  visitprep make --answers a.yaml --template large-print\n")

    serve = _command(
        commands, "serve", "the same steps as a web page on this computer, plus clinic lists",
        "Serve the checklist's steps, and printing a clinic list from a CSV, as a "
        "web page on this computer (http://127.0.0.1:PORT/), and open it in the default "
        "browser. Nothing is sent anywhere or saved unless you download it. Ctrl-C stops it.",
        "  visitprep serve\n  visitprep serve --port 8800 --no-browser\n"
        "  visitprep serve --template navigator --clinic clinic.yaml\n",
    )
    serve.add_argument("--port", metavar="N", type=int,
                       help=f"the port (default: {DEFAULT_PORT}, or any free one if it is taken; "
                       "0 for any free port)")
    serve.add_argument("--no-browser", action="store_true",
                       help="do not open the browser; print the address only")
    serve.add_argument("--host", metavar="ADDRESS", default="127.0.0.1",
                       help="listen on another address (default: 127.0.0.1, this computer "
                       "only). The page carries health information without encryption: "
                       "only on a network you trust.")
    serve.add_argument("--keep-minutes", metavar="M", type=_keep_minutes, default=30.0,
                       help="how long each handout made stays in memory to show and "
                       "download, in minutes (default: 30); then it is gone")
    _add_handout_options(serve, force=False)
    return parser


def _keep_minutes(value: str) -> float:
    """--keep-minutes: a number of minutes from 0.1 (6 seconds) to 1440 (a day)."""
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not 0.1 <= minutes <= 1440:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a number of minutes from 0.1 to 1440 (for example 30)")
    return minutes


def main(argv: Sequence[str] | None = None) -> int:
    """Run visitprep. Returns the exit code."""
    _standard_streams()
    # pypdf logs its own reading of a file that is not a PDF ("invalid pdf header"); the
    # user gets visitprep's one message about that file instead.
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # to show a command again
    previous = _sigterm_as_interrupt()
    try:
        if args.command is None:
            args = parser.parse_args(["interview"])
        handler = {
            "batch": _cmd_batch,
            "interview": _cmd_interview,
            "make": _cmd_make,
            "questions": _cmd_questions,
            "check-bank": _cmd_check_bank,
            "templates": _cmd_templates,
            "serve": _cmd_serve,
        }[args.command]
        code = handler(args)
        sys.stdout.flush()  # a full disk or a closed pipe is met here, not at exit
        return code
    except VisitprepError as exc:
        sys.stderr.write(f"Error: {exc.message}\n")
        if exc.hint:
            sys.stderr.write(f"{exc.hint}\n")
        return exc.exit_code
    except KeyboardInterrupt as stop:
        sys.stderr.write(f"\n{STOPPED}\n")
        return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` or similar: not an error.
        _drop_stdout()
        return EXIT_OK
    except OSError as exc:
        if exc.filename is not None or not _stdout_failed(exc):
            raise
        # Standard output is a full disk (`> /dev/full`) or a device that fails.
        _drop_stdout()
        from visitprep.output import os_reason

        sys.stderr.write(f"Error: cannot write the output: {os_reason(exc)}.\n"
                         "Send it to another file or disk, then run the same command again.\n")
        return EXIT_BAD_INPUT
    finally:
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)


def _standard_streams() -> None:
    """A standard stream that was closed (`0<&-`, `>&-`) reads as empty and writes nowhere,
    rather than failing on its first use."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115


def _stdout_failed(exc: OSError) -> bool:
    """True when the error came from writing standard output (its buffer holds text)."""
    import errno

    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT)


def _drop_stdout() -> None:
    """Point standard output at the null device, so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _sigterm_as_interrupt() -> Any:
    """Handle SIGTERM as Ctrl-C is handled (only the main thread can set a handler)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    return signal.signal(signal.SIGTERM, stop)


_FLAGS = {"recurrence": "--recurrence", "concerns": "--concern", "name": "--name",
          "doctor": "--doctor", "visit_date": "--visit-date", "companion": "--companion",
          "custom_questions": "--question", "top_questions": "--top", "exclude": "--exclude",
          "template": "--template", "paper": "--paper", "fillable": "--fillable",
          "length": "--length", "include": "--include", "room": "--room",
          "language": "--language"}


def _add_date_order(parser: Any) -> None:
    parser.add_argument(
        "--date-order", choices=("mdy", "dmy"),
        help="how to read a date written only in numbers when the day and month could be "
        "swapped: mdy (12/3/2026 is December 3) or dmy (12/3/2026 is 12 March); without it "
        "the locale decides (en_US: mdy; Spanish and day-first locales: dmy), after, in "
        "batch, any date of the file that shows the order")


def _profile_mapping(args: argparse.Namespace) -> tuple[dict[str, Any], str, dict[str, str]]:
    """Merge an answers file with the flags given; return it, a name for messages, and
    the flags given (key -> flag), so their errors name the flag."""
    from visitprep.profile import load_answers

    data: dict[str, Any] = load_answers(args.answers) if args.answers else {}
    flags = {key: getattr(args, key) for key in _FLAGS if getattr(args, key, None) is not None}
    if flags:
        from visitprep.profile import normalize_key

        data = {k: v for k, v in data.items() if normalize_key(k) not in flags}
        data.update(flags)
    where = str(args.answers) if args.answers else "the command line"
    return data, where, {key: _FLAGS[key] for key in flags}


def _cmd_make(args: argparse.Namespace) -> int:
    from visitprep.bank import load_bank
    from visitprep.handout import count_pages, make_handout, output_format
    from visitprep.layout import load_layout
    from visitprep.output import (
        check_target,
        clean_stale_parts,
        default_name,
        free_name,
        write_atomic,
    )
    from visitprep.profile import profile_from_mapping

    folder = Path()
    if isinstance(args.output, _Folder):  # -o newdir/: the default name, in that folder
        if not args.output.is_dir():
            raise OutputError(f"-o {args.output}{os.sep}: the folder {args.output} does not "
                              "exist", hint="Create it first, or leave out the trailing slash "
                              "to name a file.")
        folder, args.output = args.output, None
    fmt = output_format(args.output, args.fmt)  # a clash is a usage error, before any work
    if args.answers is None and args.recurrence is None:
        raise UsageError(
            "make needs an answers file or at least --recurrence",
            hint="For example: visitprep make --answers answers.yaml -o visit.pdf\n"
            "or: visitprep make --recurrence distant --concern costs -o visit.pdf\n"
            "Try 'visitprep make --help'.",
        )
    data, where, flags = _profile_mapping(args)
    bank = load_bank(args.bank)
    from visitprep.dates import locale_order

    # A numbers-only date that reads two ways follows --date-order, else the locale.
    order = args.date_order or locale_order()[0]
    profile = profile_from_mapping(data, bank, where, flags=flags, date_order=order)
    clinic = _clinic(args)
    try:
        layout = load_layout(profile.template)
    except TemplateError as exc:
        if args.template:
            raise
        raise TemplateError(f"{where}: 'template': {exc.message}", hint=exc.hint) from None
    output: Path = args.output or folder / default_name("visit-questions", profile.visit_date,
                                                        f".{fmt}", profile.name)
    if args.output is None and not args.force and (output.exists() or output.is_symlink()):
        # The name was ours to choose: take a free one rather than refuse (the command the
        # interview prints for "print it again" works in the folder it printed in).
        taken, output = output, output.parent / free_name(output.parent, output.name)
        print(f"{taken} is already there; writing {output} instead (add --force to replace "
              f"{taken}).", flush=True)
    _check_not_an_input(output, args, profile, clinic)
    check_target(output, force=args.force)
    clean_stale_parts(output.parent)
    try:
        handout = make_handout(profile, bank, layout=layout, clinic=clinic, fmt=fmt)
    except RenderError as exc:  # name the answers file the text came from
        if not args.answers:
            raise
        raise RenderError(f"{where}: {exc.message}", hint=exc.hint) from None
    from visitprep.i18n import pages_text, using

    with using(profile.language):  # the person's language: they read what make says
        # a chosen concern that prints nothing is said, whatever the format
        _say_topics_without_questions(bank.in_language(profile.language), profile)
        if fmt == "html":
            write_atomic(output, handout, force=args.force)
            print(gettext("Wrote {path}. Open it in a web browser to read it, fill it in or "
                          "print it.").format(path=output))
            return EXIT_OK
        pages = count_pages(handout)
        paper = "A4" if profile.paper == "a4" else gettext("Letter")
        said = {("short", "standard"): gettext(
                    "{pages}: the {template} template, the short list, on {paper}."),
                ("full", "standard"): gettext(
                    "{pages}: the {template} template, the full list, on {paper}."),
                ("short", "more"): gettext("{pages}: the {template} template, the short "
                                           "list, more room to write, on {paper}."),
                ("full", "more"): gettext("{pages}: the {template} template, the full list, "
                                          "more room to write, on {paper}.")}[
            (profile.length, profile.room)]
        print(said.format(pages=pages_text(pages), template=layout.name, paper=paper),
              flush=True)
        write_atomic(output, handout, force=args.force)
        print(gettext("Wrote {path} ({pages}). Print it and bring it to your visit.")
              .format(path=output, pages=pages_text(pages)))
    return EXIT_OK


def _say_topics_without_questions(bank: Any, profile: Any) -> None:
    """Say which chosen concerns print nothing for this kind, rather than drop them silently."""
    from visitprep.selection import topics_without_questions

    nothing = set(topics_without_questions(bank, profile.recurrence))
    empty = [t.title for t in bank.topics if t.id in profile.concerns and t.id in nothing]
    if empty:
        from visitprep import steps  # its sentences; most handouts need none of them

        print(steps.none_yet(empty), flush=True)


def _clinic(args: argparse.Namespace) -> Any:
    from visitprep.clinic import merge_clinic

    return merge_clinic(args.clinic, args.clinic_name, args.clinic_phone, args.clinic_address,
                        args.clinic_after_hours_phone)


def _handout_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """The template, paper and fillable options given, after checking the template loads."""
    from visitprep.layout import load_layout

    if args.template:
        load_layout(args.template)  # a broken template fails now, not once per handout
    return {key: getattr(args, key) for key in ("template", "paper", "fillable", "length",
                                                 "room", "language")
            if getattr(args, key, None) is not None}


def _cmd_questions(args: argparse.Namespace) -> int:
    from visitprep.bank import load_bank
    from visitprep.models import RECURRENCES
    from visitprep.profile import profile_from_mapping
    from visitprep.selection import select_questions

    bank = load_bank(args.bank)
    titles = {doc.file: doc.title for doc in bank.sources}
    lines: list[str] = []
    if args.answers is None and args.recurrence is None:
        if args.concerns:
            raise UsageError("--concern needs --recurrence",
                             hint="Try 'visitprep questions --help'.")
        for topic in bank.topics:
            kind = "always printed" if topic.always else f"concern: {topic.id}"
            lines.append(f"{topic.title} ({kind})")
            for q in (q for q in bank.questions if q.topic == topic.id):
                fits = ("all" if q.recurrence == frozenset(RECURRENCES)
                        else ", ".join(r for r in RECURRENCES if r in q.recurrence))
                short = "; short list" if q.core else ""
                lines.append(f"  {q.id}: {q.text}")
                lines.append(f"      for: {fits}{short}; from "
                             f"{titles.get(q.source.file, q.source.file)}, \"{q.source.section}\"")
                if q.source.quote:
                    lines.append(f"      which says: \"{q.source.quote}\"")
            lines.append("")
        lines.append(f"{_n(len(bank.questions), 'question')} in {_n(len(bank.topics), 'topic')}.")
    else:
        data, where, flags = _profile_mapping(args)
        profile = profile_from_mapping(data, bank, where, flags=flags)
        selection = select_questions(bank, profile)
        if selection.top:
            lines.append("Top questions (page 1)")
            lines += [f"  {item.id or '(own)'}: {item.text}" for item in selection.top]
            lines.append("")
        if selection.own:
            lines.append("My own questions")
            lines += [f"  (own): {item.text}" for item in selection.own]
            lines.append("")
        for section in selection.sections:
            lines.append(f"{section.title} ({section.topic})")
            for item in section.items:
                lines.append(f"  {item.id}: {item.text}")
                if item.source:
                    lines.append(f"      from {titles.get(item.source.file, item.source.file)}, "
                                 f"\"{item.source.section}\"")
                    if item.source.quote:
                        lines.append(f"      which says: \"{item.source.quote}\"")
            lines.append("")
        for checklist in selection.checklists:
            lines.append(f"Checklist: {checklist.title} ({len(checklist.items)} items)")
            lines.append("")
        lines.append(f"{_n(selection.count, 'question')}.")
    print("\n".join(lines))
    return EXIT_OK


def _cmd_check_bank(args: argparse.Namespace) -> int:
    from visitprep.bank import (
        MAX_MEAN_GRADE,
        MAX_QUESTION_GRADE,
        bank_problems,
        citation_problems,
        load_bank,
        read_sources,
        reading_report,
    )
    from visitprep.models import RECURRENCES
    from visitprep.selection import handout_counts

    bank = load_bank(args.folder)
    if args.seeds is not None and not args.seeds.is_dir():
        raise UsageError(f"--seeds {args.seeds}: no such folder",
                         hint="Give the folder that holds the source documents (*.txt).")
    if _report_unprintable(bank):
        return EXIT_BAD_INPUT
    report = reading_report(bank)
    hardest = max((grade for _, grade in report.grades), default=0.0)
    print(f"Question bank: {bank.path}")
    print(f"  {_n(len(bank.topics), 'topic')}, {_n(len(bank.questions), 'question')} "
          f"({sum(q.core for q in bank.questions)} core, "
          f"{sum(q.needs_confirmed for q in bank.questions)} need a confirmed recurrence), "
          f"{_n(len(bank.checklists), 'checklist')}, {_n(len(bank.glossary), 'glossary word')}, "
          f"{_n(len(bank.sources), 'source')}")
    print("  Questions a handout holds with every concern (and with none), full and short list:")
    for kind in RECURRENCES:
        counts = handout_counts(bank, kind)
        print(f"    {kind}: {counts['full']} full, {counts['short']} short "
              f"({counts['short_none']} short with no concern)")
    print(f"Reading level (Flesch-Kincaid grade): mean {report.mean:.1f} "
          f"(limit {MAX_MEAN_GRADE:g}); hardest question {hardest:.1f} "
          f"(limit {MAX_QUESTION_GRADE:g})")
    problems = bank_problems(bank)
    translated_ok = _report_translations(bank, problems)
    if args.seeds is not None:
        texts = read_sources(args.seeds, bank)
        problems += citation_problems(bank, texts)
        if not problems:
            print(f"Citations: every section and quote is in its source in {args.seeds}.")
    for problem in problems:
        print(f"  {problem}")
    if report.ok and not problems and translated_ok:
        print("OK: the bank is valid and easy to read.")
        return EXIT_OK
    if problems:
        print(f"{len(problems)} problem(s) above: fix them, then check again.")
    if report.ok:
        return EXIT_BAD_INPUT
    if report.mean > MAX_MEAN_GRADE:
        print(f"Too hard on average: {report.mean:.1f} is above grade {MAX_MEAN_GRADE:g}.")
    for question, grade in report.too_hard:
        print(f"  grade {grade:.1f}: {question.id}: {question.text}")
    print("Rewrite these in shorter sentences with shorter words, then check again.")
    return EXIT_BAD_INPUT


def _report_translations(bank: Any, problems: list[str]) -> bool:
    """Say how far each translation of the bank is done and, in Spanish, how easy its
    questions read; add what is missing or stale to problems. False when a translation
    cannot print or reads too hard."""
    from visitprep.bank import MIN_MEAN_EASE_ES, MIN_QUESTION_EASE_ES, spanish_reading_report
    from visitprep.readability import inflesz
    from visitprep.translation import available_languages as languages
    from visitprep.translation import (
        english_items,
        language_name,
        translation_path,
        translation_problems,
    )

    ok = True
    others = languages(bank.path)[1:]
    if not others:
        print("Translations: none; handouts from this bank print in English only "
              f"(--language es needs {translation_path(bank.path, 'es')}).")
    total = len(english_items(bank))
    for language in others:
        name = language_name(language)
        problems += translation_problems(bank, language)
        translated = bank.in_language(language)
        done = total - len(translated.untranslated)
        reviewed = total - len(translated.unreviewed)
        print(f"{name} ({translation_path(bank.path, language)}): {done} of {total} texts "
              f"translated and up to date; {reviewed} of {total} reviewed by a health "
              "professional.")
        if _report_unprintable(translated):
            ok = False
            continue
        if language != "es":
            continue
        report = spanish_reading_report(translated)
        easiest_floor = min((score for _, score in report.scores), default=0.0)
        print(f"Reading level in Spanish (Fernández-Huerta): mean {report.mean:.1f} "
              f"(at least {MIN_MEAN_EASE_ES:g}); hardest question {easiest_floor:.1f} "
              f"(at least {MIN_QUESTION_EASE_ES:g}); Szigriszt-Pazos: mean "
              f"{report.mean_szigriszt:.1f}, \"{inflesz(report.mean_szigriszt)}\" on the "
              "INFLESZ scale")
        if report.scores and not report.ok:
            ok = False
            if report.mean < MIN_MEAN_EASE_ES:
                print(f"Too hard in Spanish on average: {report.mean:.1f} is below "
                      f"{MIN_MEAN_EASE_ES:g}.")
            for question, score in report.too_hard:
                print(f"  Fernández-Huerta {score:.1f}: {question.id}: {question.text}")
            print("Rewrite these in shorter sentences with shorter words, then check again.")
    return ok


def _n(count: int, word: str) -> str:
    """'1 page', '3 pages'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report_unprintable(bank: Any) -> bool:
    """Print what make would refuse in this bank (in its language); True if there is any."""
    from visitprep.bank import printing_problems
    from visitprep.errors import shorten
    from visitprep.translation import language_name

    problems = printing_problems(bank)
    if not problems:
        return False
    language = "" if bank.language == "en" else f"{language_name(bank.language)} "
    if not language:
        print(f"Question bank: {bank.path}")
    print(f"Cannot print {len(problems)} {language}text{'s' if len(problems) > 1 else ''} "
          "(every handout that uses them would fail):")
    for where, text, problem in problems:
        print(f"  {where}: '{shorten(text)}' {problem}.")
    print("Rewrite them in Latin letters without hidden characters, then check again.")
    return True


class _Progress:
    """A progress bar on a terminal; a plain line every tenth of the way otherwise."""

    def __init__(self, total: int | None, stream: Any) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.next_line = 0.1
        self.printed = -1

    def update(self, done: int, seconds: float, *, final: bool = False) -> None:
        rate = done / seconds if seconds > 0 else 0.0
        if self.tty:
            now = seconds
            if not final and now - self.last < 0.1:
                return
            self.last = now
            left = ""
            if self.total and rate:
                remaining = (self.total - done) / rate
                left = f", {int(remaining // 60)}:{int(remaining % 60):02d} left"
            if self.total:
                filled = min(24, int(24 * done / self.total))  # the file may have grown
                bar = "#" * filled + "-" * (24 - filled)
                text = f"[{bar}] {done}/{self.total} rows, {rate:.1f}/s{left}"
            else:
                text = f"{done} rows, {rate:.1f}/s"
            self.stream.write(f"\r{text:<79}")
            if final:
                self.stream.write("\n")
            self.stream.flush()
        elif self.total and done != self.printed and (done / self.total >= self.next_line
                                                       or final):
            while self.next_line <= done / self.total:
                self.next_line += 0.1
            self.printed = done
            self.stream.write(f"{done}/{self.total} rows done ({rate:.1f}/s)\n")
            self.stream.flush()

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 79 + "\r")


def _check_csv(path: Path) -> None:
    import stat

    from visitprep.errors import OutputError

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise OutputError(f"{path}: no such file") from None
    except OSError as exc:
        from visitprep.output import os_reason

        raise OutputError(f"{path}: cannot be read ({os_reason(exc)})") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder, not a CSV file",
                          hint="Give the clinic list's file, for example: list.csv.")
    if not stat.S_ISREG(mode):
        raise OutputError(f"{path} is not a regular file",
                          hint="Give the clinic list's file, for example: list.csv.")


def _prepare_folder(folder: Path) -> None:
    """Create the -o folder if needed, or say in plain words why it cannot be used."""
    from visitprep.errors import OutputError
    from visitprep.output import kind_of, os_reason

    kind = kind_of(folder)
    if kind == "a link" and folder.is_dir():
        kind = "a folder"
    if kind not in (None, "a folder"):
        raise OutputError(f"{folder} is {'a file' if kind == 'file' else kind}, not a folder",
                          hint="-o names the folder the handouts go into.")
    if kind is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"cannot create the folder {folder}: a part of the path is a "
                              "file", hint="-o names the folder the handouts go into.") from None
        except OSError as exc:
            reason = ("a part of the path is a file" if isinstance(exc, NotADirectoryError)
                      else os_reason(exc))
            raise OutputError(f"cannot create the folder {folder}: {reason}",
                              hint="Choose another folder with -o.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot save files in the folder {folder}: permission denied",
                          hint="Choose a folder you can write to with -o.")


def _check_merge(merge: Path, folder: Path, csv_path: Path, failures: Path, names: dict[str, int],
                 force: bool) -> None:
    """--merge may never name the input, the failures file, a handout, or anything that is
    not a regular file; a merged file of an earlier run may be rebuilt."""
    from visitprep.batch import read_merged_digest
    from visitprep.handout import read_fingerprint
    from visitprep.output import check_target

    def same(a: Path, b: Path) -> bool:
        try:
            return a.resolve() == b.resolve() or (a.exists() and b.exists()
                                                   and os.path.samefile(a, b))
        except (OSError, RuntimeError):
            return False

    hint = "Choose a name no row uses, such as all-handouts.pdf."
    if same(merge, csv_path):
        raise UsageError(f"--merge {merge} is the input CSV file", hint=hint)
    if same(merge, failures):
        raise UsageError(f"--merge {merge} is the file this run writes the failed rows to",
                         hint=hint)
    try:
        in_folder = merge.parent.resolve() == folder.resolve()
    except (OSError, RuntimeError):
        in_folder = False
    if in_folder and merge.name.casefold() in names:
        raise UsageError(f"--merge {merge} is the handout this run writes for row "
                         f"{names[merge.name.casefold()]}", hint=hint)
    ours = read_merged_digest(merge) is not None
    if not ours and read_fingerprint(merge) is not None:
        raise UsageError(f"--merge {merge} is a handout, not a merged file", hint=hint)
    check_target(merge, force=force or ours)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists()
                                               and os.path.samefile(a, b))
    except (OSError, RuntimeError, ValueError):
        return False


def _check_not_an_input(output: Path, args: argparse.Namespace, profile: Any = None,
                        clinic: Any = None, flag: str = "-o") -> None:
    """-o never names a file this run reads: the answers, clinic, template or CSV file, the
    template an answers file names, or the clinic's logo (even with --force)."""
    from visitprep.layout import builtin_names, looks_like_path

    for given in ("answers", "clinic", "template", "csv"):
        value = getattr(args, given, None)
        if value and _same_file(output, Path(value)):
            raise UsageError(f"{flag} {output} is the file given to --{given}; visitprep "
                             "never writes over its input", hint=f"Choose another name for {flag}.")
    template = getattr(profile, "template", "")
    if template and template not in builtin_names() and looks_like_path(template) and \
            _same_file(output, Path(template)):
        raise UsageError(f"{flag} {output} is the template file that {args.answers} names; "
                         "visitprep never writes over its input",
                         hint=f"Choose another name for {flag}.")
    logo = getattr(clinic, "logo", "")
    if logo and _same_file(output, Path(logo)):
        raise UsageError(f"{flag} {output} is the clinic's logo ({args.clinic}: 'logo'); "
                         "visitprep never writes over its input",
                         hint=f"Choose another name for {flag}.")


def _check_input_not_written(csv_path: Path, folder: Path, names: dict[str, int]) -> None:
    """No row may write its handout over the CSV file being read."""
    try:
        in_folder = csv_path.resolve().parent == folder.resolve()
    except (OSError, RuntimeError):
        return
    number = names.get(csv_path.name.casefold()) if in_folder else None
    if number is not None:
        raise UsageError(f"row {number} would write its handout over the input file {csv_path}",
                         hint="Rename the CSV file (a .csv name is best), or give that row "
                         "another name in the 'output' column.")


_ADVICE = {
    "input": "Fix them in the spreadsheet and run the same command again: handouts already "
             "made and unchanged are kept.",
    "output": "Some handouts could not be written (the reasons are above). Fix that, then "
              "run the same command again.",
    "changed": "Some files already there are not what their rows print now. Add --force to "
               "replace them, or give those rows their own file names in the 'output' column.",
    "bug": "Some rows hit a problem visitprep did not expect; please report it.",
}


def _advise_date_order(rows: int, locale: str, argv: list[str]) -> None:
    """Nothing settled how 12/8/2026 reads: show the command again with the order added."""
    import shlex

    command = shlex.join(["visitprep", *argv])
    said = f"the locale ('{locale}') does not say" if locale else "no locale is set"
    print(f"{rows} row{'s have' if rows != 1 else ' has'} a date written only in numbers "
          f"that reads two ways (12/8/2026: December 8 or 12 August), and nothing says which: "
          f"no --date-order, no date in the file that shows it, and {said}. Run it again "
          f"with the order, month first:\n  {command} --date-order mdy\nor day first:\n"
          f"  {command} --date-order dmy")


def _cmd_batch(args: argparse.Namespace) -> int:
    from visitprep.bank import load_bank
    from visitprep.batch import (
        column_note,
        date_order_of,
        format_of,
        header_of,
        ignored_columns,
        merge_pdfs,
        merged_digest,
        plan_batch,
        read_merged_digest,
        read_merged_members,
        remove_old_failures,
        run_batch,
        worker_count,
        write_failures,
    )

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more", hint="Try 'visitprep batch --help'.")
    if args.merge is not None and args.fmt == "html":
        raise UsageError("--merge joins PDF handouts into one file to print; it cannot be "
                         "used with --format html.",
                         hint="Leave out --merge, or make PDF handouts. "
                         "Try 'visitprep batch --help'.")
    _check_csv(args.csv)
    folder: Path = args.output
    bank = load_bank(args.bank)  # a broken bank fails here, once, not once per row
    defaults = _handout_defaults(args)
    clinic = _clinic(args)
    # Numbers-only dates follow --date-order, the order the file shows elsewhere, or the
    # locale.
    order = date_order_of(args.csv, args.encoding, args.date_order)
    date_order = order.order
    # Every file-level problem, before any work.
    plan = plan_batch(args.csv, args.encoding, date_order)
    ignored = ignored_columns(header_of(args.csv, args.encoding))
    failures_file = folder / f"{args.csv.stem}-failures.csv"
    _check_input_not_written(args.csv, folder, plan.names)
    if args.merge is not None:
        _check_not_an_input(args.merge, args, clinic=clinic, flag="--merge")
    _prepare_folder(folder)  # first: --merge may name a file in it (-o out --merge out/all.pdf)
    if args.merge is not None:
        _check_merge(args.merge, folder, args.csv, failures_file, plan.names, args.force)
    jobs = worker_count(args.jobs, plan.total)
    if args.jobs is not None and jobs < args.jobs:
        sys.stderr.write(f"Using {jobs} worker{'s' if jobs > 1 else ''}, not {args.jobs}: "
                         "more than the rows, or more than twice the cores, is not faster.\n")
    if ignored:
        print(column_note(ignored), flush=True)
    one_paper = (args.paper or "letter") if args.merge is not None else None
    progress = _Progress(plan.total, sys.stderr)

    def report(result: Any, summary: Any) -> None:
        # Rows kept unchanged are counted, not listed, so a rerun shows the real problems.
        if result.status in ("failed", "changed"):
            progress.clear()
            if len(result.problems) > 1:  # one line each, under the row's name
                where = result.message.split(f": {len(result.problems)} problems: ", 1)[0]
                sys.stderr.write(f"{where}: {len(result.problems)} problems:\n" + "".join(
                    f"  - {problem}\n" for problem in result.problems))
            else:
                sys.stderr.write(f"{result.message}\n")
        progress.update(summary.done, summary.seconds)

    reserved = frozenset(path.name for path in (args.merge, args.csv)
                         if path is not None and _same_file(path.parent, folder))
    summary = run_batch(args.csv, folder, jobs=jobs, force=args.force,
                        encoding=args.encoding, bank=bank, defaults=defaults,
                        clinic=clinic, report=report, total=plan.total, fmt=args.fmt,
                        reserved=reserved, date_order=date_order, one_paper=one_paper)
    progress.update(summary.done, summary.seconds, final=True)
    for note in summary.notes:
        print(note)
    changed = f"{summary.changed} changed and kept, " if summary.changed else ""
    print(f"{'Stopped' if summary.interrupted else 'Done'}: {summary.written} written, "
          f"{summary.skipped} already there, {changed}{summary.failed} failed, "
          f"in {summary.seconds:.1f} s.")
    if summary.skipped:
        print(f"{summary.skipped} handout{'s' if summary.skipped != 1 else ''} unchanged, "
              "kept.")
    if order.summary():
        print(order.summary())
    if summary.needs_order:
        _advise_date_order(summary.needs_order, order.locale, args.argv)
    if summary.failures:
        try:
            write_failures(failures_file, header_of(args.csv, args.encoding), summary.failures,
                           force=args.force)
            print(f"The rows not printed, with the reasons: {failures_file}")
        except VisitprepError as exc:
            sys.stderr.write(f"Could not write the failures file: {exc.one_line()}\n")
        for kind in ("input", "changed", "output", "bug"):
            if kind in summary.kinds:
                print(_ADVICE[kind])
    elif not summary.interrupted and remove_old_failures(failures_file):
        print(f"Removed the failures file of the last run ({failures_file}): every row "
              "printed this time.")
    if summary.interrupted:
        how = "SIGTERM" if summary.signal == "SIGTERM" else "Ctrl-C"
        sys.stderr.write(f"Stopped by {how}. Every handout listed as written is complete; "
                         "run the same command again to make the rest.\n")
        return EXIT_TERMINATED if summary.signal == "SIGTERM" else EXIT_INTERRUPTED
    if args.merge is not None and not summary.files:
        print(f"No handouts to merge; {args.merge} was not written.")
    if args.merge is not None and summary.files:
        numbers = sorted(summary.files)
        pdfs = [number for number in numbers if format_of(summary.files[number]) == "pdf"]
        files = [folder / summary.files[number] for number in pdfs]
        titles = [summary.titles.get(number, "") for number in pdfs]
        left_out = len(numbers) - len(files)
        missing = [row for row, _, _ in summary.problems]
        kept = {file.name.casefold() for file in files}
        lost = [name for name in read_merged_members(args.merge) if name.casefold() not in kept]
        if files and lost and not args.force:
            # Rebuilding would silently shrink what the clinic prints.
            them, have = ("them", "have") if len(lost) > 1 else ("it", "has")
            who = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
            print(f"Kept {args.merge} as it was: it holds {who}, which {have} no handout "
                  f"this time, and rebuilding it would leave {them} out. Fix the row"
                  f"{'s' if len(lost) > 1 else ''} and run the same command again, or add "
                  f"--force to rebuild it without {them}.")
            files = []
        elif files and missing:
            who = "; ".join(row.where for row in missing[:5]) + (
                f"; and {len(missing) - 5} more" if len(missing) > 5 else "")
            print(f"{args.merge} leaves out {_n(len(missing), 'row')} that did not print "
                  f"({who}).")
        if files:
            digest = merged_digest(files, titles)
            before = read_merged_digest(args.merge)
            if before == digest:
                print(f"{args.merge} already holds these {len(files)} handout"
                      f"{'s' if len(files) != 1 else ''}; kept it.")
            else:
                pages = merge_pdfs(files, args.merge, force=args.force or before is not None,
                                   digest=digest, titles=titles)
                what = "Rebuilt" if before is not None else "Merged"
                why = " (its handouts changed)" if before is not None else ""
                count = f"{len(files)} handout{'s' if len(files) != 1 else ''}"
                print(f"{what} {args.merge}{why}: {count}, {pages} pages, a bookmark for "
                      "each person. Print it double-sided: every handout starts on a new "
                      "sheet.")
        if left_out:
            print(f"{left_out} HTML handout{'s' if left_out != 1 else ''} (from the output "
                  f"column) {'are' if left_out != 1 else 'is'} not in {args.merge}: it holds "
                  "PDF handouts only.")
    return EXIT_BAD_INPUT if summary.failed or summary.changed else EXIT_OK


def _cmd_interview(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty():
        raise UsageError(
            "the interview needs a terminal to type in, and standard input is not one",
            hint="To make a checklist without questions, use an answers file:\n"
            "  visitprep make --answers FILE -o OUT.pdf\n"
            "Try 'visitprep make --help'.",
        )
    from visitprep import dates
    from visitprep.bank import load_bank
    from visitprep.errors import OutputError
    from visitprep.handout import count_pages, handout_pages, make_handout
    from visitprep.interview import StoppedAfterWritingError, run_interview
    from visitprep.models import Profile
    from visitprep.output import write_atomic
    from visitprep.profile import dump_answers, load_answers, profile_from_mapping
    from visitprep.steps import paper_from_locale

    bank = load_bank(args.bank)
    start = (profile_from_mapping(load_answers(args.answers), bank, str(args.answers),
                                  date_order=args.date_order)
             if args.answers else None)
    defaults = _handout_defaults(args)
    clinic = _clinic(args)

    def make(profile: Profile) -> bytes:
        return make_handout(profile, bank, clinic=clinic)

    def write_pdf(profile: Profile, path: Path, force: bool) -> int:
        try:
            pdf = make(profile)
        except VisitprepError as exc:
            raise OutputError(str(exc)) from None
        write_atomic(path, pdf, force=force)
        return count_pages(pdf)

    def write_answers(profile: Profile, path: Path, force: bool) -> None:
        write_atomic(path, dump_answers(profile).encode("utf-8"), force=force)

    def check_text(text: str) -> str | None:
        from visitprep.fonts import unprintable

        problem = unprintable(text)
        return (gettext("This {problem}. Write it another way, or leave it out.")
                .format(problem=problem) if problem else None)

    from visitprep.i18n import language_from_locale, using

    with using(SOURCE_LANGUAGE):  # the interview sets the language chosen on its first screen
        try:
            run_interview(bank, start=start, today=dates.today(),
                          count_pages=lambda profile: handout_pages(profile, bank,
                                                                    clinic=clinic),
                          write_pdf=write_pdf, write_answers=write_answers,
                          answers_path=args.answers, check_text=check_text, defaults=defaults,
                          force=args.force, locale_paper=paper_from_locale(),
                          open_file=_viewer(), locale_language=language_from_locale())
        except StoppedAfterWritingError as exc:
            sys.stderr.write("\n" + gettext("Stopped. Your checklist is saved ({path}); your "
                                            "answers were not saved.").format(path=exc.pdf)
                             + "\n")
            return EXIT_INTERRUPTED
        except KeyboardInterrupt as stop:  # said in the language of the interview
            sys.stderr.write(f"\n{gettext(STOPPED)}\n")
            return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
    return EXIT_OK


def _viewer() -> Any:
    """A function that opens a file in the default viewer (returning why it could not, or
    None), or None where there is no screen to show it on (over ssh, in a console)."""
    import os
    import shutil
    import subprocess

    if sys.platform == "win32":
        command: list[str] | None = None
    elif sys.platform == "darwin":
        command = ["open"]
    else:
        opener = shutil.which("xdg-open")
        if not opener or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return None
        command = [opener]

    def open_file(path: Path) -> str | None:
        try:
            if command is None:
                start: Any = getattr(os, "startfile")  # noqa: B009 - Windows only
                start(path)
                return None
            # Detached: the viewer outlives the interview, and says nothing in the terminal.
            subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        except OSError as exc:
            from visitprep.output import os_reason

            return os_reason(exc)
        return None

    return open_file


def _cmd_templates(args: argparse.Namespace) -> int:
    from visitprep.layout import builtin_names, load_layout

    names = builtin_names()
    width = max(len(name) for name in names)
    for name in names:
        print(f"{name:<{width}}  {load_layout(name).description}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from visitprep.bank import load_bank

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535",
                         hint="Try 'visitprep serve --help'.")
    bank = load_bank(args.bank)
    defaults = _handout_defaults(args)
    clinic = _clinic(args)

    from visitprep.web.app import Settings
    from visitprep.web.server import LOCAL, check_address, serve

    check_address(args.host)
    if args.host != LOCAL:
        sys.stderr.write(
            f"Warning: listening on {args.host}, not only on this computer. The page carries "
            "health information, and it is sent over the network without encryption: anyone "
            "on the network can read it. Use this only on a network you trust.\n")

    def ready(url: str) -> None:
        where = "only this computer can open it" if args.host == LOCAL else "on the network"
        print(f"visitprep is serving the page at {url} ({where}).", flush=True)
        if not args.no_browser:
            print("Opening it in your browser. If it does not open, copy the address into "
                  "your browser.", flush=True)
        print("Press Ctrl-C to stop.", flush=True)

    settings = Settings(bank=bank, hosts=(), defaults=defaults, clinic=clinic,
                        keep_seconds=args.keep_minutes * 60)
    try:
        # Returns when Ctrl-C stops waitress (which catches it and closes the server).
        serve(settings, args.host, DEFAULT_PORT if args.port is None else args.port,
              open_browser=not args.no_browser, on_ready=ready,
              fallback_port=args.port is None)
    except KeyboardInterrupt:
        pass
    print("\nStopped the page. Nothing was saved.", flush=True)
    return EXIT_OK
