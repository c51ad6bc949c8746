"""The renderers: a Document becomes a PDF (`pdf`, with `flowables` and the bundled fonts).

Only the modules of this package import reportlab; importing the package itself loads
nothing, so `visitprep --help` and the interview stay fast.
"""
