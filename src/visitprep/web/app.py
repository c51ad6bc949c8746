"""The local web page: a Flask application made by `create_app(settings)`.

It serves one person on their own computer. What it guards against: another web
page in the same browser posting to it (every form carries this run's token, and an
Origin from elsewhere is refused), a hostile name resolving to 127.0.0.1 (DNS
rebinding: the Host header must be the address served), and traces left behind
(nothing is written to disk, responses are not cached, nothing typed is logged).
Handouts made are kept in memory, a few at a time, so the browser can show and
download them; they go when the server stops.
"""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from flask import Flask, Request, Response, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from visitprep import dates, i18n, steps
from visitprep.dates import ORDERS, format_day
from visitprep.errors import VisitprepError
from visitprep.handout import count_pages
from visitprep.models import MAX_TOP_QUESTIONS, Clinic, Profile, QuestionBank
from visitprep.web import form as forms
from visitprep.web.text import T, count_text, found, result_summary, show_more_text, text

KB = 1024
MB = 1024 * KB
MAX_ANSWERS_BYTES = 64 * KB
MAX_CSV_BYTES = 2 * MB
MAX_CSV_ROWS = 1000
MAX_REQUEST_BYTES = MAX_CSV_BYTES + 64 * KB  # the CSV and the form's other fields
KEEP_RESULTS = 8  # results each browser keeps in memory for showing and downloading
KEEP_BYTES = 256 * MB  # all browsers' results together (each browser's newest is kept)
KEEP_SECONDS = 30 * 60  # how long a result stays: it goes 30 minutes after it was made
COOKIE = "visitprep_browser"  # which browser a result belongs to

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; frame-src 'self'; object-src 'self'; form-action 'self'; "
       "frame-ancestors 'self'; base-uri 'none'")
ENCODINGS = ("utf-8", "cp1252", "latin-1")


def size(limit: int) -> str:
    """A byte limit as people read it."""
    return f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"


@dataclass
class Settings:
    """What one run of the server serves.

    Attributes:
        bank: The question bank.
        hosts: The Host header values accepted (the address served, with its port).
        defaults: The template, paper and fillable options given on the command line.
        clinic: The clinic block printed on every handout.
        token: This run's form token; every POST must carry it.
        today: Today's date, for 'tomorrow' (a function, so a long run stays right).
    """

    bank: QuestionBank
    hosts: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    clinic: Clinic | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    today: Callable[[], dt.date] = dates.today
    any_address_port: int = 0  # listening on every address: any IP address with this port
    keep_seconds: float = KEEP_SECONDS  # how long a result stays in memory

    def allows(self, host: str) -> bool:
        """True for a Host header naming the address served (never a name but localhost)."""
        if host in self.hosts:
            return True
        if not self.any_address_port:
            return False
        address, _, port = host.rpartition(":")
        try:
            ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return False
        return port == str(self.any_address_port)


@dataclass(frozen=True)
class Made:
    """A result kept in memory: its files by name, and what the page says about it.

    `later` holds files drawn only when first asked for (the accessible HTML page):
    name -> (function returning the bytes, media type).
    """

    files: dict[str, tuple[bytes, str]]
    info: dict[str, Any]
    later: dict[str, tuple[Callable[[], bytes], str]] = field(default_factory=dict)

    def size(self) -> int:
        return sum(len(data) for data, _ in self.files.values())


