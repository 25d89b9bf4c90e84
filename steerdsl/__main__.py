"""``python -m steerdsl`` runs the ``steer`` command."""

import sys

from steerdsl.cli import main

sys.exit(main())
