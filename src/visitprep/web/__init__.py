"""`visitprep serve`: the checklist and the clinic list as a local web page.

The only package that imports Flask (and waitress). See `app.create_app` and
`server.serve`.
"""
