"""The Workato cells of the reliability matrix (``workato`` in tests/reliability/matrix.yml), for run.py.

A Workato cell is one connection with ``okta_workato_connection: true``: its Okta side against the Okta simulator
(no Okta fault) and its Workato connection in the Workato simulator, where a fault is armed for that connection
only (scoped by connection name) on the first request of every Workato write of the step. Checks, beside the Okta
census of run.py: one Workato connection of the cell's name (none after the removal), recorded in the hand-off
file, holding the credential of the hand-off file and passing Workato's test; every connection of the workspace
has the name of a cell; no secret in the output of the runs; and, for a client secret, finish_rotation retires the
previous secret only once Workato's connection holds the new one and is connected.
"""

from __future__ import annotations

import hashlib
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_pem_private_key

ROLES = ('client_credentials', 'api_key', 'authorization_code')
SHORT = {'client_credentials': 'cc', 'api_key': 'ak', 'authorization_code': 'ac'}
FOLDER = 1002


def digest(value):
    """The digest the Workato simulator's control API shows of a secret input."""
    return hashlib.sha256(str(value).encode('utf-8')).hexdigest()[:16]


def pem_digest(key_path):
    """The digest of the private key as the module sends it (PKCS#8 PEM)."""
    with open(key_path, 'rb') as handle:
        key = load_pem_private_key(handle.read(), password=None)
    return digest(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode('ascii'))


def faults(table, full):
    """The Workato cells' faults in this run, beside the cell without a fault: each fault alone with --full (its
    ``full`` rows); by default one cell per role whose fault changes from step to step (its ``mix`` row)."""
    return [f for f in table['workato']['faults']
            if f['spec'] is None or (f.get('full') if full else f.get('mix'))]


def columns(table, full):
    """The fault columns of the result table."""
    rows = table['workato']['faults']
    if full:
        return [f for f in rows if f.get('full')]
    return [next(f for f in rows if f['name'] == name) for mix in rows if mix.get('mix') for name in mix['mix']]


def fault_at(fault, table, step_name, role_index):
    """The fault row a cell meets at a step (a ``mix`` row picks one of its rows by step and role), or None."""
    if fault.get('mix'):
        steps = [step['name'] for step in table['steps']]
        name = fault['mix'][(steps.index(step_name) + role_index) % len(fault['mix'])]
        return next(f for f in table['workato']['faults'] if f['name'] == name)
    return fault if fault['spec'] is not None else None


def is_baseline(cell):
    return cell['fault']['spec'] is None


def fault_spec(fault, table, cell, step_name):
    row = fault_at(fault, table, step_name, cell['role_index'])
    if row is None:
        return None, None
    spec = dict(row['spec'])
    if row.get('cycle'):
        steps = [step['name'] for step in table['steps']]
        spec['status'] = row['cycle'][(steps.index(step_name) + cell['role_index']) % len(row['cycle'])]
    spec.update(method='WRITE', connection=cell['label'], each_operation=True, tag=cell['label'])
    return row, spec


def cells(table, full, only_faults=None):
    """One cell per role and fault; ``kind`` holds the steps the role runs and the variables it adds."""
    section = table['workato']
    found = []
    for role_index, role in enumerate(ROLES):
        kind = {'name': 'workato', 'workato': True, 'role': role, 'steps': section['steps'][role],
                'vars': dict(section.get('vars') or {})}
        for fault_index, fault in enumerate(faults(table, full)):
            if only_faults and fault['spec'] is not None and fault['name'] not in only_faults:
                continue
            found.append(dict(name='wk%s_f%02d' % (SHORT[role], fault_index), role=role, role_index=role_index,
                              fault=dict(fault, workato=True), label='Reliability wk %s %02d' % (SHORT[role], fault_index),
                              steps={}, kind=kind))
    return found


def host_vars(cell, info, api_key):
    values = dict(cell['kind']['vars'], okta_workato_connection=True, okta_workato_connection_name=cell['label'],
                  okta_workato_folder_id=FOLDER, okta_workato_base_url=info['base_url'],
                  okta_workato_ca_path=info['ca_bundle'], okta_secure_logging=True)
    if cell['role'] == 'api_key':
        values['okta_api_key'] = api_key
    return values


