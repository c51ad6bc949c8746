"""The tagged PDF (PDF/UA-1), checked by tools that did not write it: the `pdfua` package
(the machine-checkable subset of PDF/UA-1 and WCAG 2.1) and poppler's
`pdfinfo -struct-text`, whose structure and text are compared with the Document the
handout was made from."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest

from visitprep.bank import load_bank
from visitprep.document import Document
from visitprep.handout import make_document
from visitprep.i18n import using
from visitprep.layout import builtin_names
from visitprep.models import Clinic, Profile, QuestionBank
from visitprep.render.pdf import render_pdf

PDFINFO = shutil.which("pdfinfo")
needs_pdfinfo = pytest.mark.skipif(
    PDFINFO is None, reason="pdfinfo (Debian's poppler-utils) is not installed")

LANGUAGES = ("en", "es")
RICH = dict(recurrence="distant", concerns=("symptoms", "costs", "clinical-trials"),
            name="Zoë Nguyễn", doctor="Dr. Groß", top_questions=("tx-choices",),
            custom_questions=("Is x<y & z a problem?", "Can (my) daughter come in?"))


def make(profile: Profile, bank: QuestionBank,
         clinic: Clinic | None = None) -> tuple[Document, bytes]:
    """The Document and the PDF, made as `visitprep make` makes them: in the profile's
    language (the bank's translation, the catalogs' words)."""
    document, layout = make_document(profile, bank, clinic=clinic)
    with using(profile.language):
        return document, render_pdf(document, layout, paper=profile.paper, invariant=True)


# -- pdfinfo -struct-text read back as a tree ----------------------------------------------

@dataclass
class Elem:
    role: str
    kids: list[Elem] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # its own text pieces, in order
    objects: list[int] = field(default_factory=list)  # the widgets it points at (OBJR)
    attributes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Its text and its descendants', in order, with spaces made single."""
        parts = [*self.texts, *(kid.text() for kid in self.kids)]
        return " ".join(" ".join(parts).split())

    def walk(self) -> list[Elem]:
        return [self, *(e for kid in self.kids for e in kid.walk())]

    def all(self, role: str) -> list[Elem]:
        return [e for e in self.walk() if e.role == role]


def struct_tree(pdf: bytes, tmp_path: Path) -> Elem:
    """The structure tree as poppler prints it (`pdfinfo -struct-text`)."""
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([str(PDFINFO), "-struct-text", str(path)], capture_output=True,
                         text=True, check=True).stdout
    root = Elem("(root)")
    stack: list[tuple[int, Elem]] = [(-1, root)]
    for line in out.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent.texts.append(body[1:-1])
        elif body.startswith("/"):
            parent.attributes.append(body)
        elif match := re.fullmatch(r"Object (\d+) 0", body):
            parent.objects.append(int(match.group(1)))
        else:
            elem = Elem(body.split()[0].rstrip(":"))
            parent.kids.append(elem)
            stack.append((depth, elem))
    (document,) = root.kids
    return document


def words(text: str) -> str:
    return " ".join(text.split())


# -- pdfua ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fillable", [False, True], ids=["printed", "fillable"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("template", builtin_names())
def test_pdfua_reports_nothing(bank: QuestionBank, tmp_path: Path, template: str, paper: str,
                               fillable: bool, language: str) -> None:
    pdfua = pytest.importorskip("pdfua", reason="pdfua checks PDF/UA (pip install -e '.[test]')")
    clinic = Clinic(name="Riverside Cancer Center", phone="(555) 010-0100")
    _, pdf = make(Profile(**RICH, template=template, paper=paper, fillable=fillable,
                          language=language), bank, clinic if template == "navigator" else None)
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    report = pdfua.validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    # a rule it could not run is not a pass
    assert [(o.rule_id, o.skipped_reason) for o in report.skipped] == []


def test_the_catalog_pages_and_metadata_declare_a_tagged_pdf_ua_document(
        bank: QuestionBank) -> None:
    document, pdf = make(Profile(**RICH, fillable=True), bank)
    with pikepdf.open(io.BytesIO(pdf)) as handout:
        root = handout.Root
        assert root.MarkInfo.Marked is True
        assert root.StructTreeRoot.Type == "/StructTreeRoot"
        assert root.StructTreeRoot.K.S == "/Document"
        assert str(root.Lang) == "en-US"
        assert root.ViewerPreferences.DisplayDocTitle is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "Questions about my cancer coming back: Zoë Nguyễn" in xmp
        nums = list(root.StructTreeRoot.ParentTree.Nums)
        keys = nums[0::2]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        assert int(root.StructTreeRoot.ParentTreeNextKey) == int(keys[-1]) + 1
        tree = dict(zip((int(key) for key in keys), nums[1::2], strict=True))
        for page in handout.pages:
            assert page.obj.Tabs == "/S"  # Tab goes through the fields in reading order
            assert isinstance(tree[int(page.obj.StructParents)], pikepdf.Array)
            for annot in page.obj.get("/Annots", []):
                # each field's widget: its own page, and its Form element in the tree
                assert annot.P.objgen == page.obj.objgen
                form = tree[int(annot.StructParent)]
                assert form.S == "/Form" and form.K.Obj.objgen == annot.objgen


