"""Entry point: ``python tests/workato_sim ...`` (folder) or ``python -m workato_sim ...`` (package)."""

import os
import sys

if __package__ in (None, ''):
    # Run as a folder: make the package (and okta_sim beside it, for the certificates) importable.
    _PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _PACKAGE_DIR]
    sys.path.insert(0, os.path.dirname(_PACKAGE_DIR))
    from workato_sim.server import main  # pylint: disable=import-error
else:
    from .server import main

if __name__ == '__main__':
    sys.exit(main())
