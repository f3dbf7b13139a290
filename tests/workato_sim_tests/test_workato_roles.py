"""The roles with okta_workato_connection against the two simulators: setup ends with the Workato connection, a
re-run sends Workato no write, rotate_credentials sends the new key to Workato, and finish_rotation retires the old
key only after Workato accepted the new one."""

import json
import os
import subprocess

from okta_sim_process import ROOT, ansible_tool, collection_env


def _playbook(name, tmp_path, okta, workato, *extra):
    env = collection_env()
    env.update(OKTA_DOMAIN=okta.domain, OKTA_API_TOKEN=okta.info['api_token'], OKTA_CA_PATH=okta.info['ca_bundle'],
               WORKATO_API_TOKEN=workato.info['api_token'])
    variables = dict(okta_auth_type='client_credentials', okta_connection_label='Workato Okta connector',
                     okta_private_key_path=str(tmp_path / 'platform.pem'),
                     okta_connection_output_file=str(tmp_path / 'connection.json'), okta_workato_connection=True,
                     okta_workato_connection_name='Okta (client credentials)', okta_workato_folder_id='1002',
                     okta_workato_base_url=workato.base, okta_workato_ca_path=workato.info['ca_bundle'])
    for item in extra:
        variables.update(item)
    (tmp_path / 'vars.json').write_text(json.dumps(variables))
    return subprocess.run([ansible_tool('ansible-playbook'), os.path.join(ROOT, 'playbooks', name + '.yml'),
                           '-e', '@%s' % (tmp_path / 'vars.json')], env=env, capture_output=True, text=True,
                          timeout=600, check=False, cwd=str(tmp_path))


def _writes(workato):
    return [r for r in workato.control('GET', '/requests') if r['write']]


def _app_keys(okta, client_id):
    [app] = [a for a in okta.call('GET', '/api/v1/apps', params={'limit': 200})
             if a.get('credentials', {}).get('oauthClient', {}).get('client_id') == client_id]
    return [k for k in okta.call('GET', '/api/v1/apps/%s/credentials/jwks' % app['id']) if k['status'] == 'ACTIVE']


def test_setup_rotation_and_finish_keep_workato_on_a_working_key(tmp_path, okta, workato):
    run = _playbook('setup_connection', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    [conn] = workato.control('GET', '/connections')
    assert conn['authorization_status'] == 'success' and conn['folder_id'] == 1002
    assert conn['input']['auth_type'] == 'client_credentials'
    first_key = conn['input_digests']['private_key']
    assert '-----BEGIN' not in run.stdout
    writes = len(_writes(workato))

    run = _playbook('setup_connection', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:]
    assert len(_writes(workato)) == writes

    run = _playbook('rotate_credentials', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    client_id = json.loads((tmp_path / 'connection.json').read_text())['client_id']
    assert len(_app_keys(okta, client_id)) == 2
    # Two active keys: Okta refuses Workato's assertion (no key ID), whichever key it holds.
    [conn] = workato.control('GET', '/connections')
    retested = workato.control('POST', '/connections/%d/retest' % conn['id'], expect=200)
    assert 'kid is invalid' in retested['authorization_error']
    assert retested['input_digests']['private_key'] == first_key

    run = _playbook('finish_rotation', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(_app_keys(okta, client_id)) == 1
    [conn] = workato.control('GET', '/connections')
    assert conn['authorization_status'] == 'success'
    assert conn['input_digests']['private_key'] != first_key and conn['secret_writes'] == 2
    retested = workato.control('POST', '/connections/%d/retest' % conn['id'], expect=200)
    assert retested['authorization_status'] == 'success'


def test_a_workato_failure_at_the_end_of_the_rotation_loses_no_key(tmp_path, okta, workato):
    assert _playbook('setup_connection', tmp_path, okta, workato).returncode == 0
    assert _playbook('rotate_credentials', tmp_path, okta, workato).returncode == 0
    workato.control('POST', '/faults', {'method': 'PUT', 'path': 'connections', 'status': 400, 'count': 10,
                                        'body': {'message': 'Validation failed', 'errors': {'input': ['is invalid']}}},
                    expect=201)
    run = _playbook('finish_rotation', tmp_path, okta, workato)
    assert run.returncode != 0 and 'Workato API PUT' in run.stdout
    handoff = json.loads((tmp_path / 'connection.json').read_text())
    assert os.path.exists(handoff['private_key_path'])
    assert len(_app_keys(okta, handoff['client_id'])) == 1
    workato.control('DELETE', '/faults', expect=204)
    run = _playbook('finish_rotation', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:]
    [conn] = workato.control('GET', '/connections')
    assert conn['authorization_status'] == 'success' and conn['secret_writes'] == 2


def test_remove_deletes_the_recorded_workato_connection_only(tmp_path, okta, workato):
    assert _playbook('setup_connection', tmp_path, okta, workato).returncode == 0
    [ours] = workato.control('GET', '/connections')
    run = _playbook('remove_connection', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert workato.control('GET', '/connections') == []
    assert [w['method'] for w in _writes(workato)][-1] == 'DELETE'
    assert 'workato' not in json.loads((tmp_path / 'connection.json').read_text())
    # Someone else's connection with the same name in the same folder: never deleted by the collection.
    made = workato.api('POST', '/connections', json={'name': 'Okta (client credentials)', 'provider': 'okta',
                                                     'folder_id': 1002, 'shell_connection': True})
    assert made.status_code in (200, 201), made.text
    writes = len(_writes(workato))
    run = _playbook('remove_connection', tmp_path, okta, workato)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert [c['id'] for c in workato.control('GET', '/connections')] == [made.json()['id']] != [ours['id']]
    assert len(_writes(workato)) == writes
    assert 'was kept' in run.stdout + run.stderr


def _active_secrets(okta, client_id):
    [app] = [a for a in okta.call('GET', '/api/v1/apps', params={'limit': 200})
             if a.get('credentials', {}).get('oauthClient', {}).get('client_id') == client_id]
    return [s for s in okta.call('GET', '/api/v1/apps/%s/credentials/secrets' % app['id']) if s['status'] == 'ACTIVE']


def test_finish_rotation_keeps_the_previous_client_secret_until_workato_is_connected_with_the_new_one(
        tmp_path, okta, workato):
    ac = dict(okta_auth_type='authorization_code', okta_connection_label='Workato Okta sign-in',
              okta_workato_connection_name='Okta (authorization code)', okta_test_connection=False)
    assert _playbook('setup_connection', tmp_path, okta, workato, ac).returncode == 0
    assert _playbook('rotate_credentials', tmp_path, okta, workato, ac).returncode == 0
    handoff = json.loads((tmp_path / 'connection.json').read_text())
    [conn] = workato.control('GET', '/connections')
    assert conn['shell_connection'] and conn['authorization_status'] is None   # the new secret, not connected yet
    run = _playbook('finish_rotation', tmp_path, okta, workato, ac)
    assert run.returncode != 0 and 'previous client secret was kept' in run.stdout, run.stdout[-3000:]
    assert 'run finish_rotation again' in run.stdout
    assert len(_active_secrets(okta, handoff['client_id'])) == 2
    workato.control('POST', '/connections/%d/authorize' % conn['id'], expect=200)    # a person clicks Connect
    run = _playbook('finish_rotation', tmp_path, okta, workato, ac)
    assert run.returncode == 0, run.stdout[-3000:]
    [secret] = _active_secrets(okta, handoff['client_id'])
    assert secret['client_secret'] == handoff['client_secret']
