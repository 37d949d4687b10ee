"""``python -m hypercare``."""

import sys

from hypercare.cli import main

sys.exit(main())
