"""The handout's structure tree (tagged PDF, PDF/UA-1), written by visitprep itself.

reportlab writes no structure tree, so the renderer builds one the way WeasyPrint and
Skia do: while it turns the Document into flowables it makes a `Node` for each
heading, list, list item, table cell, paragraph and form field (`Document`, `H1`,
`H2`, `L`/`LI`/`Lbl`/`LBody`, `Table`/`TR`/`TH`/`TD`, `P`, `Figure`, `Form`); each
flowable, when it draws, wraps what it draws for a node in a marked-content sequence
with that page's next MCID (`Tags.open`), and everything else (rules, boxes, writing
lines, the running head and page numbers) in an `/Artifact` sequence. At the end
`Tags.write` adds the tree, its parent tree, /MarkInfo, /StructParents and /Tabs /S on
every page, and XMP metadata declaring PDF/UA-1.

The tree follows the Document's reading order, which is the order the nodes are made
in; what draws nothing for a node (an empty answer line on paper) leaves it out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc

ARTIFACT = "/Artifact BMC"
PAGINATION = "/Artifact <</Type /Pagination>> BDC"
END = "EMC"
_ONCE = frozenset({"H1", "H2", "H3", "TH"})  # drawn again on a later page: an artifact


class Node:
    """A structure element: its role (standard structure type), its kids in reading
    order (nodes, marked content as (page, MCID), widgets as (page, widget name)),
    and its alternative text or table scope."""

    __slots__ = ("role", "kids", "alt", "scope", "parent", "marked", "kept", "number")

    def __init__(self, role: str, alt: str = "", scope: str = "",
                 parent: Node | None = None) -> None:
        self.role = role
        self.kids: list[Node | tuple[int, int] | tuple[int, str]] = []
        self.alt = alt
        self.scope = scope
        self.parent = parent
        self.marked = False  # whether some content is marked for it already
        self.kept = False  # whether it or a node under it holds content (is written)
        self.number = 0  # its object number, once written

    def add(self, role: str, alt: str = "", scope: str = "") -> Node:
        """A new child node, after the ones made before it."""
        node = Node(role, alt, scope, self)
        self.kids.append(node)
        return node

    def _holds(self) -> None:
        """It holds content: it and the nodes above it are written."""
        self.marked = True
        node: Node | None = self
        while node is not None and not node.kept:
            node.kept = True
            node = node.parent


def tags_of(canvas: Any) -> Tags | None:
    """The structure being built for the canvas's document, or None (not a handout)."""
    return getattr(canvas, "tags", None)


class Tags:
    """The structure tree of one handout while it is drawn, and its writer."""

    def __init__(self, language: str, root: Node) -> None:
        self.root = root
        self.language = language
        self.page = 0  # the page being drawn, from 0
        self.mcids: list[int] = [0]  # the next MCID of each page
        self.widgets: list[tuple[Node, str]] = []  # (Form node, widget) by StructParent

    def new_page(self, page: int) -> None:
        """Draw on page `page` (from 0) from now on."""
        self.page = page
        while len(self.mcids) <= page:
            self.mcids.append(0)

    def open(self, node: Node | None) -> str:
        """The operator that starts marked content for node on the current page (end it
        with END); a heading or header cell drawn again on a later page (a repeated
        table header) is an artifact."""
        if node is None or (node.marked and node.role in _ONCE):
            return ARTIFACT
        mcid = self.mcids[self.page]
        self.mcids[self.page] = mcid + 1
        node.kids.append((self.page, mcid))
        if not node.kept:
            node._holds()
        node.marked = True
        return f"/{node.role} <</MCID {mcid}>> BDC"

    def widget(self, widget: Any, name: str, parent: Node | None) -> None:
        """Tie a widget annotation just added (flowables.Form's _Widget, registered as
        name) to a new Form node under parent: /StructParent in the widget, an OBJR in
        the tree, its page in /P."""
        parent = parent or self.root  # (every field is in the tree, whatever called it)
        widget.extra["StructParent"] = str(len(self.widgets))
        # reportlab names the page the document has added last; pages are added at the
        # end here (to number them), so name the page the widget is drawn on.
        widget.page = _page_reference(self.page)
        node = Node("Form", parent=parent)
        parent.kids.append(node)
        node.kids.append((self.page, name))
        node._holds()
        self.widgets.append((node, name))

    def write(self, canvas: Any, title: str) -> None:
        """Add the tree and what goes with it to the canvas's document (after its last
        page was added, before it is saved).

        The pages, widgets and catalog get their entries now; the tree's elements are
        written after reportlab has written the rest of the file, all at once, as objects
        numbered after its last (`_append`): a handout has a hundred or more elements,
        and having reportlab register, format and index each one cost about a fifth of
        a handout's time. The catalog names the tree's root by a placeholder of fixed
        length, filled in then.
        """
        doc = canvas._doc
        first = len(self.widgets)
        for index, page in enumerate(doc.Pages.pages):
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = first + index
            page.Tabs = pdfdoc.PDFName("S")
        catalog = doc.Catalog
        catalog.StructTreeRoot = _ROOT_PLACEHOLDER  # (bytes: written as they are)
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": pdfdoc.PDFtrue})
        catalog.Metadata = doc.Reference(_xmp(title, self.language))
        format_file = doc.format
        doc.format = lambda: self._append(doc, format_file())

    def _append(self, doc: Any, data: bytes) -> bytes:
        """The file reportlab wrote (data), with the structure tree's objects added after
        its last object, its cross-reference table and trailer extended to them, and the
        catalog's placeholder naming the tree's root."""
        numbers = doc.idToObjectNumberAndVersion
        count = len(doc.numberToId)  # reportlab's objects are 1..count
        pages = doc.Pages.pages
        page_refs = [f"{numbers[page.__InternalName__][0]} 0 R" for page in pages]
        parents: list[list[int]] = [[0] * mcids for mcids in self.mcids]
        elements: list[str] = []  # the elements' objects, numbered from count + 2
        first_element = count + 2  # (count + 1 is the tree's root)

        def emit(node: Node, parent: str) -> str:
            """Write node and the nodes under it; return a reference to it."""
            slot = len(elements)
            elements.append("")
            number = node.number = first_element + slot
            reference = f"{number} 0 R"
            home = -1
            kids: list[str] = []
            for kid in node.kids:
                if type(kid) is tuple:
                    page, what = kid
                    if home < 0:
                        home = page
                    if type(what) is int:
                        parents[page][what] = number
                        kids.append(str(what) if page == home else
                                    f"<< /Type /MCR /Pg {page_refs[page]} /MCID {what} >>")
                    else:
                        kids.append(f"<< /Type /OBJR /Pg {page_refs[page]} "
                                    f"/Obj {numbers[what][0]} 0 R >>")
                elif kid.kept or node.role == "TR":  # type: ignore[union-attr]
                    kids.append(emit(kid, reference))  # type: ignore[arg-type]
            # one kid alone, not in an array (both are right; pdfua 0.1.3 cannot read a
            # heading whose /K is an array, and skips its empty-heading check)
            text = (f"<< /Type /StructElem /S /{node.role} /P {parent}"
                    + (f" /Pg {page_refs[home]}" if home >= 0 else "")
                    + (f" /K {kids[0]}" if len(kids) == 1 else f" /K [{' '.join(kids)}]"))
            if node.scope:
                text += f" /A << /O /Table /Scope /{node.scope} >>"
            if node.alt:
                text += " /Alt " + pdfdoc.PDFString(node.alt).format(doc).decode("latin-1")
            elements[slot] = text + " >>"
            return reference

        document = emit(self.root, f"{count + 1} 0 R")
        first = len(self.widgets)
        nums = [f"{key} {node.number} 0 R" for key, (node, _) in enumerate(self.widgets)]
        for index, owners in enumerate(parents[:len(pages)]):  # (not the page after)
            refs = " ".join(f"{n} 0 R" if n else "null" for n in owners)
            nums.append(f"{first + index} [{refs}]")
        parent_tree = first_element + len(elements)
        objects = [f"<< /Type /StructTreeRoot /K {document} /ParentTree {parent_tree} 0 R "
                   f"/ParentTreeNextKey {first + len(pages)} >>",
                   *elements, f"<< /Nums [{' '.join(nums)}] >>"]
        return _appended(data, doc.idToOffset[doc.Catalog.__InternalName__], count,
                         objects)


