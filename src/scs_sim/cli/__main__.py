"""``python -m scs_sim.cli``: the same as ``scs-sim``."""

import sys

from scs_sim.cli import main

sys.exit(main())
