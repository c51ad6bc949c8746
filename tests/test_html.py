"""The accessible HTML handout, parsed back: headings, labels, escaping, no outside resources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from visitprep.handout import make_document, make_handout
from visitprep.layout import builtin_names, load_layout
from visitprep.models import Clinic, Profile, QuestionBank
from visitprep.render.html import css_string, link_addresses, page_policy, render_html

from conftest import Result

Run = Callable[..., Result]

LABELLED = ("input", "textarea", "select")
VOID = {"meta", "input", "br", "img", "link", "hr", "source", "area", "base", "col", "embed",
        "param", "track", "wbr"}


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parent: Element | None = None


class Page(HTMLParser):
    """A small DOM: every element in order, its attributes and the text inside it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.doctype = ""
        self.feed(html)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs},
                          parent=self.stack[-1] if self.stack else None)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack and self.stack[-1].tag == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def by_id(self, ident: str) -> Element:
        (found,) = [e for e in self.elements if e.attrs.get("id") == ident]
        return found

    def label_of(self, element: Element) -> str:
        """The accessible name from aria-label, aria-labelledby or a <label for=...>."""
        if "aria-label" in element.attrs:
            return element.attrs["aria-label"]
        if "aria-labelledby" in element.attrs:
            return " ".join(words(self.by_id(ident).text)
                            for ident in element.attrs["aria-labelledby"].split())
        labels = [e for e in self.all("label") if e.attrs.get("for") == element.attrs.get("id")]
        assert len(labels) == 1, f"{element.attrs} has {len(labels)} labels"
        return " ".join(labels[0].text.split())


def words(text: str) -> str:
    return " ".join(text.split())


def page_for(bank: QuestionBank, **fields: object) -> tuple[Page, str]:
    profile = Profile(**{"recurrence": "distant", **fields})  # type: ignore[arg-type]
    html = make_handout(profile, bank, fmt="html").decode("utf-8")
    return Page(html), html


FULL = {
    "concerns": ("costs", "clinical-trials", "symptoms", "side-effects"),
    "name": "Maria López", "doctor": "Dr. Okafor",
    "visit_date": dt.date(2026, 12, 3),
    "custom_questions": ("Can I travel to see my grandson in March?", "Who pays for parking?"),
    "top_questions": ("Can I travel to see my grandson in March?", "tx-choices"),
}


def test_a_whole_page_with_the_language_title_and_header(bank: QuestionBank) -> None:
    page, html = page_for(bank, **FULL)
    assert page.doctype.lower() == "doctype html"
    (root,) = page.all("html")
    assert root.attrs["lang"] == "en"
    (title,) = page.all("title")
    assert title.text == "Questions about my cancer coming back: Maria López"
    assert [m.attrs.get("charset") for m in page.all("meta")][0] == "utf-8"
    main = page.all("main")
    assert len(main) == 1 and len(page.all("footer")) == 1
    fields = " ".join(words(p.text) for p in page.elements if "field" in p.attrs.get("class", ""))
    assert "Name: Maria López" in fields and "Visit date: Thursday, December 3, 2026" in fields
    assert "Doctor: Dr. Okafor" in fields
    # The one field not given is an input to fill in, labelled by its printed label.
    assert page.label_of(page.by_id("companion")) == "Coming with me:"
    situation = [p for p in page.all("p") if p.attrs.get("class") == "situation"]
    assert words(situation[0].text).startswith("About my cancer: The cancer has spread")
    assert "It does not replace their care or advice" in page.all("footer")[0].text
    assert html.count("<style>") == 1