# What the catalog's /StructTreeRoot says until the file is written: as long as any
# reference it becomes (a PDF string, should it ever stay).
_ROOT_PLACEHOLDER = b"(visitprep: the structure tree.)"


def _appended(data: bytes, catalog_at: int, count: int, objects: list[str]) -> bytes:
    """A PDF file as reportlab wrote it (objects 1..count, one cross-reference section,
    a trailer), with objects count+1.. added after its last and the catalog (at offset
    catalog_at) naming the first of them, object count+1, as the structure tree's root."""
    xref = int(data[data.rindex(b"startxref\n") + 10:].split(b"\n", 1)[0])
    trailer = data.index(b"trailer\n", xref)
    header = b"xref\n0 %d\n" % (count + 1)
    if data[xref:xref + len(header)] != header:
        raise ValueError("not the cross-reference table reportlab writes")
    at = data.index(_ROOT_PLACEHOLDER, catalog_at)
    root = f"{count + 1} 0 R".encode().ljust(len(_ROOT_PLACEHOLDER))
    # (the objects' text is latin-1, a byte a character: PDF strings come formatted)
    chunks = [f"{number} 0 obj\n{text}\nendobj\n"
              for number, text in enumerate(objects, count + 1)]
    offsets, offset = [], xref
    for chunk in chunks:
        offsets.append(f"{offset:010d} 00000 n \n")
        offset += len(chunk)
    size = count + 1 + len(objects)
    tail = data[trailer:data.rindex(b"startxref\n")].replace(
        b"\n/Size %d\n" % (count + 1), b"\n/Size %d\n" % size)
    return b"".join([data[:at], root, data[at + len(root):xref],
                     "".join(chunks).encode("latin-1"), b"xref\n0 %d\n" % size,
                     data[xref + len(header):trailer], "".join(offsets).encode("latin-1"),
                     tail, b"startxref\n%d\n%%%%EOF\n" % offset])


@lru_cache(maxsize=64)
def _page_reference(page: int) -> Any:
    """A reference to the page `page` (from 0) as reportlab names it."""
    return pdfdoc.PDFObjectReference(f"Page{page + 1}")


class _Raw(pdfdoc.PDFObject):
    """A PDF object whose bytes are given (set before the document is formatted)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>\n'
    '<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>\n'
    '<xmp:CreatorTool>visitprep {version}</xmp:CreatorTool>\n'
    '<pdfuaid:part>1</pdfuaid:part>\n'
    '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
)


def _xmp(title: str, language: str) -> Any:
    """XMP metadata with the title and the PDF/UA-1 identification (pdfuaid:part 1),
    uncompressed, as XMP is meant to be found."""
    from visitprep import __version__

    packet = _XMP.format(title=escape(title), language=escape(language),
                         version=__version__).encode("utf-8")
    return _Raw(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream"
                % (len(packet), packet))


def escape(text: str) -> str:
    """Text made safe inside XML (the XMP packet): what xml.sax.saxutils.escape does, without
    the import, which brings urllib, http and ssl with it (a tenth of a one-shot make)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
