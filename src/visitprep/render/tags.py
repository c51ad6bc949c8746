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

from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc

ARTIFACT = "/Artifact BMC"
PAGINATION = "/Artifact <</Type /Pagination>> BDC"
END = "EMC"
_ONCE = frozenset({"H1", "H2", "H3", "TH"})  # drawn again on a later page: an artifact
_CELLS = frozenset({"TH", "TD"})


class Node:
    """A structure element: its role (standard structure type), its kids in reading
    order (nodes, marked content as (page, MCID), widgets as (page, widget name)),
    and its alternative text or table scope."""

    __slots__ = ("role", "kids", "alt", "scope", "marked")

    def __init__(self, role: str, alt: str = "", scope: str = "") -> None:
        self.role = role
        self.kids: list[Node | tuple[int, int] | tuple[int, str]] = []
        self.alt = alt
        self.scope = scope
        self.marked = False  # whether some content is marked for it already

    def add(self, role: str, alt: str = "", scope: str = "") -> Node:
        """A new child node, after the ones made before it."""
        node = Node(role, alt, scope)
        self.kids.append(node)
        return node


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
        node.marked = True
        return f"/{node.role} <</MCID {mcid}>> BDC"

    def widget(self, canvas: Any, parent: Node | None, role: str = "Form") -> None:
        """Tie the widget annotation just added to the canvas to a new Form node under
        parent: /StructParent in the widget, an OBJR in the tree, its page in /P."""
        parent = parent or self.root  # (every field is in the tree, whatever called it)
        name = canvas.acroForm.fields[-1].name
        widget = canvas._doc.idToObject[name]
        widget.dict["StructParent"] = len(self.widgets)
        # reportlab names the page the document has added last; pages are added at the
        # end here (to number them), so name the page the widget is drawn on.
        widget.dict["P"] = pdfdoc.PDFObjectReference(f"Page{self.page + 1}")
        node = parent.add(role)
        node.kids.append((self.page, name))
        node.marked = True
        self.widgets.append((node, name))

    def write(self, canvas: Any, title: str) -> None:
        """Add the tree and what goes with it to the canvas's document (after its last
        page was added, before it is saved)."""
        doc = canvas._doc
        pages = doc.Pages.pages
        page_names = [page.__InternalName__ for page in pages]
        kept = _prune(self.root)
        elements: dict[int, _Element] = {}
        parents: list[list[str]] = [[""] * count for count in self.mcids]
        names = doc.idToObjectNumberAndVersion

        def register(node: Node, parent: str) -> str:
            element = _Element(node, parent, page_names, names)
            name: str = doc.Reference(element).name
            elements[id(node)] = element
            element.own = name
            for kid in node.kids:
                if isinstance(kid, Node):
                    if id(kid) in kept:
                        element.kids.append(register(kid, name))
                elif isinstance(kid[1], int):
                    element.kids.append(kid)
                    parents[kid[0]][kid[1]] = name
                else:
                    element.kids.append(kid)
            return name

        root_name = doc.Reference(_Raw(b"")).name  # its number, for /P of the Document
        document = register(self.root, root_name)
        first = len(self.widgets)
        nums: list[str] = [f"{key} {_ref(names, elements[id(node)].own)}"
                           for key, (node, _) in enumerate(self.widgets)]
        for number, (page, owners) in enumerate(zip(pages, parents, strict=False)):
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = first + number
            page.Tabs = pdfdoc.PDFName("S")
            nums.append(f"{first + number} [{' '.join(_ref(names, n) for n in owners)}]")
        parent_tree = doc.Reference(_Raw(f"<< /Nums [{' '.join(nums)}] >>".encode()))
        doc.idToObject[root_name].data = (
            f"<< /Type /StructTreeRoot /K {_ref(names, document)} "
            f"/ParentTree {_ref(names, parent_tree.name)} "
            f"/ParentTreeNextKey {first + len(pages)} >>").encode()
        catalog = doc.Catalog
        catalog.StructTreeRoot = pdfdoc.PDFObjectReference(root_name)
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": pdfdoc.PDFtrue})
        catalog.Metadata = doc.Reference(_xmp(title, self.language))


def _prune(root: Node) -> set[int]:
    """The ids of the nodes that hold something; a table's rows keep every cell."""
    kept: set[int] = set()

    def visit(node: Node) -> bool:
        holds = False
        for kid in node.kids:
            if isinstance(kid, Node):
                holds = visit(kid) or holds
            else:
                holds = True
        if holds:
            kept.add(id(node))
            if node.role == "TR":
                kept.update(id(cell) for cell in node.kids
                            if isinstance(cell, Node) and cell.role in _CELLS)
        return holds

    visit(root)
    return kept


def _ref(names: dict[str, tuple[int, int]], name: str) -> str:
    if not name:
        return "null"
    return f"{names[name][0]} 0 R"


class _Raw(pdfdoc.PDFObject):
    """A PDF object whose bytes are given (set before the document is formatted)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class _Element(pdfdoc.PDFObject):
    """A structure element dictionary, formatted straight to bytes."""

    def __init__(self, node: Node, parent: str, page_names: list[str],
                 names: dict[str, tuple[int, int]]) -> None:
        self.node = node
        self.parent = parent
        self.page_names = page_names
        self.names = names
        self.own = ""
        self.kids: list[Any] = []

    def format(self, document: Any) -> bytes:
        names, pages = self.names, self.page_names
        node = self.node
        home = next((kid[0] for kid in self.kids if isinstance(kid, tuple)), None)
        parts = [f"<< /Type /StructElem /S /{node.role} /P {_ref(names, self.parent)}"]
        if home is not None:
            parts.append(f"/Pg {_ref(names, pages[home])}")
        kids: list[str] = []
        for kid in self.kids:
            if isinstance(kid, str):
                kids.append(_ref(names, kid))
            elif isinstance(kid[1], int):
                page, mcid = kid
                kids.append(str(mcid) if page == home else
                            f"<< /Type /MCR /Pg {_ref(names, pages[page])} /MCID {mcid} >>")
            else:
                page, widget = kid
                kids.append(f"<< /Type /OBJR /Pg {_ref(names, pages[page])} "
                            f"/Obj {_ref(names, widget)} >>")
        # one kid alone, not in an array (both are right; pdfua 0.1.3 cannot read a
        # heading whose /K is an array, and skips its empty-heading check)
        parts.append(f"/K {kids[0]}" if len(kids) == 1 else f"/K [{' '.join(kids)}]")
        if node.scope:
            parts.append(f"/A << /O /Table /Scope /{node.scope} >>")
        text = " ".join(parts)
        if node.alt:
            alt: bytes = pdfdoc.PDFString(node.alt).format(document)
            return text.encode() + b" /Alt " + alt + b" >>"
        return text.encode() + b" >>"


def _xmp(title: str, language: str) -> Any:
    """XMP metadata with the title and the PDF/UA-1 identification (pdfuaid:part 1)."""
    from visitprep import __version__

    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        '</rdf:Alt></dc:title>\n'
        f'<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>\n'
        f'<xmp:CreatorTool>visitprep {__version__}</xmp:CreatorTool>\n'
        '<pdfuaid:part>1</pdfuaid:part>\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
    )
    stream = pdfdoc.PDFStream(dictionary=pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        content=packet.encode("utf-8"), filters=[])
    return stream