# -- the structure against the Document -----------------------------------------------------

def expected_headings(document: Document, notes: bool = True) -> list[str]:
    """The H2s in order; `notes`: whether the handout prints its notes (they are left out
    where they alone would carry the closing blocks onto a page of their own)."""
    return [document.top_title, document.how_to_title,
            *([document.glossary_title] if document.glossary and not document.explain_inline
              else []),
            *(s.title for s in document.sections),
            *(c.title for c in document.checklists),
            *([document.notes_title] if notes else []),
            *([document.support_title] if document.support else []),
            document.learn_more_title]


@needs_pdfinfo
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fillable", [False, True], ids=["printed", "fillable"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("template", builtin_names())
def test_the_structure_reads_as_the_document_says(bank: QuestionBank, tmp_path: Path,
                                                  template: str, paper: str, fillable: bool,
                                                  language: str) -> None:
    document, pdf = make(Profile(**RICH, template=template, paper=paper, fillable=fillable,
                                 language=language), bank)
    tree = struct_tree(pdf, tmp_path)
    assert [e.role for e in tree.all("H1")] == ["H1"]
    assert tree.all("H1")[0].text() == document.title
    headings = [h.text() for h in tree.all("H2")]
    if document.clinic_title:  # the navigator's clinic block, on page 1
        assert headings.pop(0) == document.clinic_title
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    notes = document.notes_title in shown.splitlines()
    assert headings == expected_headings(document, notes)  # each once, in order: no repeats
    # the header: a list of label and value
    header = tree.kids[1]
    assert header.role == "L"
    assert [li.kids[0].text() for li in header.kids] == [f"{f.label}:" for f in document.fields]
    assert [words(li.kids[1].text()) if len(li.kids) > 1 else "" for li in header.kids] == \
        [f.value for f in document.fields]
    # every question once, in order, in the list under its heading
    kids = tree.kids
    titles = [kid.text() if kid.role == "H2" else None for kid in kids]
    for section in document.sections:
        listing = kids[titles.index(section.title) + 1]
        assert listing.role == "L"
        assert [li.all("LBody")[0].text() for li in listing.kids] == \
            [words(item.text) for item in section.items]
    # the top questions: a numbered list, the number as each item's label
    (top,) = [kid for kid in kids if kid.role == "Sect"]
    assert [e.role for e in top.kids] == ["H2", "P", "L"]
    assert top.kids[1].text() == document.invite
    items = top.kids[2].kids
    assert [li.kids[0].text() for li in items] == [f"{n}." for n in range(1, len(items) + 1)]
    assert items[0].kids[1].text() == words(document.top[0].text)
    # the glossary: term and meaning
    if document.glossary and not document.explain_inline:
        (glossary,) = [kids[i + 1] for i, title in enumerate(titles)
                       if title == document.glossary_title]
        assert [(li.kids[0].text(), li.kids[1].text()) for li in glossary.kids] == \
            [(f"{term}:", words(meaning)) for term, meaning in document.glossary]
    # nothing printed is left out of the tree but the pages' furniture: every word on the
    # pages (pdftotext) is in the tree, but "Page 2 of 4", the running head and
    # "(continued)", which are artifacts
    everything = set(" ".join(e.text() for e in tree.kids).split())
    # (a word hyphenated at a line's end, with the soft hyphen, is one word in the tree)
    printed = set(shown.replace("\u00ad\n", "").split())
    furniture = set(document.page_label.split()) | set(document.running_head.split()) | {
        word for section in document.sections
        for word in document.continued_title(section.title).split()}
    if document.figure is not None:  # the drawing is read by its alternative text
        figure = document.figure
        furniture |= set(" ".join([figure.title, *(label for _, label in figure.labels),
                                   figure.mark_words, figure.key]).split())
    assert {word for word in printed - everything - furniture if not word.isdigit()} == set()
    assert tree.kids[-1].role == "P" and tree.kids[-1].text() == words(document.footer)


