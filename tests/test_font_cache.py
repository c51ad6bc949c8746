"""The font metrics cache: the same handout from a cached font as from a parsed one, and a
cache that is missing, broken, foreign or unwritable changes nothing but the speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from visitprep.font_cache import _state, cache_folder, load_ttfont
from visitprep.fonts import font_path

MAKE = ("import sys; from visitprep.handout import make_handout; "
        "from visitprep.bank import load_bank; from visitprep.models import Profile; "
        "sys.stdout.buffer.write(make_handout(Profile(recurrence='distant', "
        "concerns=frozenset({'costs'}), name='Zoë Núñez', fillable=True), load_bank(), "
        "invariant=True))")


def make_in_a_new_process(cache: Path) -> bytes:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", MAKE], env=env, capture_output=True,
                          check=True).stdout


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "visitprep").glob("font-*.bin"))


def test_a_cached_font_prints_the_same_handout_byte_for_byte(tmp_path: Path) -> None:
    first = make_in_a_new_process(tmp_path)  # parses the fonts and writes two entries
    assert len(entries(tmp_path)) == 2
    for entry in entries(tmp_path):
        assert entry.stat().st_mode & 0o077 == 0  # this user's only
    assert make_in_a_new_process(tmp_path) == first  # read from the cache


def test_the_cached_face_is_the_parsed_face(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from reportlab.pdfbase import ttfonts

    parsed = load_ttfont("A", font_path("DejaVuSans.ttf"))

    def no_parsing(*args: object) -> None:
        raise AssertionError("parsed again: the cache was not used")

    monkeypatch.setattr(ttfonts.TTFontFile, "extractInfo", no_parsing)
    cached = load_ttfont("A", font_path("DejaVuSans.ttf"))
    assert cached.face is not parsed.face
    assert _state(cached.face) == _state(parsed.face)
    assert cached.face.name.ustr == parsed.face.name.ustr
    assert cached.face._pdfScale(2048) == parsed.face._pdfScale(2048)
    assert cached.stringWidth("Zoë", 12) == parsed.stringWidth("Zoë", 12)


@pytest.mark.parametrize("damage", ["cut short", "garbage", "group-writable", "a folder",
                                    "a link", "a pipe"])
def test_a_bad_entry_is_passed_over(tmp_path: Path, damage: str) -> None:
    good = make_in_a_new_process(tmp_path)
    for entry in entries(tmp_path):
        if damage == "cut short":
            entry.write_bytes(entry.read_bytes()[:1000])
        elif damage == "garbage":
            entry.write_bytes(b"\x00not marshal" * 100)
        elif damage == "group-writable":
            entry.chmod(0o664)
        elif damage == "a folder":
            entry.unlink()
            entry.mkdir()
        elif damage == "a link":
            entry.unlink()
            entry.symlink_to("/dev/zero")
        else:
            entry.unlink()
            os.mkfifo(entry)  # opening it for reading would wait for a writer
    assert make_in_a_new_process(tmp_path) == good


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    good = make_in_a_new_process(tmp_path / "fresh")
    assert make_in_a_new_process(blocked) == good  # $XDG_CACHE_HOME is a file


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache_folder() == Path("/somewhere/visitprep")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_folder() == Path.home() / ".cache" / "visitprep"


def test_reportlab_is_imported_without_its_two_costly_patterns_or_pillow() -> None:
    code = ("import sys, visitprep.render.pdf, visitprep.render.quick_platypus as q; "
            "from reportlab.platypus import paragraph; "
            "print(len(q.DEFERRED_PATTERNS), 'PIL.Image' in sys.modules, "
            "bool(paragraph.uri_pat.match('https://www.cancer.gov/espanol')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    # Both patterns deferred, Pillow not loaded, and the pattern still works when used.
    assert out == ["2", "False", "True"]


def test_a_clinic_logo_still_prints_with_pillow_imported_late(tmp_path: Path) -> None:
    logo = Path(__file__).parents[1] / "docs" / "standard-page-1.png"
    (tmp_path / "clinic.yaml").write_text(f"name: Riverside\nlogo: {logo}\n")
    result = subprocess.run(
        [sys.executable, "-m", "visitprep", "make", "--recurrence", "local", "--template",
         "navigator", "--clinic", str(tmp_path / "clinic.yaml"), "-o",
         str(tmp_path / "out.pdf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert b"/Subtype /Image" in (tmp_path / "out.pdf").read_bytes()


SPANISH = ("import sys; from visitprep import i18n; "
           "t = i18n.translations('es'); sys.stdout.write(t.gettext('Notes') + '|' + "
           "t.ngettext('{count} question', '{count} questions', 2))")


@pytest.mark.parametrize("damage", ["none", "garbage"])
def test_the_compiled_spanish_catalog_is_cached_and_a_bad_entry_is_made_again(
        tmp_path: Path, damage: str) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def spanish() -> str:
        return subprocess.run([sys.executable, "-c", SPANISH], env=env, capture_output=True,
                              text=True, check=True).stdout

    first = spanish()  # compiled from the .po with Babel, then kept
    assert first == "Notas|{count} preguntas"
    (entry,) = sorted((tmp_path / "visitprep").glob("catalog-*.bin"))
    assert entry.stat().st_mode & 0o077 == 0
    if damage == "garbage":
        entry.write_bytes(b"\x00not a catalog")
        entry.chmod(0o600)
    assert spanish() == first  # read from the cache, or made again from the .po
    if damage == "garbage":
        assert entry.read_bytes() != b"\x00not a catalog"
