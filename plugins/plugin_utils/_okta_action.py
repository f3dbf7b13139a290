# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugin of every identity.okta module: the module runs in a fork of the task's worker.

A module task normally starts a new Python process: Ansible builds the module's payload, starts the
interpreter, which unpacks the payload and imports the module and everything it uses (``requests``,
``cryptography``, ``PyJWT``, Ansible's module utilities) from a zip file, where nothing is compiled
ahead. For these modules, which send a few HTTPS requests each, that start-up costs several times
the work itself (about a second of CPU time per task, where Okta answers in milliseconds).

When the task runs on the controller itself (``connection: local``, which is how the roles run the
modules, with ``delegate_to: localhost``), with the controller's own Python and without ``become``,
this plugin runs the module in a child process forked from the task's worker instead. The libraries
are imported once, when the plugin is loaded by the controller, and the module runs exactly as it
would in a process of its own: the same arguments (module_defaults, check and diff mode and no_log
included), the task's ``environment``, its own stdout and exit status, and the result parsed by
Ansible as any module result. Any other case (another host, another interpreter, ``become``,
``async``, or the variable ``okta_fork_modules`` set to false) takes Ansible's usual path.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import runpy
import selectors
import signal
import sys
import traceback

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

try:
    from ansible.module_utils import basic as ansible_basic
    from ansible.module_utils import _internal as ansible_internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
    from ansible.vars.clean import remove_internal_keys
    from ansible.executor import module_common
except ImportError:  # ansible-core before 2.19: modules always run the usual way
    ansible_basic = None

display = Display()

FORK_SWITCH = "okta_fork_modules"
"""The variable (of the host, play or task) that, set to false, runs identity.okta modules the usual way."""

COLLECTION = "identity.okta"

PROFILE = "legacy"
"""The serialization profile of the module's arguments and result: the one Ansible gives modules without METADATA."""


def preload(module):
    """Import the module (and so its libraries) in the controller, which every worker, a fork of it, then holds.

    Called by each action plugin when Ansible loads it, in the controller process. A module that cannot be
    imported here (a missing library) is left alone: it reports the problem itself when it runs.
    """
    try:
        importlib.import_module("ansible_collections.%s.plugins.modules.%s" % (COLLECTION, module))
    except Exception:  # pylint: disable=broad-except
        display.vvvv("identity.okta: %s not preloaded: %s" % (module, traceback.format_exc()))


def fork_enabled(value):
    """Whether the variable ``okta_fork_modules`` (already templated; default true) allows the fork."""
    if value is None:
        return True
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleError("okta_fork_modules must be a boolean (true runs identity.okta modules in a fork of the task's "
                           "worker when the task runs on the controller, false always the usual way), not %r." % (value,))


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


class ForkedModuleMixin(object):
    """How an action plugin runs a module in a fork of the worker: when it may, with which interpreter, and the run.

    Mixed into an action plugin class before Ansible's action it extends; used by :class:`OktaModuleAction`.
    """

    def _fork_possible(self, wrap_async, task_vars):
        if ansible_basic is None or wrap_async or self._task.async_val:
            return False
        if getattr(self._connection, "transport", None) not in ("local", "ansible.builtin.local"):
            return False
        if self._play_context.become or getattr(self._connection, "become", None) is not None:
            return False
        return fork_enabled(self._templar.template(task_vars.get(FORK_SWITCH)) if task_vars else None)

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

    def _execute_in_fork(self, module_name, module_fqn, module_args, task_vars, shebang, ignore_unknown_opts=False):
        """Run the module ``module_fqn`` (Python name) in a fork of the worker and return its result, as Ansible
        returns the result of a module it ran with the interpreter ``shebang``."""
        self._update_module_args(module_name, module_args, task_vars, ignore_unknown_opts=ignore_unknown_opts)
        self._used_interpreter = shebang
        encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
        json_params = json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=encoder).encode("utf-8")
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        display.vvv("identity.okta: running %s in a fork of the worker" % module_fqn)
        res = run_forked(module_fqn, json_params, PROFILE, dict((str(k), str(v)) for k, v in environment.items()))
        data = self._parse_returned_data(res, PROFILE)
        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        return data


class OktaModuleAction(ForkedModuleMixin, NormalAction):
    """Runs an identity.okta module: in a fork of the worker when the task runs on the controller.

    Ansible's own action of modules without a plugin (``normal``) does the rest: check mode, async, the
    clean-up of a remote temporary folder; only how the module is executed differs.
    """

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, ignore_unknown_opts=False):
        if not self._fork_possible(wrap_async, task_vars):
            return super(OktaModuleAction, self)._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async,
                ignore_unknown_opts=ignore_unknown_opts)
        task_vars = task_vars if task_vars is not None else {}
        module_name = module_name or self._task.action
        module_args = module_args if module_args is not None else self._task.args
        found = self._shared_loader_obj.module_loader.find_plugin_with_context(module_name, collection_list=self._task.collections)
        module_fqn = _module_fqn(found.plugin_resolved_name if found.resolved else None)
        shebang = self._module_shebang(task_vars)
        if module_fqn is None or not same_interpreter(shebang):
            display.vvv("identity.okta: %s runs the usual way (interpreter %s)" % (module_name, shebang))
            return super(OktaModuleAction, self)._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async,
                ignore_unknown_opts=ignore_unknown_opts)
        return self._execute_in_fork(module_name, module_fqn, module_args, task_vars, shebang,
                                     ignore_unknown_opts=ignore_unknown_opts)


def _module_fqn(resolved_name):
    """The Python name of a module of this collection as Ansible's module loader resolved it, else None."""
    prefix = "ansible_collections.%s.plugins.modules." % COLLECTION
    if not resolved_name or not resolved_name.startswith(prefix) or "." in resolved_name[len(prefix):]:
        return None
    return resolved_name
