# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller's clock of the pacing tests (plugins/module_utils/_okta_pacing.py)."""

from __future__ import annotations


class Clock(object):
    """A clock that moves only when the code sleeps (never, when ``frozen``); every sleep is recorded."""

    def __init__(self, now=1000.0, frozen=False):
        self.now = now
        self.frozen = frozen
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        if not self.frozen:
            self.now += seconds
