"""The reliability suite: the fault matrix of the roles and the concurrency runs, against the simulator.

Fault matrix (``tests/reliability/matrix.yml``, one table of writes x faults): every cell is one connection
(an inventory host with its own app label) and goes through the steps of the table (setup, change, rotate,
finish_rotation, remove) in ONE ansible-playbook run per step for all cells (forks), against ONE simulator.
Before a step, each cell's fault is armed for that connection only, on the first request of every write
operation of the step; then the step runs, then a plain re-run without faults, then a census of the org:

* every run completes, or fails with a message that says what to run;
* the re-run (of the cells whose run failed, of the cells without a fault, and of every cell with --full)
  completes, and the cell's census equals the census of the cell without a fault (same role);
* no duplicate app, key, secret, grant, role or group assignment; no orphan credential; the hand-off file
  agrees with Okta, and its client secret authenticates the client at the token endpoint.

The simulator's fault log says which write met which fault, so the result table is per (write, fault).

Workato cells (``workato`` in matrix.yml, tests/reliability/workato_cells.py): connections with
okta_workato_connection against a Workato simulator started beside the Okta one, with the fault in the Workato
simulator on every Workato write of the step (create, update, delete), in a play of their own.

Concurrency: 20 connections set up in one play with forks=10 under the small rate-limit profile (no
failure, no duplicate); the same 20 connections in 4 slices (``--limit``, as AWX job slicing runs them)
against a fresh org reach the same census; two ansible-playbook processes started at the same moment for
one connection end with exactly one app.

    python tests/reliability/run.py [--full] [--write-doc] [--only matrix|concurrency] [--forks N]
                                    [--fault NAME ...] [--steps N]

``--fault`` and ``--steps`` run a part of the matrix (the cells of those faults beside the cells without a
fault, the first N steps), for example ``--only matrix --fault "lost answer" --steps 1`` for a lost create.

Exits 1 when a check fails. ``--write-doc`` writes the result table to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

import jwt
import requests
import yaml
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, ansible_tool, collection_env  # noqa: E402  pylint: disable=wrong-import-position
from workato_sim_process import WorkatoSimulator  # noqa: E402  pylint: disable=wrong-import-position

import workato_cells as wk  # noqa: E402  pylint: disable=wrong-import-position

OUTPUT = os.path.join(ROOT, 'tests', 'output', 'reliability')
DOC = os.path.join(ROOT, 'docs', 'reliability.md')
ROLES = ('client_credentials', 'authorization_code')
SHORT = {'client_credentials': 'cc', 'authorization_code': 'ac', 'api_key': 'ak'}
CELL_TIMEOUT = 2          # seconds the modules wait for an answer; slow answers come later
SMALL_PROFILE = {'apps': 10, 'app_delete': 50, 'grants_roles': 50, 'token': 150, 'other': 50}
RATE_LIMIT_WINDOW = 3     # seconds: the small profile's limits, in short windows to keep the suite fast
CONCURRENT_CONNECTIONS = 20
# What a failed run's message must tell: what to run.
WHAT_TO_RUN = re.compile(r'\b(run|Run)\b[^.]*\b(again|the same playbook|setup|rotate|finish)', re.S)


# ------------------------------------------------------------------------------------------ the org

class Org:
    """The simulator: its Okta API (as the seeded super admin) and its control API."""

    def __init__(self, info, workato=None):
        self.info = info
        self.workato = workato
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = info['ca_bundle']
        self.session.headers.update({'Authorization': 'SSWS ' + info['api_token'], 'Accept': 'application/json'})
        self.base = info['org_url'] if 'org_url' in info else 'https://' + info['okta_domain']

    def control(self, method, path, body=None):
        resp = self.session.request(method, self.base + '/__sim__' + path, json=body, timeout=60)
        if resp.status_code >= 300:
            raise RuntimeError('control %s %s: %s %s' % (method, path, resp.status_code, resp.text))
        return resp.json() if resp.content else None

    def get(self, path, **params):
        """GET every item (following Link rel=next), outside the faults: faults are scoped to cell labels."""
        items, url = [], self.base + path
        while url:
            resp = self.session.get(url, params=params, timeout=60)
            if resp.status_code == 429:
                time.sleep(max(0.2, int(resp.headers.get('X-Rate-Limit-Reset', '0')) - time.time()))
                continue
            resp.raise_for_status()
            body = resp.json()
            if not isinstance(body, list):
                return body
            items.extend(body)
            url = resp.links.get('next', {}).get('url')
            params = None
        return items

    def post(self, path, body=None):
        resp = self.session.post(self.base + path, json=body, timeout=60)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def secret_authenticates(self, client_id, secret, redirect_uri):
        """Whether Okta's token endpoint authenticates the client with this secret: a token request with a
        deliberately invalid authorization code is refused as invalid_grant (the client was authenticated), not
        as invalid_client."""
        form = {'grant_type': 'authorization_code', 'code': 'reliability-invalid-code', 'redirect_uri': redirect_uri}
        while True:
            resp = requests.post(self.base + '/oauth2/v1/token', data=form, auth=(client_id, secret or ''),
                                 verify=self.info['ca_bundle'], timeout=60, headers={'Accept': 'application/json'})
            if resp.status_code != 429:
                break
            time.sleep(max(0.2, int(resp.headers.get('X-Rate-Limit-Reset', '0')) - time.time()))
        return resp.status_code == 400 and resp.json().get('error') == 'invalid_grant'

    def key_authenticates(self, client_id, key_path, kid, scope):
        """Whether Okta's token endpoint issues a client credentials token to the client for a private_key_jwt
        assertion signed with the private key in key_path (kid in its header)."""
        with open(key_path, 'rb') as handle:
            key = load_pem_private_key(handle.read(), password=None)
        url = self.base + '/oauth2/v1/token'
        while True:
            now = int(time.time())
            claims = {'iss': client_id, 'sub': client_id, 'aud': url, 'iat': now, 'exp': now + 300,
                      'jti': os.urandom(16).hex()}
            assertion = jwt.encode(claims, key, algorithm='ES256' if isinstance(key, ec.EllipticCurvePrivateKey)
                                   else 'RS256', headers={'kid': kid})
            form = {'grant_type': 'client_credentials', 'scope': scope, 'client_assertion': assertion,
                    'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'}
            resp = requests.post(url, data=form, verify=self.info['ca_bundle'], timeout=60,
                                 headers={'Accept': 'application/json'})
            if resp.status_code != 429:
                break
            time.sleep(max(0.2, int(resp.headers.get('X-Rate-Limit-Reset', '0')) - time.time()))
        return resp.status_code == 200 and bool(resp.json().get('access_token'))

    def env(self):
        workato = {'WORKATO_API_TOKEN': self.workato.info['api_token']} if self.workato else {}
        return collection_env({**os.environ, **workato, 'OKTA_DOMAIN': self.info['okta_domain'],
                               'OKTA_API_TOKEN': self.info['api_token'], 'OKTA_CA_PATH': self.info['ca_bundle'],
                               'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0',
                               'ANSIBLE_HOST_KEY_CHECKING': 'False', 'ANSIBLE_RETRY_FILES_ENABLED': 'False'})


def census(org, label, handoff_path=None, key_path=None, check_key=False):
    """What the org holds for one connection label, and the problems found (duplicates, orphans, a hand-off
    file that disagrees with Okta; with ``check_key``, a key file that does not authenticate the client at the
    token endpoint). ``state`` leaves out ids and secrets, to compare cells."""
    apps = [a for a in org.get('/api/v1/apps', q=label, limit=200) if a.get('label') == label]
    problems = []
    state = {'apps': len(apps)}
    if len(apps) > 1:
        problems.append('%d apps with the label' % len(apps))
    handoff = None
    if handoff_path and os.path.exists(handoff_path):
        with open(handoff_path, encoding='utf-8') as handle:
            handoff = json.load(handle)
    if not apps:
        return state, problems
    app = apps[0]
    app_id = app['id']
    client_id = app['credentials']['oauthClient']['client_id']
    method = app['credentials']['oauthClient'].get('token_endpoint_auth_method')
    keys = org.get('/api/v1/apps/%s/credentials/jwks' % app_id)
    secrets = org.get('/api/v1/apps/%s/credentials/secrets' % app_id) if method != 'private_key_jwt' else []
    grants = [g['scopeId'] for g in org.get('/api/v1/apps/%s/grants' % app_id) if g.get('status') == 'ACTIVE']
    roles = [r['type'] for r in org.get('/oauth2/v1/clients/%s/roles' % client_id)
             if r.get('assignmentType') in (None, 'CLIENT')]
    groups = [org.get('/api/v1/groups/%s' % g['id'])['profile']['name']
              for g in org.get('/api/v1/apps/%s/groups' % app_id, limit=200)]
    kids = [k.get('kid') for k in keys]
    for what, values in (('key', kids), ('grant', grants), ('role', roles), ('group assignment', groups)):
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            problems.append('duplicate %s: %s' % (what, ', '.join(duplicates)))
    active_secrets = [s for s in secrets if s.get('status') == 'ACTIVE']
    state.update(status=app.get('status'), method=method,
                 keys=sorted(k.get('status') for k in keys), secrets=sorted(s.get('status') for s in secrets),
                 grants=sorted(grants), roles=sorted(roles), groups=sorted(groups),
                 redirect_uris=sorted(app['settings']['oauthClient'].get('redirect_uris') or []),
                 grant_types=sorted(app['settings']['oauthClient'].get('grant_types') or []),
                 response_types=sorted(app['settings']['oauthClient'].get('response_types') or []))
    if handoff is None:
        problems.append('no hand-off file')
    else:
        if handoff.get('client_id') != client_id:
            problems.append('hand-off client_id %s, Okta %s' % (handoff.get('client_id'), client_id))
        if method == 'private_key_jwt':
            active_kids = [k.get('kid') for k in keys if k.get('status') == 'ACTIVE']
            if handoff.get('key_id') not in active_kids:
                problems.append('hand-off key_id %s is no active key of the app' % handoff.get('key_id'))
            elif check_key and not (grants and key_path and os.path.exists(key_path) and org.key_authenticates(
                    client_id, key_path, handoff['key_id'], grants[0])):
                problems.append('the key file does not authenticate the client at the token endpoint')
            local = [p for p in (key_path, (key_path or '') + '.next') if p and os.path.exists(p)]
            if len(active_kids) > len(local):
                problems.append('orphan key: %d active keys, %d local key files' % (len(active_kids), len(local)))
        else:
            values = [s.get('client_secret') for s in active_secrets]
            if handoff.get('client_secret') not in values:
                problems.append('the hand-off client secret is no active secret of the app')
            elif not org.secret_authenticates(client_id, handoff['client_secret'], handoff.get('redirect_uri')):
                problems.append('the hand-off client secret does not authenticate the client at the token endpoint')
            if len(active_secrets) > 2:
                problems.append('orphan secret: %d active secrets' % len(active_secrets))
    return state, problems


# ------------------------------------------------------------------------------------------ running plays

def write_inventory(path, hosts, common):
    """An inventory of local hosts, one per connection (host vars), with ``common`` vars for all; the modules run
    in a fork of the worker (okta_fork_modules), for speed."""
    data = {'all': {'vars': dict(common, ansible_connection='local', okta_fork_modules=True,
                                 ansible_python_interpreter=sys.executable),
                    'hosts': hosts}}
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)


def run_play(org, inventory, log_path, forks, limit=None):
    """ansible-playbook tests/reliability/step.yml; returns (rc, seconds)."""
    argv = [ansible_tool('ansible-playbook'), '-i', inventory, os.path.join(HERE, 'step.yml'), '-f', str(forks)]
    if limit:
        argv += ['--limit', limit]
    started = time.monotonic()
    with open(log_path, 'w', encoding='utf-8') as log:
        proc = subprocess.run(argv, cwd=ROOT, env=org.env(), stdout=log, stderr=subprocess.STDOUT, check=False)
    return proc.returncode, time.monotonic() - started


def read_result(path):
    if not os.path.exists(path):
        return {'ok': False, 'task': '', 'msg': 'the run left no result (the play stopped before the host ran)'}
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def cell_vars(work, name, role, label):
    return dict(okta_auth_type=role, okta_connection_label=label, okta_one_connection_per_host=True,
                okta_private_key_path=os.path.join(work, name + '.pem'),
                okta_connection_output_file=os.path.join(work, name + '.json'),
                okta_test_connection=False, okta_secure_logging=False, cell_timeout=CELL_TIMEOUT)


# ------------------------------------------------------------------------------------------ the matrix

def cell_title(cell):
    """The role of a cell, and the kind of prepared app it adopts (or workato), if any."""
    return cell['role'] + (' (%s)' % cell['kind']['name'] if cell['kind'] else '')


def matrix_faults(table, full):
    """The fault rows of this run: cycled 5xx rows by default, every status separately with --full."""
    return [f for f in table['faults'] if (f.get('full') and full) or (not f.get('full') and not (full and f.get('cycle')))]


def fault_spec(fault, label, step_index, role_index):
    if fault['spec'] is None:
        return None
    spec = dict(fault['spec'])
    if fault.get('cycle'):
        spec['status'] = fault['cycle'][(step_index + role_index) % len(fault['cycle'])]
    spec.update(method='WRITE', app=label, each_operation=True, tag=label)
    return spec


def run_matrix(org, table, full, forks, work, only_faults=None, only_steps=None):  # pylint: disable=too-many-locals,too-many-branches,too-many-statements
    """Run every cell through every step; returns (cells, problems, timings). ``only_faults`` (names; the cells
    without a fault, the baseline of the census, always run) and ``only_steps`` (names of the first steps to
    run) make a smaller run, to check one cell while working on it."""
    faults = [f for f in matrix_faults(table, full)
              if not only_faults or f['spec'] is None or f['name'] in only_faults]
    cells = []
    for role_index, role in enumerate(ROLES):
        for fault_index, fault in enumerate(faults):
            name = '%s_f%02d' % (SHORT[role], fault_index)
            label = 'Reliability %s %02d' % (SHORT[role], fault_index)
            cells.append(dict(name=name, role=role, role_index=role_index, fault=fault, label=label, steps={},
                              kind=None))
    for kind in table.get('prepared') or []:
        role_index = ROLES.index(kind['role'])
        for fault_index, fault in enumerate(faults):
            cells.append(dict(name='%s_f%02d' % (kind['short'], fault_index), role=kind['role'], role_index=role_index,
                              fault=fault, label='Reliability %s %02d' % (kind['short'], fault_index), steps={},
                              kind=kind))
    if org.workato is not None:
        cells += wk.cells(table, full, only_faults)
    workato = org.workato
    org.control('POST', '/groups', {'name': 'Reliability admins'})
    problems, timings = [], []
    carried = dict((role, {}) for role in ROLES)  # the variables of earlier steps stay (the change is kept)
    for step_index, step in enumerate(table['steps']):
        if only_steps and step['name'] not in only_steps:
            break
        cells_of_step = [c for c in cells if c['kind'] is None or step['name'] in c['kind']['steps']]
        for role in ROLES:
            carried[role].update((step.get('vars') or {}).get(role, {}))
        for cell in cells_of_step:
            for action in (step.get('before') or {}).get(cell['role'], []):
                for app in [a for a in org.get('/api/v1/apps', q=cell['label']) if a['label'] == cell['label']]:
                    if action == 'deactivate app':
                        org.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id'])
                    elif action.startswith('assign role '):
                        org.post('/oauth2/v1/clients/%s/roles' % app['credentials']['oauthClient']['client_id'],
                                 {'type': action.split()[-1]})
                    else:
                        raise ValueError('unknown action before a step: %s' % action)
            if cell['kind'] and cell['kind'].get('app') and step_index == 0:
                # The app that exists before the setup, made as someone would in the Admin Console.
                org.post('/api/v1/apps', dict(cell['kind']['app'], label=cell['label']))
        armed = [fault_spec(c['fault'], c['label'], step_index, c['role_index']) for c in cells_of_step
                 if not c['fault'].get('workato')]
        armed = [spec for spec in armed if spec]
        if armed:
            org.control('POST', '/faults', armed)
        log_start = len(org.control('GET', '/faults/log'))
        workato_cells = [c for c in cells_of_step if c['fault'].get('workato')]
        workato_armed = [wk.fault_spec(c['fault'], table, c, step['name'])[1] for c in workato_cells]
        workato_armed = [spec for spec in workato_armed if spec]
        if workato_armed:
            workato.control('POST', '/faults', workato_armed)
        for phase in ('run', 'rerun'):
            hosts = {}
            for cell in cells_of_step:
                if phase == 'rerun' and cell['steps'][step['name']]['run']['ok'] and (
                        step.get('rerun_only_failed') or not (full or wk.is_baseline(cell))
                        or (cell['fault'].get('workato') and not full and step_index > 0)):
                    # A Workato cell without a fault is re-run after the setup only (a re-run sends Workato no write),
                    # to keep the suite short.
                    # A completed run is re-run by the cells without a fault (idempotence) and with --full.
                    continue
                host_vars = cell_vars(work, cell['name'], cell['role'], cell['label'])
                if cell['fault'].get('workato'):
                    host_vars.update(wk.host_vars(cell, workato.info, org.info['api_token']))
                else:
                    host_vars.update(carried[cell['role']])
                    host_vars.update((cell['kind'] or {}).get('vars') or {})
                host_vars.update(cell_entry=step['entry'],
                                 cell_result=os.path.join(work, '%s-%s-%s.json' % (cell['name'], step['name'], phase)))
                hosts[cell['name']] = host_vars
            if not hosts:
                continue
            # The Workato cells run in a play of their own, beside the play of the other cells: in one play, hosts
            # with and without okta_workato_connection once mixed the registered results of the Workato step (see
            # docs/reliability.md, "The Workato cells").
            plays = []
            for group, suffix in ((False, ''), (True, '-workato')):
                group_hosts = dict((n, v) for n, v in hosts.items() if bool(v.get('okta_workato_connection')) == group)
                if group_hosts:
                    inventory = os.path.join(work, 'inventory-%s-%s%s.json' % (step['name'], phase, suffix))
                    write_inventory(inventory, group_hosts, {})
                    plays.append((inventory, os.path.join(OUTPUT, 'matrix-%s-%s%s.log' % (step['name'], phase, suffix)),
                                  len(group_hosts), suffix))
            with concurrent.futures.ThreadPoolExecutor(len(plays)) as pool:
                ran = list(pool.map(lambda play: run_play(org, play[0], play[1], forks), plays))
            for (_inventory, _log, count, suffix), (_rc, seconds) in zip(plays, ran, strict=True):
                timings.append(('matrix %s %s%s (%d hosts)' % (step['name'], phase, suffix.replace('-', ' '), count),
                                seconds))
            if phase == 'run':
                met = org.control('GET', '/faults/log')[log_start:]
                org.control('DELETE', '/faults')
                if workato_cells:
                    workato_met = workato.control('GET', '/faults/log')
                    workato.control('DELETE', '/faults')
                time.sleep(4.5)  # let slow answers of the simulator finish before the re-run
                for cell in workato_cells:
                    if step['name'] == 'finish_rotation' and cell['role'] == 'authorization_code':
                        # Workato's connection holds the new secret once rotate or this run sent it, and a person
                        # connects it: only then may finish_rotation retire the previous secret.
                        cell['steps'].setdefault(step['name'], {})['early_problems'] = wk.retired_before_workato_passed(
                            org, workato, cell, os.path.join(work, cell['name'] + '.json'))
                        wk.connect(workato, cell)
            for cell in cells_of_step:
                result = hosts.get(cell['name']) and read_result(hosts[cell['name']]['cell_result'])
                cell['steps'].setdefault(step['name'], {})[phase] = result
        for cell in cells_of_step:
            record = cell['steps'][step['name']]
            record['met'] = sorted({e['operation'] for e in met if e['app'] == cell['label']})
            state, found = census(org, cell['label'], os.path.join(work, cell['name'] + '.json'),
                                  os.path.join(work, cell['name'] + '.pem'),
                                  # mid-rotation the hand-off's key id is the new key, the key file still the old one
                                  check_key=bool(cell['kind'] and (cell['kind'].get('app') or step['name'] != 'rotate')))
            record['census'], record['problems'] = state, list(found) + record.pop('early_problems', [])
            if cell['fault'].get('workato'):
                record['workato_met'] = sorted({e['operation'] for e in workato_met if e['connection'] == cell['label']})
                state, found = wk.census(workato, cell, os.path.join(work, cell['name'] + '.json'),
                                         os.path.join(work, cell['name'] + '.pem'), org.info['api_token'])
                record['census'].update(state)
                record['problems'] += found
            for field, value in ((cell['kind'] or {}).get('expect') or {}).items():
                if state.get(field) != value:
                    record['problems'].append('%s is %s, expected %s'
                                              % (field, json.dumps(state.get(field)), json.dumps(value)))
            first, again = record['run'], record.get('rerun')
            if not first['ok'] and not WHAT_TO_RUN.search(first.get('msg') or ''):
                record['problems'].append('failed run without a message saying what to run: %s' % first.get('msg'))
            if again is not None and not again['ok']:
                record['problems'].append('re-run failed: %s' % again.get('msg'))
        for cell in cells_of_step:
            record = cell['steps'][step['name']]
            baseline = next(c for c in cells_of_step if c['role'] == cell['role'] and c['kind'] is cell['kind']
                            and wk.is_baseline(c))
            if record['census'] != baseline['steps'][step['name']]['census']:
                record['problems'].append('census differs from the run without fault: %s vs %s' % (
                    json.dumps(record['census'], sort_keys=True),
                    json.dumps(baseline['steps'][step['name']]['census'], sort_keys=True)))
            for problem in record['problems']:
                problems.append('%s / %s / %s: %s' % (cell_title(cell), cell['fault']['name'], step['name'], problem))
        if workato_cells:
            with open(os.path.join(OUTPUT, 'workato-requests-%s.json' % step['name']), 'w', encoding='utf-8') as handle:
                json.dump(workato.control('GET', '/requests'), handle, indent=1)
            logs = [os.path.join(OUTPUT, 'matrix-%s-%s%s.log' % (step['name'], phase, suffix))
                    for phase in ('run', 'rerun') for suffix in ('', '-workato')]
            secrets = [('the Workato API token', workato.info['api_token']), ('the API key', org.info['api_token'])]
            for cell in workato_cells:
                secrets += wk.cell_secrets(cell, work)
            problems += ['%s: %s' % (step['name'], p) for p in
                         wk.secret_problems(logs, secrets)
                         + wk.workspace_problems(workato, {c['label'] for c in cells if c['fault'].get('workato')})]
    return cells, problems, timings


def write_table(table, cells, full):
    """Markdown table: one row per write, one column per fault, each entry per role; then the rows of the cells
    that adopt a prepared app (its writes, in the steps it runs)."""
    faults = [f for f in matrix_faults(table, full) if f['spec'] is not None]
    lines = ['| write | step | ' + ' | '.join(f['name'] for f in faults) + ' |',
             '| --- | --- | ' + ' | '.join(['---'] * len(faults)) + ' |']
    uncovered = []
    rows = [(write, write['step'], write['step'], write['roles'], None) for write in table['writes']]
    for kind in table.get('prepared') or []:
        for step_name in kind['steps']:
            rows += [(write, step_name, '%s (%s)' % (step_name, kind['name']), [kind['role']], kind)
                     for write in table['writes'] if write['name'] in kind['writes']]
    for write, step_name, step_title, roles, kind in rows:
        row = []
        for fault in faults:
            parts = []
            for role in roles:
                cell = next(c for c in cells if c['role'] == role and c['fault'] is fault and c['kind'] is kind)
                record = cell['steps'].get(step_name, {})
                if write['operation'] not in record.get('met', []):
                    parts.append('%s: not met' % SHORT[role])
                    uncovered.append('%s / %s / %s' % (write['name'], fault['name'], cell_title(cell)))
                    continue
                verdict = 'done' if record['run']['ok'] else 'failed, re-run done'
                if record['problems']:
                    verdict = 'PROBLEM'
                parts.append('%s: %s' % (SHORT[role], verdict))
            row.append('<br>'.join(parts))
        lines.append('| %s | %s | %s |' % (write['name'], step_title, ' | '.join(row)))
    return lines, uncovered


# ------------------------------------------------------------------------------------------ concurrency

def concurrent_cells(work, prefix, count):
    hosts = {}
    for index in range(count):
        name = '%s%02d' % (prefix, index)
        host_vars = cell_vars(work, name, 'client_credentials', 'Concurrent %02d' % index)
        host_vars.update(cell_entry='main', cell_result=os.path.join(work, name + '-result.json'), cell_timeout=30)
        hosts[name] = host_vars
    return hosts


def run_concurrency(org, work):
    """20 connections with forks=10 under the small rate-limit profile, then the same 20 in 4 slices against
    a fresh org, then two processes racing for one connection. Returns (problems, timings, figures)."""
    problems, timings, figures = [], [], {}
    censuses = {}
    for mode in ('forks', 'slices'):
        org.control('POST', '/reset')
        org.control('PUT', '/rate-limits', {'window_seconds': RATE_LIMIT_WINDOW, 'limits': SMALL_PROFILE})
        folder = os.path.join(work, mode)
        os.makedirs(folder, exist_ok=True)
        hosts = concurrent_cells(folder, 'conn', CONCURRENT_CONNECTIONS)
        inventory = os.path.join(folder, 'inventory.json')
        write_inventory(inventory, hosts, {})
        started = time.monotonic()
        if mode == 'forks':
            rc, _seconds = run_play(org, inventory, os.path.join(OUTPUT, 'concurrency-forks.log'), 10)
            rcs = [rc]
        else:
            names = sorted(hosts)
            slices = [names[i::4] for i in range(4)]
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                rcs = list(pool.map(lambda item: run_play(
                    org, inventory, os.path.join(OUTPUT, 'concurrency-slice-%d.log' % item[0]), 5,
                    limit=','.join(item[1]))[0], enumerate(slices)))
        timings.append(('concurrency %s (%d connections)' % (mode, len(hosts)), time.monotonic() - started))
        rate_limited = sum(1 for entry in org.control('GET', '/requests') if entry['status'] == 429)
        figures['%s: requests answered 429' % mode] = rate_limited
        states = {}
        for name, host_vars in hosts.items():
            result = read_result(host_vars['cell_result'])
            if not result['ok']:
                problems.append('concurrency %s: %s failed: %s' % (mode, name, result.get('msg')))
            state, found = census(org, host_vars['okta_connection_label'], host_vars['okta_connection_output_file'],
                                  host_vars['okta_private_key_path'])
            states[name] = state
            problems.extend('concurrency %s: %s: %s' % (mode, name, p) for p in found)
        if any(rcs):
            problems.append('concurrency %s: ansible-playbook exited with %s' % (mode, rcs))
        censuses[mode] = states
    if censuses['forks'] != censuses['slices']:
        differing = sorted(n for n in censuses['forks'] if censuses['forks'][n] != censuses['slices'].get(n))
        problems.append('job slicing: the census differs from the forks=10 run for %s' % ', '.join(differing))

    # Two ansible-playbook processes started at the same moment for the same connection. A delay on the
    # create makes both look the label up before either app exists, so both create one.
    org.control('POST', '/reset')
    folder = os.path.join(work, 'race')
    os.makedirs(folder, exist_ok=True)
    label = 'Raced connection'
    org.control('POST', '/faults', {'method': 'POST', 'path': '^/api/v1/apps$', 'app': label, 'delay': 3, 'count': 2})
    inventories = []
    for index in range(2):
        host_vars = cell_vars(folder, 'racer%d' % index, 'client_credentials', label)
        host_vars.update(cell_entry='main', cell_result=os.path.join(folder, 'racer%d-result.json' % index),
                         cell_timeout=30)
        inventory = os.path.join(folder, 'inventory-%d.json' % index)
        write_inventory(inventory, {'racer%d' % index: host_vars}, {})
        inventories.append((inventory, host_vars))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        rcs = list(pool.map(lambda item: run_play(org, item[1][0], os.path.join(OUTPUT, 'race-%d.log' % item[0]), 1)[0],
                            enumerate(inventories)))
    timings.append(('two processes racing for one connection', time.monotonic() - started))
    created = [e for e in org.control('GET', '/requests') if e['method'] == 'POST' and e['path'] == '/api/v1/apps'
               and e['write']]
    apps = [a for a in org.get('/api/v1/apps', q=label) if a['label'] == label]
    figures['race: apps created'] = len(created)
    figures['race: apps left'] = len(apps)
    if len(apps) != 1:
        problems.append('race: %d apps with the label after two simultaneous runs' % len(apps))
    if len(created) != 2:
        problems.append('race: %d apps were created (the race needs both runs to create one)' % len(created))
    for index, (inventory, host_vars) in enumerate(inventories):
        result = read_result(host_vars['cell_result'])
        if not result['ok']:
            problems.append('race: run %d failed: %s' % (index, result.get('msg')))
    if any(rcs):
        problems.append('race: ansible-playbook exited with %s' % rcs)
    return problems, timings, figures


# ------------------------------------------------------------------------------------------ main

def write_doc(table_lines, uncovered, timings, figures, full, total):
    with open(DOC, encoding='utf-8') as handle:
        text = handle.read()
    start, end = '<!-- reliability-results:start -->', '<!-- reliability-results:end -->'
    body = ['', 'Generated by `python tests/reliability/run.py --write-doc%s` (%s run: %.0f s wall time on 2 cores with a '
            'load average of %.0f at the end, %d s of CPU time).' % (
                ' --full' if full else '', 'full' if full else 'default', total, os.getloadavg()[0],
                figures.get('CPU time of the suite (s, all processes)', 0)), '',
            'Each entry, per role (cc: client credentials, ac: authorization code): *done*, the run that met the '
            'fault on that write completed; *failed, re-run done*, it failed with a message saying what to run and '
            'the re-run completed; *PROBLEM*, a check failed (see the output of the runner); *not met*, the write '
            'did not meet its fault. Every entry but *not met* also means that the census after the step equals '
            'the census of the connection without a fault, with no duplicate and no orphan.', '']
    body += table_lines
    body += ['', 'Writes that did not meet their fault: %s.' % ('; '.join(uncovered) if uncovered else 'none'), '']
    body += ['| part | wall time (s) |', '| --- | --- |']
    body += ['| %s | %.0f |' % (name, seconds) for name, seconds in timings]
    body += ['', '| figure | value |', '| --- | --- |']
    body += ['| %s | %s |' % (name, value) for name, value in sorted(figures.items())]
    body.append('')
    text = text[:text.index(start) + len(start)] + '\n' + '\n'.join(body) + text[text.index(end):]
    with open(DOC, 'w', encoding='utf-8') as handle:
        handle.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--full', action='store_true',
                        help='run every 5xx status as a fault of its own, and re-run every cell after every step')
    parser.add_argument('--write-doc', action='store_true', help='write the result table into docs/reliability.md')
    parser.add_argument('--only', choices=('matrix', 'concurrency'), help='run one part only')
    parser.add_argument('--forks', type=int, default=16, help='forks of the matrix runs (default 16)')
    parser.add_argument('--fault', action='append', dest='faults', metavar='NAME',
                        help='run only the cells of this fault (and those without a fault); repeatable')
    parser.add_argument('--steps', type=int, metavar='N', help='run only the first N steps of the matrix')
    args = parser.parse_args(argv)
    partial = bool(args.faults or args.steps)
    with open(os.path.join(HERE, 'matrix.yml'), encoding='utf-8') as handle:
        table = yaml.safe_load(handle)
    shutil.rmtree(OUTPUT, ignore_errors=True)
    os.makedirs(OUTPUT)
    work = os.path.join(OUTPUT, 'work')
    os.makedirs(work, mode=0o700)
    started = time.monotonic()
    problems, timings, figures, table_lines, uncovered = [], [], {}, [], []
    with Simulator(os.path.join(OUTPUT, 'sim'), os.path.join(OUTPUT, 'simulator.log')) as sim, \
            WorkatoSimulator(os.path.join(OUTPUT, 'workato-sim'), os.path.join(OUTPUT, 'workato-simulator.log'),
                             okta_ca_bundle=sim.info['ca_bundle']) as workato:
        org = Org(sim.info, workato)
        if args.only in (None, 'matrix'):
            steps = [step['name'] for step in table['steps'][:args.steps]] if args.steps else None
            cells, found, spent = run_matrix(org, table, args.full, args.forks, os.path.join(work),
                                             only_faults=args.faults, only_steps=steps)
            problems += found
            timings += spent
            if partial:
                for cell in cells:
                    for step_name, record in cell['steps'].items():
                        print('%s / %s / %s: met %s, run %s, census %s' % (
                            cell_title(cell), cell['fault']['name'], step_name,
                            ', '.join((record.get('met') or []) + (record.get('workato_met') or [])) or 'nothing',
                            'ok' if record['run']['ok'] else 'failed', json.dumps(record['census'])))
            else:
                table_lines, uncovered = write_table(table, [c for c in cells if not c['fault'].get('workato')],
                                                     args.full)
                workato_lines, workato_uncovered = wk.write_table(table, [c for c in cells if c['fault'].get('workato')],
                                                                  args.full)
                table_lines += [''] + workato_lines
                uncovered += workato_uncovered
                print('\n'.join(table_lines))
            with open(os.path.join(OUTPUT, 'matrix.json'), 'w', encoding='utf-8') as handle:
                json.dump(cells, handle, indent=1, default=str)
        if args.only in (None, 'concurrency'):
            found, spent, numbers = run_concurrency(org, work)
            problems += found
            timings += spent
            figures.update(numbers)
    total = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures['CPU time of the suite (s, all processes)'] = int(usage.ru_utime + usage.ru_stime)
    for name, seconds in timings:
        print('%-50s %6.1f s' % (name, seconds))
    for name, value in sorted(figures.items()):
        print('%-50s %s' % (name, value))
    print('reliability suite: %.0f s' % total)
    if uncovered:
        print('writes that did not meet their fault: %s' % '; '.join(uncovered))
    if args.write_doc and table_lines and args.only is None:
        write_doc(table_lines, uncovered, timings, figures, args.full, total)
    if problems:
        print('\n'.join(['PROBLEMS:'] + problems))
        return 1
    print('no problem found')
    return 0


if __name__ == '__main__':
    sys.exit(main())
