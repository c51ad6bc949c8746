"""`python -m visitprep`: the same as the `visitprep` command."""

from visitprep.cli import main

raise SystemExit(main())