@needs_pdfinfo
@pytest.mark.parametrize("template", builtin_names())
def test_the_symptom_checklist_is_a_table_with_a_header_row_even_split_over_pages(
        bank: QuestionBank, tmp_path: Path, template: str) -> None:
    document, pdf = make(Profile(**RICH, template=template, length="full"), bank)
    tree = struct_tree(pdf, tmp_path)
    (checklist,) = document.checklists
    (table,) = tree.all("Table")
    header, *rows = table.kids
    # a header over each of the three columns: the tick box, the symptom, when it started
    assert [(c.role, c.text(), c.attributes) for c in header.kids] == \
        [("TH", words(heading), ["/Scope /Column"]) for heading in document.checklist_headers]
    assert [row.kids[1].text() for row in rows] == [words(item) for item in checklist.items]
    assert all([c.role for c in row.kids] == ["TD", "TD", "TD"] for row in rows)
    # the title, then the line not to wait with how to fill it in, then the numbers to
    # call (each a label and its number, or the field to write it in), then the table
    at = tree.kids.index(table)
    title, lead, calls = tree.kids[at - 3:at]
    assert [title.role, title.text()] == ["H2", checklist.title]
    assert lead.role == "P" and lead.text() == words(
        " ".join(t for t in (checklist.act_now, checklist.intro, checklist.how_to) if t))
    assert_call_lines(calls, document)


def assert_call_lines(calls: Elem, document: Document) -> None:
    """The numbers to call: a list, each label an item's Lbl and its number (or, when
    fillable, the field to type it in) the LBody; on paper a number not known is a line
    to write on, which is decoration: the item has its label alone."""
    assert calls.role == "L"
    expected = []
    for label, number in document.calls:
        expected.append([("Lbl", label)] + ([("LBody", number)] if number else
                                           [("LBody", "")] if document.fillable else []))
    assert [[(kid.role, kid.text()) for kid in item.kids] for item in calls.kids] == expected
    if document.fillable:
        for item, (label, number) in zip(calls.kids, document.calls, strict=True):
            assert bool(item.kids[1].all("Form")) == (not number), label


@needs_pdfinfo
@pytest.mark.parametrize("fillable", [False, True])
def test_the_numbers_to_call_are_labels_with_their_numbers(
        bank: QuestionBank, tmp_path: Path, fillable: bool) -> None:
    clinic = Clinic(name="Riverside Cancer Center", phone="(555) 010-2000")
    document, pdf = make(Profile(**RICH, fillable=fillable), bank, clinic)
    assert any(number for _, number in document.calls) and len(document.calls) >= 1
    tree = struct_tree(pdf, tmp_path)
    (table,) = tree.all("Table")
    assert_call_lines(tree.kids[tree.kids.index(table) - 1], document)


def test_the_large_print_checklist_splits_and_its_header_repeats_only_for_the_eye(
        bank: QuestionBank, tmp_path: Path) -> None:
    import pdfplumber

    document, pdf = make(Profile(**RICH, template="large-print", length="full"), bank)
    with pdfplumber.open(io.BytesIO(pdf)) as handout:
        pages = [page.extract_text() or "" for page in handout.pages]
    first_row = document.checklists[0].items[0].split()[0]
    last_row = document.checklists[0].items[-1].split()[-1]
    spread = [n for n, text in enumerate(pages) if document.checklist_column.split()[0] in text]
    if len(spread) < 2:
        pytest.skip("the checklist fits on one page in this bank")
    assert first_row in pages[spread[0]] and last_row in pages[spread[-1]]
    if PDFINFO is not None:  # and the tree has one header cell
        tree = struct_tree(pdf, tmp_path)
        assert [th.text() for th in tree.all("TH")] == \
            [words(heading) for heading in document.checklist_headers]


@needs_pdfinfo
def test_fillable_fields_are_form_elements_beside_the_text_they_answer(
        bank: QuestionBank, tmp_path: Path) -> None:
    document, pdf = make(Profile(**RICH, template="navigator", fillable=True), bank)
    tree = struct_tree(pdf, tmp_path)
    with pikepdf.open(io.BytesIO(pdf)) as handout:
        widgets = {annot.objgen[0]: (str(annot.T), str(annot.get("/TU", "")))
                   for page in handout.pages for annot in page.obj.get("/Annots", [])}
    forms = tree.all("Form")
    assert sorted(n for form in forms for n in form.objects) == sorted(widgets)
    checked = 0
    for li in tree.all("LI"):
        body = next((kid for kid in li.kids if kid.role == "LBody"), None)
        text = body.text() if body is not None else ""
        for form in li.all("Form"):
            name, tip = widgets[form.objects[0]]
            if name.endswith("_done") and text:  # the tick box: called by its question
                assert words(tip) == text, name
                checked += 1
            elif "_answer_" in name and text:
                assert words(tip) == f"Answer to: {text}", name
                checked += 1
    assert checked > 20
    # the navigator's page 1: the header beside the label box, the clinic block under them
    assert [kid.role for kid in tree.kids[:4]] == ["H1", "L", "P", "H2"]
    assert tree.kids[2].text() == document.label_box


