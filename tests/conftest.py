"""Shared fixtures: the built-in bank, a PDF reader, and a CLI runner."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from visitprep.bank import default_bank_dir, load_bank
from visitprep.cli import main
from visitprep.models import QuestionBank

DATA = Path(__file__).parent / "data"
# The one clock visitprep reads (visitprep.dates.today), fixed for every test, in this process
# and in the ones it starts: no test depends on the day it runs (CI runs the clock-reading
# tests again under faketime to prove it).
TODAY = dt.date(2026, 11, 20)  # a Friday
os.environ["VISITPREP_TODAY"] = TODAY.isoformat()
# The font metrics cache of this run (visitprep.font_cache), not the user's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="visitprep-test-cache-")
# The passages of the source documents that the bank cites, kept in the repository.
PASSAGES = DATA / "seeds"
# The whole source documents, when they are beside the repository (or named by
# VISITPREP_SEEDS): the tests then also check that the kept passages are the sources' own lines.
SEEDS = next((folder for folder in (
    Path(os.environ.get("VISITPREP_SEEDS", "/nonexistent")),
    *(parent / "shared" / "seeds" for parent in Path(__file__).resolve().parents[1:4]),
) if folder.is_dir()), Path(__file__).resolve().parents[2] / "shared" / "seeds")


@pytest.fixture(autouse=True)
def _c_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C locale, which says nothing about how 12/8/2026 reads, whatever the machine's;
    a test that needs another sets LC_ALL itself."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in bank, to break on purpose."""
    target = tmp_path / "bank"
    shutil.copytree(default_bank_dir(), target)
    return target


@dataclass
class Pdf:
    pages: list[str]
    metadata: dict[str, str]
    sizes: list[tuple[float, float]]
    raw: bytes

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes | Path) -> Pdf:
    raw = data.read_bytes() if isinstance(data, Path) else data
    reader = PdfReader(io.BytesIO(raw))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    meta = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    root = reader.trailer["/Root"]
    if "/Lang" in root:
        meta["/Lang"] = str(root["/Lang"])
    return Pdf(pages=pages, metadata=meta, sizes=sizes, raw=raw)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> Callable[..., Result]:
    """Run the CLI in-process from tmp_path; return its exit code and output."""
    monkeypatch.chdir(tmp_path)

    def invoke(*argv: str) -> Result:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke
