import sys

from desktop.ui.app import main

sys.exit(main())
