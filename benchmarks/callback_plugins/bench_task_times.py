# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback of the benchmark: one JSON line per task result (host, action, start, end) in $BENCH_TASK_LOG.

Only the benchmark enables it (``ANSIBLE_CALLBACK_PLUGINS=benchmarks/callback_plugins``,
``ANSIBLE_CALLBACKS_ENABLED=bench_task_times``); it is not part of the collection.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_task_times
type: aggregate
short_description: Task start and end times for the benchmark
description:
  - Writes one JSON line per task result to the file named by the BENCH_TASK_LOG environment variable.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_task_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ.get('BENCH_TASK_LOG')
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.time()

    def v2_runner_on_start(self, host, task):
        self._started[(task._uuid, host.get_name())] = time.time()

    def _record(self, result, status):
        if not self._path:
            return
        task = result._task
        host = result._host.get_name()
        start = self._started.get((task._uuid, host)) or self._started.get(task._uuid) or time.time()
        line = {'host': host, 'action': task.action, 'name': task.get_name(), 'status': status,
                'start': start, 'end': time.time()}
        with open(self._path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(line) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')
