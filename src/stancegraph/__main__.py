"""``python -m stancegraph`` runs the CLI."""

from stancegraph.cli import main

main()
