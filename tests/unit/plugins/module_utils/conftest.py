# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the tests of the module utilities."""

from __future__ import annotations

import pytest


@pytest.fixture
def folder(tmp_path):
    """A private folder (mode 0700) of the test's own."""
    path = tmp_path / "private"
    path.mkdir(mode=0o700)
    return path
