# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The opt-in fork runner: an identity.okta module run in a fork of the task's worker.

A module task normally starts a new Python process: Ansible builds the module's payload, starts the
interpreter, which unpacks the payload and imports the module and everything it uses (``requests``,
``cryptography``, ``PyJWT``, Ansible's module utilities) from a zip file, where nothing is compiled
ahead. For these modules, which send a few HTTPS requests each, that start-up costs several times
the work itself (about a second of CPU time per task, where Okta answers in milliseconds).

With the variable ``okta_fork_modules`` set to true, on an ansible-core version the fork is tested on
(``FORK_TESTED_VERSIONS`` in ``_okta_action.py``), and when the task runs on the controller itself
(``connection: local``) with the controller's own Python and without ``become`` or ``async``, the module
runs in a child process forked from the task's worker instead: the same arguments (module_defaults,
check and diff mode and no_log included), the task's ``environment``, its own stdout and exit status,
and the result parsed by Ansible as any module result.

This file, and only this file, uses names that are private to ansible-core (the interpreter
resolution, the module wrapper's globals, the parsing of a module's output): that is why the fork is
an opt-in, enabled only on the versions where its tests pass, and why nothing here is imported on
the default path.
"""

from __future__ import annotations

import io
import json
import os
import runpy
import selectors
import signal
import sys
import traceback

from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

from ansible_collections.identity.okta.plugins.plugin_utils._okta_action import short_name, usual_way

try:
    from ansible.module_utils import basic as ansible_basic
    from ansible.module_utils import _internal as ansible_internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
    from ansible.executor import module_common
except ImportError:  # ansible-core before 2.19: the fork cannot run
    ansible_basic = None

try:
    from ansible.vars.clean import remove_internal_keys
except ImportError:  # ansible-core 2.21 and later: the parsed result cleans itself (clean_module_result)
    remove_internal_keys = None

display = Display()

PROFILE = "legacy"
"""The serialization profile of the module's arguments and result: the one Ansible gives modules without METADATA."""


def same_interpreter(shebang, executable=None):
    """Whether the module's interpreter line names the Python that runs the controller."""
    if not shebang or not shebang.startswith("#!"):
        return False
    words = shebang[2:].split()
    if len(words) != 1:
        return False  # "/usr/bin/env python3" and interpreters with options: not provably the same
    try:
        return os.path.samefile(words[0], executable or sys.executable)
    except OSError:
        return False


def _child(module_fqn, json_params, profile, environment, out_fd, err_fd):
    """Run the module in the forked child: never returns."""
    code = 1
    try:
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        os.close(out_fd)
        os.close(err_fd)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(0)
        os.environ.update(environment)
        # The module must behave as on a target: warnings and deprecations go into its result.
        ansible_internal.is_controller = False
        ansible_basic._ANSIBLE_ARGS = json_params
        ansible_basic._ANSIBLE_PROFILE = profile
        try:
            runpy.run_module(module_fqn, run_name="__main__", alter_sys=True)
            result = dict(failed=True, msg="The module %s ended without a result." % module_fqn)
            sys.stdout.write(json.dumps(result))
        except SystemExit as ex:
            code = ex.code if isinstance(ex.code, int) else (0 if ex.code is None else 1)
        except BaseException as ex:  # pylint: disable=broad-except
            # What the module wrapper does with an exception a module did not catch.
            result = dict(failed=True, msg="Module %s failed: %s: %s" % (module_fqn, type(ex).__name__, ex),
                          exception=traceback.format_exc())
            sys.stdout.write(json.dumps(result))
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)  # pylint: disable=protected-access


