"""``python -m ketacost``."""

from ketacost.cli.app import main

main()
