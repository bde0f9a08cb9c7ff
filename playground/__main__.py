"""`python -m playground` runs the command-line interface."""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
