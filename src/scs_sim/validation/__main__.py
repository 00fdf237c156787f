"""``python -m scs_sim.validation [--check]``: regenerate or check docs/validation.md."""

import sys

from scs_sim.validation.report import main

sys.exit(main())
