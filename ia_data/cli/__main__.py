"""``python -m ia_data.cli``: the ``ia-data`` command."""

import sys

from ia_data.cli import main

sys.exit(main())
