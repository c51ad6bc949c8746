"""The renderers: a Document becomes a PDF (`pdf`, with `flowables`, and `tags` for its
structure tree; the fonts and what they can print are `visitprep.fonts`) or an accessible
HTML page (`html`, with its template in `html_templates/`).

Only `pdf`, `flowables` and `tags` import reportlab, and `html` never does; importing the
package itself loads nothing, so `visitprep --help` and the interview stay fast.
"""
