"""Command line: ``python -m geo build | export | validate``."""

from geo.cli import main

raise SystemExit(main())