def test_headings_one_h1_then_h2_in_reading_order_without_skipping(bank: QuestionBank) -> None:
    for template in builtin_names():
        page, _ = page_for(bank, template=template, **FULL)
        headings = [e for e in page.elements if re.fullmatch(r"h[1-6]", e.tag)]
        levels = [int(h.tag[1]) for h in headings]
        assert levels[0] == 1 and levels.count(1) == 1
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{template}: h{before} then h{after}"
        texts = [words(h.text) for h in headings]
        layout = load_layout(template)
        clinic = layout.text["clinic_contact"]
        assert texts[0] == layout.text["title"]
        if "label_box" in layout.features:  # the navigator's clinic block, on page 1
            assert texts[1] == clinic
        rest = [t for t in texts if t not in (clinic, "Words you may hear")]
        assert rest[1:4] == ["My top questions", "How to use this list", "My own questions"]
        assert texts.index("Symptoms to call about") < texts.index("Notes")
        assert texts[-2:] == ["Where to learn more", "Where these questions come from"]
        # One named region, the top questions, so that a screen reader's list of
        # landmarks stays short; every other section starts with its h2.
        regions = [e for e in page.all("section") if "aria-labelledby" in e.attrs]
        assert [words(page.by_id(r.attrs["aria-labelledby"]).text) for r in regions] == [
            "My top questions"]
        for section in page.all("section"):
            inside = [e for e in page.elements if e.parent is section
                      or (e.parent is not None and e.parent.parent is section)]
            assert "h2" in [e.tag for e in inside[:2]], section.attrs


def test_every_question_is_a_labelled_checkbox_with_a_labelled_answer(
        bank: QuestionBank) -> None:
    page, _ = page_for(bank, **FULL)
    document, _layout = make_document(Profile(recurrence="distant", **FULL), bank)  # type: ignore[arg-type]
    top = [(f"top_{n}", f"{n}. {item.text}", item.text) for n, item in enumerate(document.top, 1)]
    own = [item for s in document.sections for item in s.items if item.is_own]
    rest = [(item.id or f"own_{own.index(item) + 1}", item.text, item.text)
            for s in document.sections for item in s.items]
    assert len(rest) > 20
    for field, label, text in top + rest:
        box = page.by_id(f"{field}_done")
        assert box.tag == "input" and box.attrs["type"] == "checkbox"
        assert box.attrs["name"] == f"{field}_done"
        assert page.label_of(box) == label
        answer = page.by_id(f"{field}_answer")
        assert answer.tag == "textarea" and answer.attrs["name"] == f"{field}_answer"
        assert page.label_of(answer) == f"Answer to: {text}"
    # The top questions come first: before every other question on the page.
    boxes = [e.attrs["id"] for e in page.all("input") if e.attrs.get("type") == "checkbox"]
    assert boxes[:3] == ["top_1_done", "top_2_done", "top_3_done"]


def test_every_control_has_a_label_and_a_unique_id(bank: QuestionBank) -> None:
    for template in builtin_names():
        page, _ = page_for(bank, template=template, concerns=tuple(bank.concern_ids),
                           custom_questions=("One?", "Two?"), top_questions=("tx-choices",))
        controls = [e for e in page.elements if e.tag in LABELLED]
        assert len(controls) > 50
        for control in controls:
            assert page.label_of(control).strip(), control.attrs
        ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
        assert len(ids) == len(set(ids))
        names = [e.attrs["name"] for e in controls]
        assert len(names) == len(set(names))


def test_an_empty_top_slot_has_a_labelled_line_for_ones_own_question(
        bank: QuestionBank) -> None:
    page, _ = page_for(bank, top_questions=("tx-choices",))
    # a linked pair takes one place in the top box, read as one
    assert page.label_of(page.by_id("top_1_done")) == \
        "1. What are my treatment choices? Which do you suggest for me?"
    assert page.label_of(page.by_id("top_2_question")) == \
        "2. Write your own top question 2 here"
    assert page.label_of(page.by_id("top_2_done")) == "Top question 2 answered"
    assert page.label_of(page.by_id("top_3_answer")) == "Answer to top question 3"


def test_the_symptom_checklist_has_a_labelled_box_and_when_for_each(bank: QuestionBank) -> None:
    page, _ = page_for(bank, concerns=("symptoms",))
    (checklist,) = bank.checklists
    for number, entry in enumerate(checklist.items, 1):
        assert page.label_of(page.by_id(f"symptom_{number}")) == entry
        assert page.label_of(page.by_id(f"symptom_{number}_when")) == f"When it started: {entry}"
    assert not [e for e in page.elements if e.attrs.get("id") == "symptom_1"
                and e.attrs.get("type") != "checkbox"]