class Results:
    """Each browser's recent results, by an id nobody can guess; in memory only.

    A result belongs to the browser that asked for it (its `owner`, the browser's
    cookie): another browser cannot see it, and one browser's results never push out
    another's. Each browser keeps its last `keep`; every result goes `keep_seconds`
    after it was made; all of them together stay under `keep_bytes` (the oldest go
    first, but a browser's newest result stays until it expires).
    """

    def __init__(self, keep: int = KEEP_RESULTS, keep_bytes: int = KEEP_BYTES,
                 keep_seconds: float = KEEP_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.keep = keep
        self.keep_bytes = keep_bytes
        self.keep_seconds = keep_seconds
        self.clock = clock
        # key -> (owner, made at, result), oldest first
        self.items: OrderedDict[str, tuple[str, float, Made]] = OrderedDict()
        self.lock = threading.Lock()

    def add(self, made: Made, owner: str = "") -> str:
        key = secrets.token_urlsafe(18)
        with self.lock:
            self.items[key] = (owner, self.clock(), made)
            self._expire()
            mine = [k for k, (o, _, _) in self.items.items() if o == owner]
            for old in mine[:-self.keep]:
                del self.items[old]
            newest = {o: k for k, (o, _, _) in self.items.items()}  # each owner's last
            total = sum(m.size() for _, _, m in self.items.values())
            for old in list(self.items):
                if total <= self.keep_bytes:
                    break
                if old not in newest.values():
                    total -= self.items.pop(old)[2].size()
        return key

    def _expire(self) -> None:
        cutoff = self.clock() - self.keep_seconds
        while self.items:
            key, (_, made_at, _) = next(iter(self.items.items()))
            if made_at > cutoff:
                break
            del self.items[key]

    def expire(self) -> None:
        """Drop every result older than `keep_seconds` (the server calls this each minute)."""
        with self.lock:
            self._expire()

    def get(self, key: str, owner: str = "") -> Made | None:
        with self.lock:
            self._expire()
            item = self.items.get(key)
        if item is None or not secrets.compare_digest(item[0], owner):
            return None
        return item[2]

    def file(self, key: str, name: str, owner: str = "") -> tuple[bytes, str] | None:
        """One file of a result, drawing it now if it is drawn only when asked for."""
        made = self.get(key, owner)
        if made is None:
            return None
        if name not in made.files and name in made.later:
            draw, mimetype = made.later[name]
            made.files[name] = (draw(), mimetype)
        return made.files.get(name)

    def __len__(self) -> int:
        with self.lock:
            return len(self.items)


class Maker:
    """Draws handouts one at a time: reportlab is not thread-safe, waitress has threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.layouts: dict[str, Any] = {}

    def pdf(self, profile: Profile, fmt: str = "pdf") -> bytes:
        """The handout as a PDF, or as the accessible HTML page (fmt 'html')."""
        from visitprep.handout import make_handout
        from visitprep.layout import load_layout

        with self.lock:
            if profile.template not in self.layouts:
                self.layouts[profile.template] = load_layout(profile.template)
            return make_handout(profile, self.settings.bank,
                                layout=self.layouts[profile.template],
                                clinic=self.settings.clinic, fmt=fmt)


def check_text(value: str) -> str | None:
    """Why the handout's font cannot print this text, or None."""
    from visitprep.fonts import unprintable

    return unprintable(value)


class _MemoryRequest(Request):
    """Uploads stay in memory: werkzeug would spool a large one to a temporary file."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def create_app(settings: Settings) -> Flask:
    """Make the web application for one run of `visitprep serve`."""
    app = Flask(__name__)
    app.request_class = _MemoryRequest
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, MAX_FORM_MEMORY_SIZE=MAX_CSV_BYTES,
                      TEMPLATES_AUTO_RELOAD=False, SEND_FILE_MAX_AGE_DEFAULT=0)
    app.jinja_env.globals.update(t=T, text=text, token=settings.token,
                                 MAX_TOP_QUESTIONS=MAX_TOP_QUESTIONS, count_text=count_text,
                                 show_more_text=show_more_text,
                                 result_summary=result_summary, pages_text=steps.pages_text)
    app.jinja_env.globals["steps"] = steps
    app.jinja_env.filters["day"] = format_day
    # The interview's questions end with ':' before an answer; the page's labels do not.
    app.jinja_env.filters["label"] = lambda value: str(value).rstrip(": ")
    # Nothing a person types may reach a log: no access log, and errors are logged
    # by their kind only (see `broken`).
    logging.getLogger("werkzeug").disabled = True
    app.logger.disabled = True
    results = Results(keep_seconds=settings.keep_seconds)
    app.extensions["visitprep_results"] = results  # the server expires them each minute
    maker = Maker(settings)

    def localized() -> QuestionBank:
        """The bank in the language of this request."""
        return settings.bank.in_language(i18n.current())

    @app.before_request
    def pick_language() -> None:
        """This request's language: the page's switch or form (language=), else
        `serve --language`, else the browser's Accept-Language; English by default."""
        chosen = str(request.values.get("switch_language", "")
                     or request.values.get("language", "") or request.args.get("lang", ""))
        if chosen not in i18n.LANGUAGES:
            chosen = settings.defaults.get("language") or i18n.language_from_header(
                request.headers.get("Accept-Language"))
        g.language_token = i18n.enter(chosen)

    @app.teardown_request
    def forget_language(exc: BaseException | None) -> None:
        token = g.pop("language_token", None)
        if token is not None:
            i18n.leave(token)

    @app.context_processor
    def language_switch() -> dict[str, Any]:
        here = i18n.current()

        def switch_url(code: str) -> str:
            if request.method == "GET" and request.endpoint:
                return url_for(request.endpoint, **(request.view_args or {}), lang=code)
            return url_for("index", lang=code)

        return {"lang": here, "switch_url": switch_url,
                "languages": [(code, i18n.NAMES.get(code, code))
                              for code in i18n.LANGUAGES if code != here]}
    clinic_lists = threading.Lock()

    @app.before_request
    def guard() -> Response | None:
        # Which browser this is: its results are its own (see Results).
        browser = request.cookies.get(COOKIE, "")
        g.new_browser = not _BROWSER_ID.fullmatch(browser)
        g.browser = secrets.token_urlsafe(32) if g.new_browser else browser
        if not settings.allows(request.host):
            # DNS rebinding: a page from another name that resolves to this address.
            return Response(text("wrong_host", address=settings.hosts[0]) + "\n",
                            status=421, mimetype="text/plain")
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin not in (None, "null") and origin.split("://", 1)[-1] not in settings.hosts:
                return problem(text("bad_token"), 403)
            if not secrets.compare_digest(str(request.form.get("token", "")), settings.token):
                return problem(text("bad_token"), 403)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if getattr(g, "new_browser", False):
            # Lasts until the browser closes; never sent to another site.
            response.set_cookie(COOKIE, g.browser, httponly=True, samesite="Strict")
        return response

    def problem(message: str, status: int) -> Response:
        return Response(render_template("problem.html", message=message), status=status)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: HTTPException) -> Response:
        if request.path == url_for("clinic_list"):
            return page_clinic({"csv": text("csv_too_big", limit=size(MAX_CSV_BYTES))}, 413)
        if request.path == url_for("load"):
            return load_failed(text("load_too_big", limit=size(MAX_ANSWERS_BYTES)), 413)
        return problem(text("too_big", limit=size(MAX_REQUEST_BYTES)), 413)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        message = text("not_found") if exc.code == 404 else (exc.description or "")
        return problem(message, exc.code or 400)

    @app.errorhandler(Exception)
    def broken(exc: Exception) -> Response:  # a bug, not an input
        # The kind of error only: a message or a traceback could hold what was typed.
        logging.getLogger("visitprep.web").error("visitprep serve: internal error (%s)",
                                                 type(exc).__name__)
        return problem(text("broken"), 500)

    # -- the checklist -------------------------------------------------------------

    def page_form(state: forms.FormState, *, notice: str = "", status: int = 200,
                  load_error: str = "") -> Response:
        bank = localized()
        count = preview(state) if state.draft.recurrence and not state.errors else None
        errors = state.ordered_errors
        if load_error:
            errors = [("answers_file", load_error), *errors]
        review = forms.review_topics(bank, state.draft)
        concerns = [t for t in bank.topics if not t.always]
        templates = forms.template_choices(bank, state.draft.template)
        papers = forms.paper_choices(bank)
        first_review = next((topic.picked[0].id for topic in review if topic.picked), "")
        anchors = {
            "answers_file": "answers-file",
            "recurrence": f"recurrence-{bank.recurrences[0].id}",
            "concerns": f"concerns-{concerns[0].id}" if concerns else "review-update",
            "fillable": "fillable-no",
            "review": f"keep-{first_review}" if first_review else "review-update",
            "own": "own", "top": "top-1", "name": "name",
            "visit_date": "visit-day-0" if state.date_choices else "visit-date",
            "doctor": "doctor", "companion": "companion",
            "template": f"template-{templates[0][0]}", "paper": f"paper-{papers[0][0]}",
            "room": "room-standard",
        }
        def label(step_id: str) -> str:
            return steps.step(step_id).text().rstrip(": ")

        # The summary names each field, since its messages are read away from the field.
        labels = {
            "answers_file": text("load_label"), "recurrence": label("recurrence"),
            "concerns": label("concerns"), "review": text("review_title"),
            "own": text("own_title"), "top": text("top_title"), "name": label("name"),
            "visit_date": label("visit-date"), "doctor": label("doctor"),
            "companion": label("companion"), "template": label("template"),
            "paper": label("paper"), "room": label("room"),
        }
        body = render_template(
            "form.html", state=state, draft=state.draft, errors=errors, anchors=anchors,
            labels=labels,
            error_for=dict(errors), notice=notice, bank=bank,
            kinds=steps.choices("recurrence", bank, state.profile())[0].choices,
            concerns=concern_choices(state.draft),
            review=review, top_groups=forms.top_groups(bank, state.draft),
            templates=templates, papers=papers, count=count,
            rooms=forms.room_choices(bank), lengths=forms.length_choices(bank),
            answers_limit=size(MAX_ANSWERS_BYTES),
        )
        return Response(body, status=status)

    def concern_choices(draft: Any) -> tuple[steps.Choice, ...]:
        """The concerns with their hints for the kind chosen (none chosen: the plain
        hints, not "no questions yet", which is only true for "not sure yet")."""
        import dataclasses

        bank = localized()
        profile = dataclasses.replace(draft.profile(), recurrence=draft.recurrence)
        return steps.choices("concerns", bank, profile)[0].choices

    def preview(state: forms.FormState) -> tuple[int, int] | None:
        """(questions, pages) for the form as it stands, or None if it cannot be drawn."""
        bank = localized()
        from visitprep.selection import select_questions

        profile = state.profile()
        try:
            pages = count_pages(maker.pdf(profile))
        except VisitprepError:
            return None
        return select_questions(bank, profile).count, pages

    def read(require_recurrence: bool = True) -> forms.FormState:
        bank = localized()
        return forms.read_form(request.form, bank, today=settings.today(),
                               defaults=settings.defaults, check_text=check_text,
                               require_recurrence=require_recurrence)

    @app.get("/")
    def index() -> Response:
        bank = localized()
        return page_form(forms.read_form(_Empty(), bank, today=settings.today(),
                                         defaults=settings.defaults, require_recurrence=False))

    @app.post("/")
    def submit() -> Response:
        if request.form.get("action") == "update" or request.form.get("switch_language"):
            state = read(require_recurrence=False)
            return page_form(state)
        state = read()
        if state.errors:
            return page_form(state)
        profile = state.profile()
        try:
            pdf = maker.pdf(profile)
        except VisitprepError as exc:
            state.errors["review"] = found("make_failed", str(exc))
            return page_form(state)
        key = results.add(made_checklist(profile, pdf), g.browser)
        return redirect(url_for("result", key=key, lang=i18n.current()),  # type: ignore[return-value]
                        code=303)

    def made_checklist(profile: Profile, pdf: bytes) -> Made:
        bank = localized()
        from visitprep.output import default_name, stem
        from visitprep.profile import dump_answers
        from visitprep.selection import select_questions

        first = default_name(stem("questions"), profile.visit_date, "", profile.name)
        answers = default_name(stem("answers"), profile.visit_date, ".yaml", profile.name)
        files = {f"{first}.pdf": (pdf, "application/pdf"),
                 answers: (dump_answers(profile).encode("utf-8"), "application/yaml")}
        info = {"kind": "checklist", "pdf": f"{first}.pdf", "answers": answers,
                "html": f"{first}.html",
                "answers_text": files[answers][0].decode("utf-8"),
                "pages": count_pages(pdf),
                "questions": select_questions(bank, profile).count}
        # The accessible HTML handout (the same Document as the PDF) is drawn only when
        # it is opened: most people only print the PDF.
        later = {f"{first}.html": (lambda: maker.pdf(profile, fmt="html"), "text/html")}
        return Made(files, info, later)

    @app.get("/result/<key>")
    def result(key: str) -> Response:
        made = results.get(key, g.browser)
        if made is None:
            return problem(text("result_gone"), 404)
        if made.info["kind"] == "checklist":
            return Response(render_template("result.html", key=key, info=made.info))
        return Response(render_template("clinic.html", key=key, info=made.info,
                                        **clinic_context({}, {})))

    @app.get("/result/<key>/<name>")
    def download(key: str, name: str) -> Response:
        found = results.file(key, name, g.browser)
        if found is None:
            return problem(text("result_gone"), 404)
        data, mimetype = found
        response = Response(data, mimetype=mimetype)
        # Shown in the page (the PDF) unless asked to download.
        inline = request.args.get("show") == "1" and mimetype in ("application/pdf",
                                                                  "text/html")
        disposition = "inline" if inline else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
        if mimetype == "text/html":
            from visitprep.render.html import page_policy

            # The handout's own policy: its inline style sheet applies, nothing loads.
            response.headers["Content-Security-Policy"] = page_policy(data.decode("utf-8"))
        return response

    @app.post("/load")
    def load() -> Response:
        bank = localized()
        from visitprep.profile import profile_from_mapping
        from visitprep.yamlfile import parse_yaml

        upload = request.files.get("answers_file")
        name = "your answers"
        if upload is not None and upload.filename:
            name = _plain_name(upload.filename)
            data = upload.read(MAX_ANSWERS_BYTES + 1)
            if len(data) > MAX_ANSWERS_BYTES:
                return load_failed(text("load_too_big", limit=size(MAX_ANSWERS_BYTES)))
        elif request.form.get("answers_text"):
            data = str(request.form["answers_text"]).encode("utf-8")
        else:
            return load_failed(text("load_missing"))
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return load_failed(text("load_not_text", name=name))
        try:
            mapping = parse_yaml(source, name)
            if not isinstance(mapping, dict):
                raise VisitprepError(f"{name}: an answers file must be 'key: value' lines",
                                     hint="For example: recurrence: distant")
            profile = profile_from_mapping(mapping, bank, name)
            if profile.template not in dict(forms.template_choices(bank,
                    settings.defaults.get("template", "standard"))):
                raise VisitprepError(
                    f"{name}: the template '{profile.template}' is not one this page offers",
                    hint="Choose the print size on the page instead.")
        except VisitprepError as exc:
            return load_failed(found("load_failed", str(exc)))
        if profile.language != i18n.current():  # the answers file remembers its language
            i18n.activate(profile.language)
        state = forms.FormState.from_profile(profile, settings.today())
        for key, value in settings.defaults.items():
            if key == "language":  # the file's own language wins over serve --language
                continue
            if key != "template" or profile.template == "standard":
                setattr(state.draft, key, value)
        return page_form(state, notice=text("loaded", name=name) if upload else "")

    def load_failed(message: str, status: int = 200) -> Response:
        bank = localized()
        state = forms.read_form(_Empty(), bank, today=settings.today(),
                                defaults=settings.defaults, require_recurrence=False)
        return page_form(state, load_error=message, status=status)

    @app.post("/api/preview")
    def api_preview() -> Response:
        bank = localized()
        state = read(require_recurrence=False)
        count = preview(state) if state.draft.recurrence and not state.errors else None
        fragments = {
            "review": render_template("_review.html", draft=state.draft,
                                      review=forms.review_topics(bank, state.draft),
                                      error_for={}),
            "top_groups": forms.top_groups(bank, state.draft),
        }
        status = count_text(*count) if count else ""
        # Step 2's words follow the kind chosen: "no questions yet" only for not sure yet.
        hints = {c.value: c.hint for c in concern_choices(state.draft)}
        intro = steps.concerns_intro(bank, state.draft.recurrence)
        return _json({"count": status, "date": state.date_note,
                      "date_error": state.errors.get("visit_date", ""),
                      "hints": hints, "concerns_intro": intro, **fragments})

    # -- the clinic list -----------------------------------------------------------

    def page_clinic(errors: dict[str, str], status: int = 200,
                    chosen: dict[str, str] | None = None) -> Response:
        return Response(render_template("clinic.html", info=None,
                                        **clinic_context(errors, chosen or {})), status=status)

    def browser_date_order() -> str:
        """How the browser's languages write 12/8/2026 (en-US: month first)."""
        from visitprep.dates import browser_order

        return browser_order([tag for tag, _ in request.accept_languages])

    def clinic_context(errors: dict[str, str], chosen: dict[str, str]) -> dict[str, Any]:
        bank = localized()
        templates = forms.template_choices(bank, settings.defaults.get("template", "standard"))
        papers = forms.paper_choices(bank)
        order = ("csv", "date_order", "encoding", "template", "paper")
        return {
            "errors": [(k, errors[k]) for k in order if k in errors], "error_for": errors,
            "labels": {"csv": text("csv_label"), "encoding": text("encoding_legend"),
                       "template": text("clinic_template_legend"),
                       "paper": text("clinic_paper_legend"),
                       "date_order": text("date_order_legend")},
            "anchors": {"csv": "csv", "encoding": f"encoding-{ENCODINGS[0]}",
                        "template": f"template-{templates[0][0]}",
                        "paper": f"paper-{papers[0][0]}",
                        "date_order": f"date-order-{ORDERS[0]}"},
            "orders_named": [(o, text(f"date_order_{o}")) for o in ORDERS],
            "default_order": browser_date_order(),
            "encodings_named": [(e, text(f"encoding_{e}")) for e in ENCODINGS],
            "templates": templates, "papers": papers, "chosen": chosen,
            "default_template": settings.defaults.get("template", "standard"),
            "default_paper": settings.defaults.get("paper", "letter"),
            "csv_limit": size(MAX_CSV_BYTES), "csv_rows": MAX_CSV_ROWS,
        }

    @app.get("/clinic-list")
    def clinic_list() -> Response:
        return page_clinic({})

    @app.post("/clinic-list")
    def clinic_print() -> Response:
        bank = localized()
        from visitprep.batch import decode_csv
        from visitprep.web.clinic_list import print_list_isolated

        chosen = {key: str(request.form.get(key, "")) for key in ("encoding", "template",
                                                                    "paper", "date_order")}
        errors: dict[str, str] = {}
        encoding = chosen["encoding"] or "utf-8"
        template = chosen["template"] or settings.defaults.get("template", "standard")
        paper = chosen["paper"] or settings.defaults.get("paper", "letter")
        if encoding not in ENCODINGS:
            errors["encoding"] = text("bad_choice")
        if template not in dict(forms.template_choices(bank,
                settings.defaults.get("template", "standard"))):
            errors["template"] = text("bad_choice")
        if paper not in dict(forms.paper_choices(bank)):
            errors["paper"] = text("bad_choice")
        date_order = chosen["date_order"] or browser_date_order()
        if date_order not in ORDERS:
            errors["date_order"] = text("bad_choice")
        upload = request.files.get("csv")
        if upload is None or not upload.filename:
            errors = {"csv": text("csv_missing"), **errors}
            return page_clinic(errors, chosen=chosen)
        if errors:
            return page_clinic(errors, chosen=chosen)
        name = _plain_name(upload.filename)
        data = upload.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            return page_clinic({"csv": text("csv_too_big", limit=size(MAX_CSV_BYTES))},
                               chosen=chosen)
        defaults = {**settings.defaults, "template": template, "paper": paper}
        try:
            csv_text = decode_csv(data, name, encoding)
        except VisitprepError as exc:
            return page_clinic({"csv": found("csv_failed", str(exc))}, chosen=chosen)
        del data
        with clinic_lists:  # one list at a time: each takes a core while it prints
            # The English bank: each row makes its handout in its own language.
            made = print_list_isolated(csv_text, name, defaults, settings.bank, settings.clinic,
                                       MAX_CSV_ROWS, date_order, tuple(dict(forms.template_choices(
                                           bank, settings.defaults.get("template",
                                                                       "standard")))))
        if made.too_many:
            return page_clinic({"csv": text("csv_too_many", rows=MAX_CSV_ROWS)},
                               chosen=chosen)
        if made.error:
            return page_clinic({"csv": found("csv_failed", made.error)}, chosen=chosen)
        files, info = made.files, made.info
        key = results.add(Made(files, info), g.browser)
        return redirect(url_for("result", key=key, lang=i18n.current()),  # type: ignore[return-value]
                        code=303)

    return app


class _Empty(dict[str, Any]):
    """An empty form."""

    def getlist(self, key: str) -> list[Any]:
        return []


_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def _plain_name(filename: str) -> str:
    """The uploaded file's own name, without any folder, for messages."""
    name = re.split(r"[\\/]", filename)[-1].strip()
    return name[:80] or "the file"


def _json(data: dict[str, Any]) -> Response:
    import json

    return Response(json.dumps(data), mimetype="application/json")
