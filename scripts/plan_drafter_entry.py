"""PyInstaller entry script: the frozen program starts here."""

import sys

from desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
