"""``python -m lagebild.cli``."""

from lagebild.cli import main

main()
