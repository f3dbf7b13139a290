# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of identity.okta.workato_connection: see plugins/plugin_utils/_okta_action.py."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.plugin_utils._okta_action import OktaModuleAction, preload


class ActionModule(OktaModuleAction):
    """Runs the module in a fork of the worker when the task runs on the controller."""


preload("workato_connection")
