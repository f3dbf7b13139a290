"""Entry point: ``python tests/okta_sim ...`` (folder) or ``python -m okta_sim ...`` (package)."""

import os
import sys

if __package__ in (None, ''):
    # Run as a folder: make the package importable without letting its modules shadow others.
    _PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _PACKAGE_DIR]
    sys.path.insert(0, os.path.dirname(_PACKAGE_DIR))
    from okta_sim.server import main  # pylint: disable=import-error
else:
    from .server import main

if __name__ == '__main__':
    sys.exit(main())