def census(workato, cell, handoff_path, key_path, api_key):
    """The Workato connection of a cell (``state``, to compare cells) and the problems found."""
    conns = [c for c in workato.control('GET', '/connections') if c['name'] == cell['label']]
    state = {'workato_connections': len(conns)}
    problems = []
    if len(conns) > 1:
        problems.append('%d Workato connections named %s' % (len(conns), cell['label']))
    handoff = None
    if os.path.exists(handoff_path):
        with open(handoff_path, encoding='utf-8') as handle:
            handoff = json.load(handle)
    if not conns:
        if handoff and (handoff.get('workato') or {}).get('connection_id'):
            problems.append('the hand-off file records Workato connection %s, which does not exist'
                            % handoff['workato']['connection_id'])
        return state, problems
    conn = conns[0]
    state.update(workato_status=conn['authorization_status'], workato_shell=conn['shell_connection'],
                 workato_input=sorted(conn['input']))
    if handoff is None:
        problems.append('a Workato connection without a hand-off file')
        return state, problems
    recorded = (handoff.get('workato') or {}).get('connection_id')
    state['workato_recorded'] = recorded == conn['id']
    wanted = {'client_credentials': ('private_key', lambda: pem_digest(key_path) if os.path.exists(key_path) else None),
              'api_key': ('api_key', lambda: digest(api_key)),
              'authorization_code': ('client_secret', lambda: digest(handoff.get('client_secret')))}[cell['role']]
    state['workato_holds_handoff_credential'] = conn['input_digests'].get(wanted[0]) == wanted[1]()
    return state, problems


def workspace_problems(workato, labels):
    """Connections of the workspace whose name is no cell's."""
    return ['a Workato connection of a name no cell uses: %s (id %s)' % (c['name'], c['id'])
            for c in workato.control('GET', '/connections') if c['name'] not in labels]


def secret_problems(log_paths, secrets):
    """Secrets (at least 8 characters) found in the output of the runs."""
    problems = []
    for path in log_paths:
        if not os.path.exists(path):
            continue
        with open(path, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        for name, value in secrets:
            if value and len(value) >= 8 and value in text:
                problems.append('%s found in %s' % (name, os.path.basename(path)))
    return problems


def cell_secrets(cell, work):
    """The secrets of a cell that must never be in the output: its client secret and its private key."""
    found = []
    handoff_path = os.path.join(work, cell['name'] + '.json')
    if os.path.exists(handoff_path):
        with open(handoff_path, encoding='utf-8') as handle:
            secret = json.load(handle).get('client_secret')
        found.append(('the client secret of %s' % cell['label'], secret))
    for path in (os.path.join(work, cell['name'] + '.pem'), os.path.join(work, cell['name'] + '.pem.next')):
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                body = [line for line in handle.read().splitlines() if line and not line.startswith('-----')]
            found += [('the private key of %s' % cell['label'], line) for line in body[1:3]]
    return found


def connect(workato, cell):
    """A person opens the authorization code connection in Workato and clicks Connect."""
    for conn in workato.control('GET', '/connections'):
        if conn['name'] == cell['label']:
            workato.control('POST', '/connections/%s/authorize' % conn['id'])


def retired_before_workato_passed(org, workato, cell, handoff_path):
    """After a finish_rotation run that may have failed: a problem when the previous client secret was retired
    while Workato's connection did not hold the new one or was not connected."""
    apps = [a for a in org.get('/api/v1/apps', q=cell['label']) if a.get('label') == cell['label']]
    if not apps or not os.path.exists(handoff_path):
        return []
    active = [s for s in org.get('/api/v1/apps/%s/credentials/secrets' % apps[0]['id']) if s.get('status') == 'ACTIVE']
    if len(active) > 1:
        return []
    with open(handoff_path, encoding='utf-8') as handle:
        secret = json.load(handle).get('client_secret')
    conns = [c for c in workato.control('GET', '/connections') if c['name'] == cell['label']]
    if not conns or conns[0]['authorization_status'] != 'success' or \
            conns[0]['input_digests'].get('client_secret') != digest(secret):
        return ['finish_rotation retired the previous client secret before Workato\'s connection held the new one '
                'and was connected']
    return []


def write_table(table, wcells, full):
    """Markdown rows: one per Workato write, one column per fault, each entry per role."""
    columns_ = columns(table, full)
    lines = ['| Workato write | step | ' + ' | '.join(f['name'] for f in columns_) + ' |',
             '| --- | --- | ' + ' | '.join(['---'] * len(columns_)) + ' |']
    uncovered = []
    for write in table['workato']['writes']:
        row = []
        for column in columns_:
            parts = []
            for role in write['roles']:
                for cell in [c for c in wcells if c['role'] == role]:
                    row_fault = fault_at(cell['fault'], table, write['step'], cell['role_index'])
                    if row_fault is None or row_fault['name'] != column['name']:
                        continue
                    record = cell['steps'].get(write['step'], {})
                    if write['operation'] not in record.get('workato_met', []):
                        parts.append('%s: not met' % SHORT[role])
                        uncovered.append('%s / %s / %s' % (write['name'], column['name'], role))
                        continue
                    verdict = 'done' if record['run']['ok'] else 'failed, re-run done'
                    parts.append('%s: %s' % (SHORT[role], 'PROBLEM' if record['problems'] else verdict))
            row.append('<br>'.join(parts) or '-')
        lines.append('| %s | %s | %s |' % (write['name'], write['step'], ' | '.join(row)))
    return lines, uncovered
