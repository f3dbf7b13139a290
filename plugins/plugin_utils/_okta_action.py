# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugin of every identity.okta module: Ansible's usual action, or, on request, the fork runner.

By default a module task runs exactly as a module without an action plugin does: this class only overrides
the public ``run()`` of Ansible's ``normal`` action and hands it the task unchanged, touching nothing private
to ansible-core.

With the variable ``okta_fork_modules`` set to true (for a host, a group, a play, a task or the run), and
only on the ansible-core minors listed in ``FORK_TESTED_VERSIONS``, the task goes to the fork runner
(``_okta_fork.py``), which runs the module in a fork of the task's worker when the task runs on the
controller with the controller's Python, and takes the usual path otherwise. Each task says at -v which
path it took and why.
"""

from __future__ import annotations

import importlib
import traceback

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.release import __version__ as ansible_core_version
from ansible.utils.display import Display

display = Display()

FORK_SWITCH = "okta_fork_modules"
"""The variable (of the host, play or task) that, set to true, asks for identity.okta modules to run in a fork."""

FORK_TESTED_VERSIONS = ("2.19", "2.20", "2.21")
"""The ansible-core minors where the fork runner's unit tests and its parity play pass (docs/development.md)."""

COLLECTION = "identity.okta"


def preload(module):
    """Import the module (and so its libraries) in the controller, which every worker, a fork of it, then holds.

    Called by each action plugin when Ansible loads it, in the controller process. A module that cannot be
    imported here (a missing library) is left alone: it reports the problem itself when it runs.
    """
    try:
        importlib.import_module("ansible_collections.%s.plugins.modules.%s" % (COLLECTION, module))
    except Exception:  # pylint: disable=broad-except
        display.vvvv("identity.okta: %s not preloaded: %s" % (module, traceback.format_exc()))


def fork_requested(value):
    """Whether the variable ``okta_fork_modules`` (already templated; None when not set) asks for the fork."""
    if value is None:
        return False
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleError("okta_fork_modules must be a boolean (true runs identity.okta modules in a fork of the task's "
                           "worker when the task runs on the controller, false the usual way), not %r." % (value,))


def core_minor(version=None):
    """The ``major.minor`` of an ansible-core version (``"2.21.0rc1"`` -> ``"2.21"``); this one's by default."""
    return ".".join((version or ansible_core_version).split(".")[:2])


def short_name(module_name):
    """``okta_scopes`` for ``identity.okta.okta_scopes``."""
    return (module_name or "").rsplit(".", 1)[-1]


def usual_way(module_name, why):
    """The -v line of a task that runs its module the usual way."""
    return "identity.okta: %s runs the usual way: %s" % (short_name(module_name), why)


def fork_choice(value, version=None):
    """``(True, minor)`` when the fork is asked for on a tested minor, else ``(False, why the usual way)``."""
    if value is None:
        return False, "%s is not set" % FORK_SWITCH
    if not fork_requested(value):
        return False, "%s is false" % FORK_SWITCH
    minor = core_minor(version)
    if minor not in FORK_TESTED_VERSIONS:
        return False, ("%s is true but ansible-core %s is not among the versions the fork is tested on (%s)"
                       % (FORK_SWITCH, minor, ", ".join(FORK_TESTED_VERSIONS)))
    return True, minor


class OktaModuleAction(NormalAction):
    """Runs an identity.okta module: Ansible's ``normal`` action, or the fork runner when asked for and tested."""

    def run(self, tmp=None, task_vars=None):
        value = task_vars.get(FORK_SWITCH) if task_vars else None
        forked, why = fork_choice(self._templar.template(value) if value is not None else None)
        if not forked:
            display.v(usual_way(self._task.action, why))
            return super(OktaModuleAction, self).run(tmp, task_vars)
        from ansible_collections.identity.okta.plugins.plugin_utils._okta_fork import ForkedNormalAction

        runner = ForkedNormalAction.__new__(ForkedNormalAction)
        runner.__dict__.update(self.__dict__)  # the same task, connection, templar and loaders
        runner.tested_version = why
        return runner.run(tmp, task_vars)
