"""``python -m shoehorn`` runs the CLI (works even where the console script is not on PATH)."""

from shoehorn.cli import main

main()
