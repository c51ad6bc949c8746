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

from reportlab.pdfbase import pdfdoc

ARTIFACT = "/Artifact BMC"
PAGINATION = "/Artifact <</Type /Pagination>> BDC"
END = "EMC"
_ONCE = frozenset({"H1", "H2", "H3", "TH"})  # drawn again on a later page: an artifact


class Node:
    """A structure element: its role (standard structure type), its kids in reading
    order (nodes, marked content as (page, MCID), widgets as (page, widget name)),
    and its alternative text or table scope."""

    __slots__ = ("role", "kids", "alt", "scope", "parent", "marked", "kept")

    def __init__(self, role: str, alt: str = "", scope: str = "",
                 parent: Node | None = None) -> None:
        self.role = role
        self.kids: list[Node | tuple[int, int] | tuple[int, str]] = []
        self.alt = alt
        self.scope = scope
        self.parent = parent
        self.marked = False  # whether some content is marked for it already
        self.kept = False  # whether it or a node under it holds content (is written)

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

    def widget(self, canvas: Any, parent: Node | None, role: str = "Form") -> None:
        """Tie the widget annotation just added to the canvas to a new Form node under
        parent: /StructParent in the widget, an OBJR in the tree, its page in /P."""
        parent = parent or self.root  # (every field is in the tree, whatever called it)
        name = canvas.acroForm.fields[-1].name
        widget = canvas._doc.idToObject[name]  # flowables.Form's _Widget
        widget.extra["StructParent"] = str(len(self.widgets))
        # reportlab names the page the document has added last; pages are added at the
        # end here (to number them), so name the page the widget is drawn on.
        widget.page = pdfdoc.PDFObjectReference(f"Page{self.page + 1}")
        node = parent.add(role)
        node.kids.append((self.page, name))
        node._holds()
        self.widgets.append((node, name))

    def write(self, canvas: Any, title: str) -> None:
        """Add the tree and what goes with it to the canvas's document (after its last
        page was added, before it is saved).

        Every element is written as its bytes, with the object numbers reportlab gives
        it when it is registered: a handout has a hundred or more, and formatting them
        through reportlab's dictionaries would cost a tenth of a handout's time. Nodes
        that hold nothing are left out, but a table row keeps all its cells.
        """
        doc = canvas._doc
        numbers = doc.idToObjectNumberAndVersion
        reference = doc.Reference
        pages = doc.Pages.pages
        page_refs = [f"{numbers[page.__InternalName__][0]} 0 R" for page in pages]
        parents: list[list[int]] = [[0] * count for count in self.mcids]
        forms: dict[int, int] = {}  # id(Form node) -> its object number

        def emit(node: Node, parent: int) -> int:
            element = _Raw(b"")
            number: int = numbers[reference(element).name][0]
            home = None
            kids: list[str] = []
            for kid in node.kids:
                if isinstance(kid, Node):
                    if kid.kept or node.role == "TR":
                        kids.append(f"{emit(kid, number)} 0 R")
                elif isinstance(kid[1], int):
                    page, mcid = kid
                    parents[page][mcid] = number
                    if home is None:
                        home = page
                    kids.append(str(mcid) if page == home else
                                f"<< /Type /MCR /Pg {page_refs[page]} /MCID {mcid} >>")
                else:
                    page, widget = kid
                    if home is None:
                        home = page
                    kids.append(f"<< /Type /OBJR /Pg {page_refs[page]} "
                                f"/Obj {numbers[widget][0]} 0 R >>")
            # one kid alone, not in an array (both are right; pdfua 0.1.3 cannot read a
            # heading whose /K is an array, and skips its empty-heading check)
            text = (f"<< /Type /StructElem /S /{node.role} /P {parent} 0 R"
                    + (f" /Pg {page_refs[home]}" if home is not None else "")
                    + (f" /K {kids[0]}" if len(kids) == 1 else f" /K [{' '.join(kids)}]")
                    + (f" /A << /O /Table /Scope /{node.scope} >>" if node.scope else ""))
            data = text.encode()
            if node.alt:
                data += b" /Alt " + pdfdoc.PDFString(node.alt).format(doc)
            element.data = data + b" >>"
            if node.role == "Form":
                forms[id(node)] = number
            return number

        root = _Raw(b"")
        root_name = reference(root).name
        document = emit(self.root, numbers[root_name][0])
        first = len(self.widgets)
        nums = [f"{key} {forms[id(node)]} 0 R" for key, (node, _) in enumerate(self.widgets)]
        for index, (page, owners) in enumerate(zip(pages, parents, strict=False)):
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = first + index
            page.Tabs = pdfdoc.PDFName("S")
            refs = " ".join(f"{n} 0 R" if n else "null" for n in owners)
            nums.append(f"{first + index} [{refs}]")
        parent_tree = reference(_Raw(f"<< /Nums [{' '.join(nums)}] >>".encode()))
        root.data = (f"<< /Type /StructTreeRoot /K {document} 0 R "
                     f"/ParentTree {numbers[parent_tree.name][0]} 0 R "
                     f"/ParentTreeNextKey {first + len(pages)} >>").encode()
        catalog = doc.Catalog
        catalog.StructTreeRoot = pdfdoc.PDFObjectReference(root_name)
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": pdfdoc.PDFtrue})
        catalog.Metadata = reference(_xmp(title, self.language))


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
