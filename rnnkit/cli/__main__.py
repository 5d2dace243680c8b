"""`python -m rnnkit.cli`: the `rnnkit` command.

Example:
    $ python -m rnnkit.cli forecast --epochs 20
"""

import sys

from rnnkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
