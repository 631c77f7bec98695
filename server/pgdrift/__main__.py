"""``python -m pgdrift``: the same as the ``pgdrift`` command."""

import sys

from pgdrift.cli import main

sys.exit(main())