def test_notes_resources_and_sources(bank: QuestionBank) -> None:
    page, _ = page_for(bank)
    assert page.label_of(page.by_id("notes")) == "Notes"
    text = words(page.all("main")[0].text)
    for resource in bank.resources:
        assert resource.name in text and resource.phone in text
    document, _layout = make_document(Profile(recurrence="distant"), bank)
    assert document.sources
    items = [words(li.text) for li in page.all("li")]
    for source in document.sources:
        assert words(source) in items


def test_nothing_is_loaded_from_outside(bank: QuestionBank) -> None:
    clinic = Clinic(name="Riverside", website="https://riverside.example/cancer")
    profile = Profile(recurrence="distant", template="navigator", concerns=("symptoms",))
    document, layout = make_document(profile, bank, clinic=clinic)
    html = render_html(document, layout)
    page = Page(html)
    for tag in ("script", "img", "link", "iframe", "object", "embed", "base", "form"):
        assert not page.all(tag), tag  # (a clinic's logo is an img inside the page: below)
    assert not [e for e in page.elements if "src" in e.attrs or "style" in e.attrs]
    (style,) = page.all("style")
    assert "url(" not in style.text and "@import" not in style.text
    links = [a.attrs["href"] for a in page.all("a")]
    # Only the resources' and the clinic's own addresses, as written on the page.
    assert links == ["https://riverside.example/cancer", "https://www.cancer.gov",
                     "https://www.cancer.net"]
    for a in page.all("a"):
        assert a.attrs["href"].endswith(a.text.removeprefix("https://"))
    policy = [m.attrs["content"] for m in page.all("meta")
              if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert policy and policy[0].startswith("default-src 'none'; style-src 'sha256-")


def test_the_policy_lets_exactly_its_own_style_sheet_apply(bank: QuestionBank) -> None:
    import base64
    import hashlib

    page, html = page_for(bank)
    (style,) = page.all("style")
    digest = base64.b64encode(hashlib.sha256(style.text.encode()).digest()).decode()
    (policy,) = [m.attrs["content"] for m in page.all("meta")
                 if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy
    assert page_policy(html) == policy  # what a server sends as the header with the page
    with pytest.raises(ValueError):
        page_policy("<html></html>")


HOSTILE_NAME = "<script>alert('x')</script> & Sons \"Ltd\""
HOSTILE_QUESTION = "Is x<y & z a problem? </textarea><b>bold</b>"


def test_names_and_own_questions_are_escaped(bank: QuestionBank) -> None:
    page, html = page_for(bank, name=HOSTILE_NAME, doctor="Dr. R&D <Okafor>",
                          custom_questions=(HOSTILE_QUESTION, f"2 {HOSTILE_QUESTION}"),
                          top_questions=(HOSTILE_QUESTION,))
    assert not page.all("script") and not page.all("b")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert page.all("title")[0].text == f"Questions about my cancer coming back: {HOSTILE_NAME}"
    text = words(page.all("main")[0].text)
    assert f"Name: {HOSTILE_NAME}" in text and "Doctor: Dr. R&D <Okafor>" in text
    assert page.label_of(page.by_id("top_1_done")) == f"1. {HOSTILE_QUESTION}"
    assert page.label_of(page.by_id("own_1_done")) == f"2 {HOSTILE_QUESTION}"
    assert page.label_of(page.by_id("own_1_answer")) == f"Answer to: 2 {HOSTILE_QUESTION}"
    # The running head of printed pages quotes the name inside the style sheet, escaped.
    (style,) = page.all("style")
    assert "<" not in style.text and "alert" in style.text


def test_text_cannot_break_out_of_the_style_sheet(bank: QuestionBank) -> None:
    document, layout = make_document(Profile(recurrence="local"), bank)
    hostile = dataclasses.replace(document, running_head='x"; } </style><script>1</script>',
                                  page_label="Page {page} \\ {pages} \"")
    page = Page(render_html(hostile, layout))
    assert not page.all("script")
    (style,) = page.all("style")
    assert "</" not in style.text and '"; }' not in style.text


def test_css_strings_and_links() -> None:
    assert css_string("Page 1") == '"Page 1"'
    assert css_string('a"b') == '"a\\000022 b"'
    assert css_string("é") == '"\\0000e9 "'
    assert str(link_addresses("NCI: 1-800, www.cancer.gov")) == \
        'NCI: 1-800, <a href="https://www.cancer.gov">www.cancer.gov</a>'
    assert str(link_addresses("see https://a.example/x?a=1&b=2.")) == \
        'see <a href="https://a.example/x?a=1&amp;b=2">https://a.example/x?a=1&amp;b=2</a>.'
    assert str(link_addresses("<b>no link</b>")) == "&lt;b&gt;no link&lt;/b&gt;"


@pytest.mark.parametrize("name", ["Дмитрий Иванов", "Νίκος", "Nguyễn Thị Hương", "王小明",
                                  "محمد علي", "שרה כהן", "Ana 🌻"])
def test_names_in_any_script_are_written_as_typed(bank: QuestionBank, name: str) -> None:
    # The PDF's font cannot draw Chinese or emoji, nor right-to-left text in order; a
    # browser can, so the HTML handout takes them, marked for the reading direction.
    page, html = page_for(bank, name=name, custom_questions=(f"{name}?",),
                          top_questions=("tx-choices",))
    assert f">{name}<" in html
    value = [e for e in page.all("span") if e.attrs.get("class") == "value"][0]
    assert value.text == name and value.attrs["dir"] == "auto"
    assert page.label_of(page.by_id("own_1_done")) == f"{name}?"
    assert page.by_id("own_1_done").parent is not None


def test_each_template_sizes_print_from_its_own_points(bank: QuestionBank) -> None:
    sizes = {}
    for template in builtin_names():
        page, _ = page_for(bank, template=template, paper="a4")
        css = page.all("style")[0].text
        screen = float(re.search(r"html \{ font-size: ([\d.]+)px", css).group(1))  # type: ignore[union-attr]
        printed = float(re.search(r"@media print \{\s*html \{ font-size: ([\d.]+)pt",  # type: ignore[union-attr]
                                  css).group(1))
        assert screen >= 18 and "size: A4;" in css and "@page :first" in css
        sizes[template] = printed
    assert sizes["standard"] == 12 and sizes["large-print"] == 18
    assert sizes["navigator"] == load_layout("navigator").body_size


def test_navigator_has_clinic_label_box_and_support_people(bank: QuestionBank) -> None:
    page, _ = page_for(bank, template="navigator")
    headings = [words(h.text) for h in page.all("h2")]
    assert "People who can support you" in headings
    assert "For more local information, please contact:" in headings
    clinic = page.by_id("clinic")
    assert clinic.tag == "textarea"
    assert page.label_of(clinic) == "For more local information, please contact:"
    assert any(e.attrs.get("class") == "label-box" and e.text == "Place label here"
               for e in page.elements)
    given = Clinic(name="Riverside & Co", phone="555", address=("1 Main <St>",))
    document, layout = make_document(Profile(recurrence="local", template="navigator"), bank,
                                     clinic=given)
    text = words(Page(render_html(document, layout)).all("main")[0].text)
    assert "Riverside & Co 1 Main <St> Phone: 555" in text


def test_making_html_never_loads_reportlab() -> None:
    code = ("import sys\nfrom visitprep.bank import load_bank\n"
            "from visitprep.models import Profile\nfrom visitprep.handout import make_handout\n"
            "html = make_handout(Profile(recurrence='local', concerns=('symptoms',)), "
            "load_bank(), fmt='html')\n"
            "assert html.startswith(b'<!DOCTYPE html>'), html[:40]\n"
            "assert not [m for m in sys.modules if m.startswith('reportlab')]\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_html_template_ships_inside_the_package() -> None:
    from visitprep.render import html

    assert (html.TEMPLATE_DIR / "handout.html").is_file()
    assert (html.TEMPLATE_DIR / "handout.css").is_file()
    assert html.TEMPLATE_DIR.is_relative_to(Path(html.__file__).parent)


# -- the command line --------------------------------------------------------------------

FULL_FILE = Path(__file__).parent / "data" / "answers" / "full.yaml"


def test_make_writes_html_by_the_file_name(run: Run, tmp_path: Path) -> None:
    result = run("make", "--answers", str(FULL_FILE), "-o", "visit.html")
    assert result.code == 0, result.err
    assert result.out == ("Wrote visit.html. Open it in a web browser to read it, fill it in "
                          "or print it.\n")
    page = Page((tmp_path / "visit.html").read_text(encoding="utf-8"))
    assert page.label_of(page.by_id("own_1_done")) == "Is x<y & z a problem?"
    assert "size: A4;" in page.all("style")[0].text  # paper: a4 from the answers file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.html"]  # no temporary file


@pytest.mark.parametrize(("argv", "name", "fmt"), [
    (["--format", "html"], "visit-questions-maria-lopez-2026-12-03.html", "html"),
    (["--format", "html", "-o", "out"], "out", "html"),
    (["--format", "pdf", "-o", "out.pdf"], "out.pdf", "pdf"),
    (["-o", "OUT.HTM"], "OUT.HTM", "html"),
    (["-o", "out"], "out", "pdf"),
    ([], "visit-questions-maria-lopez-2026-12-03.pdf", "pdf"),
])
def test_format_from_the_option_or_the_extension(run: Run, tmp_path: Path, argv: list[str],
                                                 name: str, fmt: str) -> None:
    result = run("make", "--answers", str(FULL_FILE), *argv)
    assert result.code == 0, result.err
    data = (tmp_path / name).read_bytes()
    assert data.startswith(b"%PDF" if fmt == "pdf" else b"<!DOCTYPE html>")


@pytest.mark.parametrize(("fmt", "name", "kind"), [("pdf", "x.html", "an HTML"),
                                                   ("html", "x.pdf", "a PDF")])
def test_a_format_that_contradicts_the_file_name_is_a_usage_error(
        run: Run, tmp_path: Path, fmt: str, name: str, kind: str) -> None:
    result = run("make", "--answers", str(FULL_FILE), "--format", fmt, "-o", name)
    assert result.code == 2
    assert result.err == (
        f"Error: --format {fmt} does not match the file name {name}, which makes {kind} "
        f"file.\nGive the file a .{fmt} name, or leave out --format (the file name's "
        "extension then chooses the format).\n")
    assert list(tmp_path.iterdir()) == []


def test_html_is_never_written_over_an_existing_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "visit.html"
    target.write_text("mine", encoding="utf-8")
    result = run("make", "--answers", str(FULL_FILE), "-o", "visit.html")
    assert result.code == 1
    assert result.err == ("Error: visit.html already exists.\n"
                          "Choose another name, or add --force to replace it.\n")
    assert target.read_text(encoding="utf-8") == "mine"
    assert run("make", "--answers", str(FULL_FILE), "-o", "visit.html", "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.html"]


def test_html_into_a_missing_folder_is_refused_before_any_work(run: Run,
                                                              tmp_path: Path) -> None:
    result = run("make", "--answers", str(FULL_FILE), "-o", "nowhere/visit.html")
    assert result.code == 1
    assert result.err.startswith("Error: the folder nowhere does not exist.\n")


def test_cli_formats_match_the_models() -> None:
    from visitprep import cli, models

    assert cli.FORMATS == models.FORMATS


# -- batch --------------------------------------------------------------------------------

MIXED = ("name,recurrence,output\n"
         "Ann Lee,local,ann.html\n"
         "Bo <Chen> & Co,distant,bo.PDF\n"
         "Cy Diaz,unsure,\n"
         "Di Ek,regional,di.HTM\n")


def test_batch_rows_choose_html_by_their_output_cell(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(MIXED, encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--merge", "all.pdf", "--jobs", "1")
    assert result.code == 0, result.err
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["Cy-Diaz.pdf", "ann.html", "bo.pdf",
                                                      "di.htm"]
    ann = Page((out / "ann.html").read_text(encoding="utf-8"))
    assert words(ann.all("main")[0].text).startswith(
        "Questions about my cancer coming back This page does not keep what you type.")
    assert "before you close it. Name: Ann Lee" in words(ann.all("main")[0].text)
    assert (out / "bo.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "di.htm").read_bytes().startswith(b"<!DOCTYPE html>")
    assert "Merged all.pdf: 2 handouts" in result.out
    assert "2 HTML handouts (from the output column) are not in all.pdf" in result.out
    # A rerun keeps each file whose fingerprint (an HTML page's keywords tag) still matches,
    # and says which ones no longer match what the row prints now.
    again = run("batch", "list.csv", "-o", "out", "--merge", "all.pdf")
    assert again.code == 0, again.err
    assert "4 handouts unchanged, kept." in again.out
    assert "ann.html" not in again.out + again.err  # kept rows are counted, not listed
    assert "Done: 0 written, 4 already there, 0 failed" in again.out
    assert "all.pdf already holds these 2 handouts; kept it." in again.out
    (tmp_path / "list.csv").write_text(MIXED.replace("Ann Lee,local", "Ann Lee,distant"),
                                       encoding="utf-8")
    changed = run("batch", "list.csv", "-o", "out")
    assert changed.code == 1
    assert "row 2 (Ann Lee): ann.html is already there but is not the handout" in changed.err


def test_batch_format_html_names_every_file_html(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(MIXED, encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--format", "html", "--jobs", "1")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Cy-Diaz.html", "ann.html", "bo.pdf", "di.htm"]
    page = Page((tmp_path / "out" / "Cy-Diaz.html").read_text(encoding="utf-8"))
    assert page.all("html")[0].attrs["lang"] == "en"


def test_batch_merge_with_format_html_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(MIXED, encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--format", "html", "--merge", "all.pdf")
    assert result.code == 2
    assert result.err.startswith("Error: --merge joins PDF handouts into one file to print; "
                                 "it cannot be used with --format html.\n")
    assert not (tmp_path / "out").exists()


def test_output_names_keep_the_format_the_cell_asks_for() -> None:
    from visitprep.batch import Names, Row, format_of, output_name

    assert output_name(Row(2, {"output": "x.Html"}, ()))[0] == "x.html"
    assert output_name(Row(2, {"output": "x.final"}, ()), ".html")[0] == "x.final.html"
    assert output_name(Row(2, {}, ()), ".html")[0] == "row-2.html"
    names = Names()
    assert [names.claim(n) for n in ("a.html", "A.html", "a.pdf")] == ["a.html", "A-2.html",
                                                                      "a.pdf"]
    assert [format_of(n) for n in ("a.html", "a.HTM", "a.pdf", "a")] == ["html", "html",
                                                                        "pdf", "pdf"]


def test_the_glossary_box_lists_the_words_the_questions_use(bank: QuestionBank) -> None:
    document, layout = make_document(Profile(recurrence="distant", concerns=FULL["concerns"]),
                                     bank)
    assert document.glossary, "the bank should explain some word this handout uses"
    page = Page(render_html(document, layout))
    box = page.by_id("glossary-title")
    assert box.tag == "h2" and words(box.text) == document.glossary_title
    assert box.parent is not None and "glossary-box" in box.parent.attrs["class"]
    terms = [words(e.text) for e in page.all("dt")]
    meanings = [words(e.text) for e in page.all("dd")]
    assert list(zip(terms, meanings, strict=True)) == [
        (term, words(meaning)) for term, meaning in document.glossary]
    # As in the PDF: under "About my cancer", after the steps and before the first topic.
    headings = [words(h.text) for h in page.all("h2")]
    assert headings.index(document.glossary_title) == headings.index("How to use this list") + 1
    assert headings.index(document.glossary_title) < headings.index(
        document.sections[0].title)
    assert headings.index("Symptoms to call about") < headings.index("Notes")
    empty = dataclasses.replace(document, glossary=(), glossary_title="")
    assert not Page(render_html(empty, layout)).all("dl")


def test_the_checklist_call_line_is_a_labelled_field(bank: QuestionBank) -> None:
    page, _ = page_for(bank, concerns=("symptoms",))
    (checklist,) = bank.checklists
    assert checklist.call_line
    field = page.by_id("call_number")
    assert field.tag == "input" and page.label_of(field) == checklist.call_line


@pytest.mark.parametrize(("kind", "mime"), [("png", "image/png"), ("jpg", "image/jpeg")])
def test_the_clinic_logo_is_inside_the_page(run: Run, tmp_path: Path, kind: str,
                                           mime: str) -> None:
    from PIL import Image

    Image.new("RGB", (300, 100), (20, 60, 140)).save(tmp_path / f"logo.{kind}")
    (tmp_path / "clinic.yaml").write_text(f"name: Riverside\nlogo: logo.{kind}\n",
                                          encoding="utf-8")
    result = run("make", "--recurrence", "local", "--template", "navigator", "--clinic",
                 "clinic.yaml", "-o", "visit.html")
    assert result.code == 0, result.err
    html = (tmp_path / "visit.html").read_text(encoding="utf-8")
    page = Page(html)
    (image,) = page.all("img")
    assert image.attrs["src"].startswith(f"data:{mime};base64,")
    assert image.attrs["alt"] == "Riverside"  # the clinic file's alt:, else its name
    assert image.parent is not None and image.parent.attrs["class"] == "clinic"
    assert page_policy(html).startswith("default-src 'none'; style-src 'sha256-")
    assert "img-src data:;" in page_policy(html)
    # On the navigator's handout the block is on page 1, under the header.
    headings = [words(h.text) for h in page.all("h2")]
    assert headings[:2] == ["For more local information, please contact:", "My top questions"]


def test_a_logo_gone_since_the_clinic_file_was_read_is_a_clear_error(
        bank: QuestionBank, tmp_path: Path) -> None:
    from visitprep.errors import RenderError

    document, layout = make_document(Profile(recurrence="local"), bank,
                                     clinic=Clinic(name="R", logo=str(tmp_path / "gone.png")))
    with pytest.raises(RenderError, match="the clinic's logo .*gone.png cannot be read"):
        render_html(document, layout)
    (tmp_path / "notes.png").write_text("not a picture", encoding="utf-8")
    document = dataclasses.replace(document, clinic_logo=str(tmp_path / "notes.png"))
    with pytest.raises(RenderError, match="is not a PNG or JPEG image"):
        render_html(document, layout)


def test_an_html_handout_records_what_it_was_made_from(bank: QuestionBank,
                                                       tmp_path: Path) -> None:
    from visitprep.handout import fingerprint, read_fingerprint
    from visitprep.layout import load_layout

    profile = Profile(recurrence="local", name="Ann")
    page = make_handout(profile, bank, fmt="html")
    path = tmp_path / "ann.html"
    path.write_bytes(page)
    assert read_fingerprint(path) == fingerprint(profile, bank, load_layout("standard"), None)
    path.write_bytes(page[: len(page) // 2])  # cut short: not a whole handout
    assert read_fingerprint(path) is None
    path.write_bytes(page.replace(b'<meta name="keywords"', b'<meta name="other"'))
    assert read_fingerprint(path) is None


def test_the_symptom_table_has_a_heading_on_every_column_and_the_call_now_line(
        bank: QuestionBank) -> None:
    from visitprep.models import Clinic

    profile = Profile(recurrence="unsure", concerns=("symptoms",))
    html = make_handout(profile, bank, fmt="html",
                        clinic=Clinic(phone="(555) 010-0100")).decode("utf-8")
    page = Page(html)
    headings = [" ".join(e.text.split()) for e in page.all("th")]
    assert headings == ["Yes", "Problem", "When it started"]
    assert all(e.attrs.get("scope") == "col" for e in page.all("th"))
    text = " ".join(__import__("html").unescape(re.sub(r"<[^>]+>", " ", html)).split())
    call_now = text.index("Do not wait for your visit. If you have any of these, call your "
                          "cancer care team now.")
    assert call_now < text.index("Yes Problem When it started")
    assert "My care team's number: (555) 010-0100" in text
    after_hours = page.by_id("call_number_2")  # no after-hours number: a line to write it on
    assert page.label_of(after_hours) == "After hours:"
    assert page.label_of(page.by_id("symptom_1")).startswith("A symptom my cancer caused")
