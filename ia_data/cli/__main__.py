"""``python -m ia_data.cli``: the ``ia-data`` command."""

import sys

from ia_data.cli import command

sys.exit(command())
