# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_tests.local.uri: ansible.builtin.uri run in a fork of the worker (integration targets only).

The builtin action of ``uri`` (its ``src`` handling) is kept; only how the ``uri`` module is executed
differs, with identity.okta's fork runner (see README.md beside this collection's plugins).
"""

from __future__ import annotations

import json

from ansible.module_utils.common.json import Direction, get_module_encoder
from ansible.plugins.action.uri import ActionModule as UriAction
from ansible.vars.clean import remove_internal_keys

from ansible_collections.identity.okta.plugins.plugin_utils import _okta_action as fork

URI_MODULES = ("uri", "ansible.legacy.uri", "ansible.builtin.uri")


class ActionModule(UriAction):
    """``ansible.builtin.uri``, with the module run in a fork of the worker when the task runs on the controller."""

    # When the fork applies, and the interpreter Ansible would use: as for identity.okta's modules.
    _fork_possible = fork.OktaModuleAction._fork_possible  # pylint: disable=protected-access
    _module_shebang = fork.OktaModuleAction._module_shebang  # pylint: disable=protected-access

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, ignore_unknown_opts=False):
        task_vars = task_vars if task_vars is not None else {}
        shebang = self._module_shebang(task_vars)
        if module_name not in URI_MODULES or not self._fork_possible(wrap_async, task_vars) or not fork.same_interpreter(shebang):
            return super(ActionModule, self)._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async,
                ignore_unknown_opts=ignore_unknown_opts)
        module_args = dict(module_args if module_args is not None else self._task.args)
        self._update_module_args("ansible.legacy.uri", module_args, task_vars, ignore_unknown_opts=ignore_unknown_opts)
        self._used_interpreter = shebang
        encoder = get_module_encoder(fork.PROFILE, Direction.CONTROLLER_TO_MODULE)
        json_params = json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=encoder).encode("utf-8")
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        res = fork.run_forked("ansible.modules.uri", json_params, fork.PROFILE,
                              dict((str(k), str(v)) for k, v in environment.items()))
        data = self._parse_returned_data(res, fork.PROFILE)
        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        return data