def run_forked(module_fqn, json_params, profile, environment):
    """Fork, run the module in the child and return ``dict(rc=..., stdout=..., stderr=...)`` as a command would."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child ends with os._exit)
        os.close(out_r)
        os.close(err_r)
        _child(module_fqn, json_params, profile, environment, out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    chunks = {out_r: [], err_r: []}
    ended = False
    try:
        with selectors.DefaultSelector() as selector:
            for fd in chunks:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                for key, dummy in selector.select():
                    data = os.read(key.fd, 65536)
                    if data:
                        chunks[key.fd].append(data)
                    else:
                        selector.unregister(key.fd)
        dummy, status = os.waitpid(pid, 0)
        ended = True
    finally:
        os.close(out_r)
        os.close(err_r)
        if not ended:  # the task timed out or the run was interrupted while the module ran
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    return dict(
        rc=os.waitstatus_to_exitcode(status),
        stdout=b"".join(chunks[out_r]).decode("utf-8", errors="replace"),
        stderr=b"".join(chunks[err_r]).decode("utf-8", errors="replace"),
    )


def clean_module_result(parsed):
    """The result dict of a module, from what ``ActionBase._parse_returned_data`` gave, cleaned as Ansible cleans it.

    Up to ansible-core 2.20 that is a dict, cleaned with ``ansible.vars.clean.remove_internal_keys``. 2.21 returns
    a task result object instead (and has no ``remove_internal_keys`` function): its ``_execute_module`` calls the
    object's own ``remove_internal_keys()`` and returns ``as_result_dict(for_round_trip=True)``, as done here.
    """
    if isinstance(parsed, dict):
        parsed.pop("_ansible_suppress_tmpdir_delete", None)
        if remove_internal_keys is not None:
            remove_internal_keys(parsed)
        return parsed
    parsed.remove_internal_keys()
    return parsed.as_result_dict(for_round_trip=True)


class ForkedModuleMixin(object):
    """How an action plugin runs a module in a fork of the worker: when it may, with which interpreter, and the run.

    Mixed into an action plugin class before Ansible's action it extends; used by :class:`ForkedNormalAction`
    (which :class:`OktaModuleAction` takes only when the fork is requested on a tested version) and by the test
    collection's ``okta_tests.local.uri``.
    """

    def _fork_impossible(self, wrap_async, task_vars):
        """Why the fork cannot run this task (a phrase), or None when it can."""
        if ansible_basic is None:
            return "this ansible-core has not the interfaces it needs"
        if wrap_async or self._task.async_val:
            return "the task is async"
        transport = getattr(self._connection, "transport", None)
        if transport not in ("local", "ansible.builtin.local"):
            return "the task does not run on the controller (connection %s)" % transport
        if self._play_context.become or getattr(self._connection, "become", None) is not None:
            return "the task uses become"
        return None

    def _module_shebang(self, task_vars):
        """The interpreter line Ansible would give the module here, or None when it needs interpreter discovery.

        Asks Ansible's own resolution (``ansible_python_interpreter``, its configuration, the facts of an earlier
        discovery), which is private to ansible-core: any surprise means the usual path, which discovers.
        """
        use_vars = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, {}) if self._task.delegate_to else task_vars
        try:
            shebang, dummy = module_common._get_shebang(  # pylint: disable=protected-access
                "/usr/bin/python", use_vars, self._templar, remote_is_local=bool(getattr(self._connection, "_remote_is_local", False)))
        except Exception:  # pylint: disable=broad-except
            return None
        return shebang

    def _fork_refusal(self, wrap_async, task_vars):
        """``(None, shebang)`` when the module may run in the fork, else ``(reason, None)``."""
        reason = self._fork_impossible(wrap_async, task_vars)
        if reason:
            return reason, None
        shebang = self._module_shebang(task_vars)
        if not same_interpreter(shebang):
            return "the interpreter %s is not the controller's Python" % (shebang or "(to be discovered)"), None
        return None, shebang

    def _execute_in_fork(self, module_name, module_fqn, module_args, task_vars, shebang, **kwargs):
        """Run the module ``module_fqn`` (Python name) in a fork of the worker and return its result, as Ansible
        returns the result of a module it ran with the interpreter ``shebang``."""
        self._update_module_args(module_name, module_args, task_vars, **kwargs)
        self._used_interpreter = shebang
        encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
        json_params = json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=encoder).encode("utf-8")
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        res = run_forked(module_fqn, json_params, PROFILE, dict((str(k), str(v)) for k, v in environment.items()))
        return clean_module_result(self._parse_returned_data(res, PROFILE))


class ForkedNormalAction(ForkedModuleMixin, NormalAction):
    """Ansible's action of modules without a plugin (``normal``), with the module run in a fork of the worker.

    Only built by :class:`OktaModuleAction` when ``okta_fork_modules`` is true on a tested ansible-core; says at
    -v, once per task, whether the module ran in the fork or, when the fork is impossible here, why not.
    """

    tested_version = None
    """The ansible-core minor (``"2.21"``) that OktaModuleAction found among the tested ones, for the -v line."""

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, **kwargs):
        task_vars = task_vars if task_vars is not None else {}
        module_name = module_name or self._task.action
        module_args = module_args if module_args is not None else self._task.args
        found = self._shared_loader_obj.module_loader.find_plugin_with_context(module_name, collection_list=self._task.collections)
        module_fqn = _module_fqn(found.plugin_resolved_name if found.resolved else None)
        reason, shebang = self._fork_refusal(wrap_async, task_vars)
        if module_fqn is None:
            reason = "%s is not a module of identity.okta" % module_name
        if reason:
            display.v(usual_way(module_name, "okta_fork_modules is true but %s" % reason))
            return super(ForkedNormalAction, self)._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async, **kwargs)
        display.v("identity.okta: %s runs in a fork of the worker (okta_fork_modules is true, ansible-core %s is tested "
                  "with it)" % (short_name(module_name), self.tested_version))
        return self._execute_in_fork(module_name, module_fqn, module_args, task_vars, shebang, **kwargs)


def _module_fqn(resolved_name):
    """The Python name of a module of this collection as Ansible's module loader resolved it, else None."""
    prefix = "ansible_collections.identity.okta.plugins.modules."
    if not resolved_name or not resolved_name.startswith(prefix) or "." in resolved_name[len(prefix):]:
        return None
    return resolved_name
