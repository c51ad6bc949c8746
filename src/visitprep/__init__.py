"""visitprep: a personalized checklist of questions for an oncology visit after cancer comes back.

The pipeline, one plain function a stage::

    bank = load_bank()
    profile = profile_from_mapping({"recurrence": "distant", "concerns": ["costs"]}, bank, "me")
    selection = select_questions(bank, profile)
    layout = load_layout(profile.template)
    pdf = render_pdf(build_document(bank, profile, selection, layout), layout)
    html = render_html(build_document(bank, profile, selection, layout), layout)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "VisitprepError",
    "Profile",
    "QuestionBank",
    "Selection",
    "load_bank",
    "load_layout",
    "profile_from_mapping",
    "select_questions",
    "build_document",
    "render_pdf",
    "render_html",
    "make_handout",
]

if TYPE_CHECKING:
    from visitprep.bank import load_bank
    from visitprep.document import build_document
    from visitprep.errors import VisitprepError
    from visitprep.handout import make_handout
    from visitprep.layout import load_layout
    from visitprep.models import Profile, QuestionBank, Selection
    from visitprep.profile import profile_from_mapping
    from visitprep.render.html import render_html
    from visitprep.render.pdf import render_pdf
    from visitprep.selection import select_questions

_LAZY = {
    "load_bank": "visitprep.bank",
    "build_document": "visitprep.document",
    "VisitprepError": "visitprep.errors",
    "make_handout": "visitprep.handout",
    "load_layout": "visitprep.layout",
    "Profile": "visitprep.models",
    "QuestionBank": "visitprep.models",
    "Selection": "visitprep.models",
    "profile_from_mapping": "visitprep.profile",
    "render_pdf": "visitprep.render.pdf",
    "render_html": "visitprep.render.html",
    "select_questions": "visitprep.selection",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `visitprep --help` and the first prompt never wait for reportlab.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'visitprep' has no attribute {name!r}")
