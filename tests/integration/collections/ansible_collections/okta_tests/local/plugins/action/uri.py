# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_tests.local.uri: ansible.builtin.uri run in a fork of the worker (integration targets only).

The builtin action of ``uri`` (its ``src`` handling) is kept; only how the ``uri`` module is executed
differs, with identity.okta's fork runner (see README.md beside this collection's plugins), under the same
conditions as identity.okta's modules: ``okta_fork_modules`` true on a tested ansible-core.
"""

from __future__ import annotations

from ansible.plugins.action.uri import ActionModule as UriAction

from ansible_collections.identity.okta.plugins.plugin_utils._okta_action import FORK_SWITCH, fork_choice
from ansible_collections.identity.okta.plugins.plugin_utils._okta_fork import ForkedModuleMixin

URI_MODULES = ("uri", "ansible.legacy.uri", "ansible.builtin.uri")


class ActionModule(ForkedModuleMixin, UriAction):
    """``ansible.builtin.uri``, with the module run in a fork of the worker when asked for and possible."""

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, **kwargs):
        task_vars = task_vars if task_vars is not None else {}
        value = task_vars.get(FORK_SWITCH)
        if module_name in URI_MODULES and fork_choice(self._templar.template(value) if value is not None else None)[0]:
            reason, shebang = self._fork_refusal(wrap_async, task_vars)
            if not reason:
                return self._execute_in_fork("ansible.legacy.uri", "ansible.modules.uri",
                                             dict(module_args if module_args is not None else self._task.args),
                                             task_vars, shebang, **kwargs)
        return super(ActionModule, self)._execute_module(
            module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async, **kwargs)