@needs_pdfinfo
def test_the_clinic_logo_is_a_figure_with_alternative_text(bank: QuestionBank,
                                                           tmp_path: Path) -> None:
    from PIL import Image

    from visitprep.clinic import load_clinic

    logo = tmp_path / "logo.png"
    Image.new("RGB", (600, 200), (20, 60, 140)).save(logo)
    clinic_file = tmp_path / "clinic.yaml"
    clinic_file.write_text("name: Riverside\nlogo: logo.png\nalt: Riverside, a river\n",
                           encoding="utf-8")
    for clinic, alt in ((Clinic(name="Riverside", logo=str(logo)), "Riverside"),
                        (load_clinic(clinic_file), "Riverside, a river")):
        _, pdf = make(Profile(recurrence="local", template="navigator"), bank, clinic)
        with pikepdf.open(io.BytesIO(pdf)) as handout:
            figures = [e for e in _elements(handout.Root.StructTreeRoot.K)
                       if e.get("/S") == "/Figure"]
            assert [str(f.Alt) for f in figures] == [alt]
        assert [e.role for e in struct_tree(pdf, tmp_path).walk()].count("Figure") == 1


def _elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    if isinstance(node, pikepdf.Array):
        for kid in node:
            found += _elements(kid)
    elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
        found.append(node)
        found += _elements(node.get("/K", pikepdf.Array()))
    return found


def test_the_tags_are_the_same_on_every_run() -> None:
    bank = load_bank()
    profile = Profile(**RICH, fillable=True)
    assert make(profile, bank)[1] == make(profile, bank)[1]


@pytest.mark.parametrize("fillable", [False, True], ids=["printed", "fillable"])
def test_the_cross_reference_table_points_at_every_object(bank: QuestionBank,
                                                          fillable: bool) -> None:
    # The tree's objects are added after reportlab has written the file (tags._appended):
    # the table must still point at each object, and the trailer count them all.
    _, pdf = make(Profile(**RICH, fillable=fillable), bank)
    start = int(pdf[pdf.rindex(b"startxref\n") + 10:].split()[0])
    assert pdf[start:].startswith(b"xref\n0 ")
    table, trailer = pdf[start:].split(b"trailer\n", 1)
    count = int(table.split(b"\n")[1].split()[1])
    entries = table.split(b"\n")[2:-1]
    assert len(entries) == count and entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], 1):
        assert pdf[int(entry[:10]):].startswith(b"%d 0 obj\n" % number), number
    assert re.search(rb"/Size (\d+)", trailer).group(1) == b"%d" % count  # type: ignore[union-attr]
    assert b"visitprep: the structure tree" not in pdf  # the placeholder was filled in
    with pikepdf.open(io.BytesIO(pdf)) as handout:
        assert handout.check_pdf_syntax() == []
        assert len(handout.objects) == count - 1  # (all but the free object 0)


@needs_pdfinfo
def test_a_word_hyphenated_at_a_line_end_reads_back_whole(bank: QuestionBank,
                                                          tmp_path: Path) -> None:
    # Spanish running text is hyphenated; the hyphen a break adds is the soft hyphen
    # (U+00AD), printed as a hyphen and read out, copied and extracted as nothing.
    from visitprep.handout import make_handout

    concerns = tuple(topic.id for topic in bank.topics)
    pdf = make_handout(Profile(recurrence="local", concerns=concerns, template="large-print",
                               length="full", language="es"), bank, invariant=True)
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    broken = [line.split()[-1].removesuffix("\u00ad") for line in shown
              if line.endswith("\u00ad")]
    assert broken, "no word hyphenated in this handout: choose another"
    assert not [line for line in shown if line.endswith("-")]
    tree = " ".join(e.text() for e in struct_tree(pdf, tmp_path).kids)
    assert "\u00ad" not in tree
    for start in broken:  # the word is whole in the tree: its start runs on into its rest
        assert re.search(rf"{re.escape(start)}\w", tree), start
