"""``python -m sim.cli``: the ``shocksim`` command."""

import sys

from sim.cli import main

sys.exit(main())
