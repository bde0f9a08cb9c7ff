"""Entry point for the PyInstaller bundle: the same as the `playground` console script."""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
