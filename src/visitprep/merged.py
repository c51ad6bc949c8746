"""The merged file a print room takes: every handout of a clinic list in one PDF.

Built by streaming: each handout is read, its objects are written to the output at once,
and only their offsets are kept, so memory stays flat however many handouts there are
(pypdf's PdfWriter holds every page, and its objects' reference cycles, until the end:
about a million objects for 1,000 handouts). What a handout's pages draw with (its
fonts, their subsets, widths and character maps) is written once and shared by every
handout that uses the same bytes, so a thousand handouts carry one copy of their fonts.

Each handout starts on a front side (a blank back follows one with an odd number of
pages) and has a bookmark: the person's name and visit date.
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
from array import array
from typing import Any, BinaryIO

_REFERENCE = re.compile(rb"(\d+)\s+0\s+R\b")
GROUP = 64  # pages under one node of the page tree
_COLLECT_EVERY = 64  # handouts between garbage collections (pypdf readers hold cycles)


class HandoutUnreadableError(ValueError):
    """A handout is not a whole PDF."""


class MergedWriter:
    """Writes a merged PDF to a binary file, one handout at a time.

    Args:
        out: The file to write to (a temporary file; see `output.write_atomic_with`).
        title: The document title.
        keywords: The Keywords entry (what the file is made of, for reruns).
    """

    def __init__(self, out: BinaryIO, *, title: str = "visitprep handouts",
                 keywords: str = "") -> None:
        self.out = out
        self.offsets = array("Q", [0])  # object number -> offset in the file; 0 unused
        self.title = title
        self.keywords = keywords
        self.written = 0
        self.shared: dict[bytes, int] = {}  # digest of a font or other resource -> number
        # The same, by the digest of the resource's bytes in its handout and those of what
        # it refers to: a resource seen before is shared without being parsed again.
        self.shared_raw: dict[bytes, int] = {}
        self.pages = array("Q")  # the page objects, in order
        self.groups = array("Q")  # the page tree's nodes, GROUP pages each
        self.marks: list[tuple[str, int]] = []  # bookmark title, first page's index
        self.language = ""
        self.handouts = 0
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.catalog = self._reserve()
        self.root = self._reserve()
        self.info = self._reserve()

    # -- low level ------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.written += len(data)

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.written
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    # -- adding handouts ------------------------------------------------------------

    def add(self, data: bytes, bookmark: str) -> int:
        """Append one handout (a whole PDF) and its bookmark.

        Returns:
            The pages it took, with the blank back if one was added.

        Raises:
            HandoutUnreadableError: If the data is not a whole PDF.
        """
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            pages = list(reader.pages)
            if not pages:
                raise ValueError("no pages")
            if not self.language:
                root: Any = reader.trailer["/Root"].get_object()
                self.language = str(root.get("/Lang", ""))
            first = len(self.pages)
            _Copy(self, reader, data).pages(pages)
            if len(pages) % 2:
                box = pages[-1].mediabox
                self._blank(float(box.width), float(box.height))
        except HandoutUnreadableError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a broken file
            raise HandoutUnreadableError(str(exc)) from None
        self.marks.append((bookmark, first))
        self.handouts += 1
        del reader, pages
        if self.handouts % _COLLECT_EVERY == 0:
            gc.collect()
        return len(self.pages) - first

    def page_parent(self) -> int:
        """The page tree node the next page goes under (a new one every GROUP pages)."""
        if len(self.pages) % GROUP == 0:
            self.groups.append(self._reserve())
        return self.groups[-1]

    def _blank(self, width: float, height: float) -> None:
        parent = self.page_parent()
        number = self._reserve()
        self._object(number, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %s %s]/Resources<<>>>>"
                     % (parent, _number(width), _number(height)))
        self.pages.append(number)

    # -- the end ----------------------------------------------------------------------

    def close(self) -> int:
        """Write the page tree, the bookmarks, the catalog and the cross-reference table.

        Returns:
            The number of pages.
        """
        for index, node in enumerate(self.groups):
            kids = self.pages[index * GROUP:(index + 1) * GROUP]
            self._object(node, b"<</Type/Pages/Parent %d 0 R/Kids[%s]/Count %d>>" % (
                self.root, b" ".join(b"%d 0 R" % kid for kid in kids), len(kids)))
        self._object(self.root, b"<</Type/Pages/Kids[%s]/Count %d>>" % (
            b" ".join(b"%d 0 R" % node for node in self.groups), len(self.pages)))
        outlines = self._outlines()
        catalog = b"<</Type/Catalog/Pages %d 0 R" % self.root
        if outlines:
            catalog += b"/Outlines %d 0 R/PageMode/UseOutlines" % outlines
        if self.language:
            catalog += b"/Lang" + _text(self.language)
        # A print dialog that reads it prints on both sides, turning on the long edge.
        catalog += b"/ViewerPreferences<</Duplex/DuplexFlipLongEdge>>>>"
        self._object(self.catalog, catalog)
        info = b"<</Title" + _text(self.title) + b"/Creator" + _text("visitprep")
        if self.keywords:
            info += b"/Keywords" + _text(self.keywords)
        self._object(self.info, info + b">>")
        start = self.written
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets)]
        lines += [b"%010d 00000 n \n" % offset if offset else b"0000000000 65535 f \n"
                  for offset in self.offsets[1:]]
        self._write(b"".join(lines))
        digest = hashlib.md5(b"%d %s" % (len(self.pages), self.keywords.encode()),
                             usedforsecurity=False).hexdigest().encode()
        self._write(b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]>>\n"
                    b"startxref\n%d\n%%%%EOF\n" % (len(self.offsets), self.catalog, self.info,
                                                   digest, digest, start))
        return len(self.pages)

    def _outlines(self) -> int:
        """One bookmark a handout, pointing at its first page; 0 when there are none."""
        if not self.marks:
            return 0
        top = self._reserve()
        numbers = [self._reserve() for _ in self.marks]
        for index, (title, page) in enumerate(self.marks):
            entry = b"<</Title" + _text(title) + b"/Parent %d 0 R" % top
            if index:
                entry += b"/Prev %d 0 R" % numbers[index - 1]
            if index + 1 < len(numbers):
                entry += b"/Next %d 0 R" % numbers[index + 1]
            entry += b"/Dest[%d 0 R/XYZ null null null]>>" % self.pages[page]
            self._object(numbers[index], entry)
        self._object(top, b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>"
                     % (numbers[0], numbers[-1], len(numbers)))
        return top


class _Copy:
    """Copies one handout's pages, and what they use, into the merged file."""

    def __init__(self, writer: MergedWriter, reader: Any, data: bytes) -> None:
        self.writer = writer
        self.reader = reader
        self.data = data
        self.extents: dict[int, tuple[int, int]] | None = None
        self.deep: dict[int, bytes | None] = {}
        self.numbers: dict[int, int] = {}  # the handout's object number -> the merged file's
        self.walking: set[int] = set()
        self.late: set[int] = set()  # numbered while walked (a cycle): written when done

    def pages(self, pages: list[Any]) -> None:
        from pypdf.generic import IndirectObject

        for page in pages:
            parent = self.writer.page_parent()
            ref = page.indirect_reference
            if isinstance(ref, IndirectObject):
                number = self.ref(ref, shared=False, parent=parent)
            else:  # pragma: no cover - reportlab's pages are always indirect
                number = self.writer._reserve()
                self.writer._object(number, self.body(page, False, parent))
            self.writer.pages.append(number)

    def ref(self, ref: Any, *, shared: bool, parent: int = 0) -> int:
        """The merged file's number of an object, copying it (and what it uses) first."""
        key = ref.idnum
        if key in self.numbers:
            return self.numbers[key]
        if key in self.walking:  # a cycle (a form field's /P names its page)
            number = self.writer._reserve()
            self.numbers[key] = number
            self.late.add(key)
            return number
        raw_key = self.raw_key(key) if shared else None
        if raw_key is not None and raw_key in self.writer.shared_raw:
            self.numbers[key] = self.writer.shared_raw[raw_key]
            return self.numbers[key]
        self.walking.add(key)
        body = self.body(ref.get_object(), shared, parent)
        self.walking.discard(key)
        if key in self.late:
            number = self.numbers[key]
            self.writer._object(number, body)
            return number
        if shared:
            digest = hashlib.sha256(body).digest()
            number = self.writer.shared.get(digest, 0)
            if not number:
                number = self.writer._reserve()
                self.writer._object(number, body)
                self.writer.shared[digest] = number
            if raw_key is not None:
                self.writer.shared_raw[raw_key] = number
        else:
            number = self.writer._reserve()
            self.writer._object(number, body)
        self.numbers[key] = number
        return number

    def raw_key(self, key: int, seen: frozenset[int] = frozenset()) -> bytes | None:
        """A digest of an object's bytes in the handout and, in turn, of every object it
        refers to; None when it cannot be told (a cycle, an object in an object stream)."""
        if key in self.deep:
            return self.deep[key]
        if self.extents is None:
            offsets = sorted((offset, number) for number, offset in
                             self.reader.xref.get(0, {}).items())
            ends = [offset for offset, _ in offsets[1:]] + [len(self.data)]
            self.extents = {number: (offset, end)
                            for (offset, number), end in zip(offsets, ends, strict=True)}
        extent = self.extents.get(key)
        if extent is None or key in seen:
            return None
        raw = self.data[extent[0]:extent[1]]
        raw = raw[raw.find(b"obj"):]  # without its own number
        head = raw.split(b"stream", 1)[0]
        digest = hashlib.sha256(raw)
        for match in _REFERENCE.finditer(head):
            child = self.raw_key(int(match[1]), seen | {key})
            if child is None:
                self.deep[key] = None
                return None
            digest.update(child)
        self.deep[key] = digest.digest()
        return self.deep[key]

    def body(self, obj: Any, shared: bool, parent: int = 0) -> bytes:
        """An object's bytes, with its references renumbered for the merged file.

        Whatever a page's /Resources reach (fonts, their files, widths and maps) is
        shared: written once for every handout with the same bytes. A page's content and
        annotations are its own.
        """
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            StreamObject,
        )

        def value(item: Any, shared: bool) -> bytes:
            if isinstance(item, IndirectObject):
                return b"%d 0 R" % self.ref(item, shared=shared)
            if isinstance(item, DictionaryObject):
                return mapping(item, shared)
            if isinstance(item, ArrayObject):
                return b"[" + b" ".join(value(part, shared) for part in item) + b"]"
            return _plain(item)

        def mapping(item: Any, shared: bool, skip: str = "") -> bytes:
            page = item.get("/Type") == "/Page"
            parts = []
            for key, part in item.items():
                if key == skip:
                    continue
                if page and key == "/Parent":
                    parts.append(b"/Parent %d 0 R" % parent)
                else:
                    parts.append(_plain(key) + b" " + value(part, shared or key == "/Resources"))
            return b"<<" + b"".join(parts) + b">>"

        if isinstance(obj, StreamObject):
            data: bytes = obj._data
            return (mapping(obj, shared, "/Length")[:-2] + b"/Length %d>>\nstream\n" % len(data)
                    + data + b"\nendstream")
        return value(obj, shared)


def _plain(item: Any) -> bytes:
    """A direct object (a name, a number, a string...) as pypdf writes it."""
    buffer = io.BytesIO()
    item.write_to_stream(buffer)
    return buffer.getvalue()


def _text(text: str) -> bytes:
    from pypdf.generic import create_string_object

    return _plain(create_string_object(text))


def _number(value: float) -> bytes:
    return (b"%d" % value) if value == int(value) else (b"%.4f" % value).rstrip(b"0")


def merge_to(out: BinaryIO, handouts: Any, *, keywords: str = "") -> int:
    """Write every (pdf bytes, bookmark) of `handouts` to `out` as one merged file.

    Returns:
        The number of pages.

    Raises:
        HandoutUnreadableError: Naming nothing (the caller knows which handout it was).
    """
    writer = MergedWriter(out, keywords=keywords)
    for data, bookmark in handouts:
        writer.add(data, bookmark)
    return writer.close()
