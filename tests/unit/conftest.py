# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest setup of the unit tests: make this collection importable as ansible_collections.identity.okta.

When the collection already lives at ``.../ansible_collections/identity/okta`` the folder above
``ansible_collections`` goes on sys.path. Otherwise (a plain clone) the link
``collections/ansible_collections/identity/okta`` pointing at the collection root is created, as
the Makefile does, and ``collections`` goes on sys.path.
"""

from __future__ import annotations

import os
import sys

import pytest

NAMESPACE = 'identity'
NAME = 'okta'


def _collections_dir() -> str:
    """Return a folder holding ansible_collections/identity/okta for this collection."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parent, name = os.path.split(root)
    parent, namespace = os.path.split(parent)
    parent, top = os.path.split(parent)
    if (top, namespace, name) == ('ansible_collections', NAMESPACE, NAME):
        return parent

    collections = os.path.join(root, 'collections')
    link = os.path.join(collections, 'ansible_collections', NAMESPACE, NAME)
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.islink(link):  # dangling
            os.unlink(link)
        try:
            os.symlink(os.path.join('..', '..', '..'), link)
        except FileExistsError:  # created at the same moment by another test worker
            pass
    return collections


def pytest_configure(config):
    """The marker of the few longest tests, which `make check` leaves out (`make unit` and `make test` run them)."""
    config.addinivalue_line('markers', 'slow: a long test (real ansible-playbook runs, the lifecycle model) that '
                                       '`make check` leaves out with -m "not slow"')


_COLLECTIONS = _collections_dir()
if _COLLECTIONS not in sys.path:
    sys.path.insert(0, _COLLECTIONS)


@pytest.fixture
def okta(monkeypatch):
    """An Okta org for the test: the simulator run in process (see tests/unit/okta_inprocess.py).

    Every ``requests`` session of the test talks to it, lists come two items per page, and
    ``time.sleep`` records the wait in ``okta.sleeps`` instead of sleeping.
    """
    from ansible_collections.identity.okta.tests.unit.okta_inprocess import InProcessOkta  # pylint: disable=import-outside-toplevel

    org = InProcessOkta().install(monkeypatch)
    yield org
    org.close()


@pytest.fixture
def workato(okta, monkeypatch):
    """A Workato workspace for the test (tests/unit/workato_inprocess.py), on the ``okta`` fixture's transport; it
    tests the credentials it is given against that org."""
    from ansible_collections.identity.okta.tests.unit.workato_inprocess import InProcessWorkato  # pylint: disable=import-outside-toplevel

    return InProcessWorkato(okta).install(monkeypatch)


@pytest.fixture(autouse=True)
def _private_rate_limit_state(tmp_path_factory, monkeypatch):
    """Each test keeps the rate-limit state its clients share (plugins/module_utils/_okta_pacing.py) in a folder
    of its own, never in the user's cache, so that tests do not pace each other."""
    folder = tmp_path_factory.mktemp("rate-limits")
    os.chmod(str(folder), 0o700)
    monkeypatch.setenv("OKTA_RATE_LIMIT_STATE_DIR", str(folder))
