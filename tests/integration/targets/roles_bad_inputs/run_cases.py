#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the role cases of tests/bad_inputs.yml, each as a playbook run with -vvv.

A case passes when the run fails, its output names the option (and the expected text), holds no
traceback and none of the case's secrets nor the management API token, and, with the simulator
(``OKTA_SIM_CONTROL_URL``), the request log shows no write request. Prints a line per case and
``N passed, N failed``; exits 1 when a case failed.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
TABLE = os.path.join(ROOT, 'tests', 'bad_inputs.yml')
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import ansible_tool  # noqa: E402  pylint: disable=wrong-import-position


def request_log(control_url, token, ca_path, since=0):
    """The simulator's request log since ``since``."""
    context = ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()
    req = urllib.request.Request('%s/requests?since=%d' % (control_url, since), headers={'Authorization': 'SSWS ' + token})
    with urllib.request.urlopen(req, context=context, timeout=30) as answer:  # nosec - the local simulator
        return json.loads(answer.read().decode('utf-8'))


def run_case(case, env, workdir):
    """Run one case; return the output of ansible-playbook and its exit code."""
    playbook = [{
        'name': 'Bad input %s' % case['id'],
        'hosts': 'localhost',
        'connection': 'local',
        'gather_facts': False,
        'vars': dict(case.get('vars') or {}, ansible_python_interpreter='{{ ansible_playbook_python }}'),
        'tasks': [{'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'identity.okta.%s' % case['role']}}],
    }]
    path = os.path.join(workdir, '%s.yml' % case['id'])
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(playbook, handle, sort_keys=False)
    result = subprocess.run([ansible_tool('ansible-playbook'), '-vvv', '-i', 'localhost,', path],
                            env=env, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    return result.stdout, result.returncode


def check(case, output, code, writes, token):
    """The problems of one case (empty when it passed)."""
    problems = []
    if code == 0:
        problems.append('the run did not fail')
    if not re.search(r'\b%s\b' % re.escape(case['option']), output):
        problems.append('the output does not name %s' % case['option'])
    if case.get('expect') and case['expect'] not in output:
        problems.append('the output does not say %r' % case['expect'])
    if 'Traceback (most recent call last)' in output:
        problems.append('a traceback was printed')
    for unclear in ('Finalization of task args', 'Unexpected '):
        if unclear in output:
            problems.append('the message is not the clear one (%r)' % unclear)
    for secret in list(case.get('secrets') or []) + [token]:
        if secret and secret in output:
            problems.append('a secret was printed')
    if writes:
        problems.append('write requests were sent: %s' % ', '.join('%s %s' % (w['method'], w['path']) for w in writes))
    return problems


def main():
    with open(TABLE, encoding='utf-8') as handle:
        cases = yaml.safe_load(handle)['roles']
    env = dict(os.environ)
    env.setdefault('LC_ALL', 'C.UTF-8')
    env['ANSIBLE_NOCOLOR'] = '1'
    token = env.get('OKTA_API_TOKEN', '')
    control_url = env.get('OKTA_SIM_CONTROL_URL')
    ca_path = env.get('OKTA_CA_PATH')
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix='okta-bad-inputs-') as workdir:
        for case in cases:
            since = 0
            if control_url:
                log = request_log(control_url, token, ca_path)
                since = max([entry['seq'] for entry in log] or [0])
            output, code = run_case(case, env, workdir)
            writes = []
            if control_url:
                writes = [e for e in request_log(control_url, token, ca_path, since)
                          if e['method'] not in ('GET', 'HEAD') and e['path'] != '/oauth2/v1/token']
            problems = check(case, output, code, writes, token)
            if problems:
                failed += 1
                print('FAILED %s: %s' % (case['id'], '; '.join(problems)))
                print('\n'.join(output.splitlines()[-15:]))
            else:
                passed += 1
                print('passed %s' % case['id'])
    print('bad inputs of the roles: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
