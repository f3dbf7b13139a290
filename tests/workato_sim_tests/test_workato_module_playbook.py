"""identity.okta.workato_connection run by ansible-playbook against the two simulators (real HTTPS processes): an
API key and a client credentials connection created, a re-run sends no write, a changed key is sent once, a
refused key fails with Workato's words."""

import json
import os
import subprocess

from okta_sim_process import ansible_tool, collection_env

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    identity.okta.workato_connection:
      workato_base_url: "%(base_url)s"
      ca_path: "%(ca)s"
      okta_domain: "%(domain)s"
      handoff_path: "%(handoff)s"
  tasks:
    - name: API key connection
      identity.okta.workato_connection:
        name: Okta (API key)
        auth_type: api_key
        api_key: "{{ api_key }}"
      register: api_key_connection
    - name: Client credentials connection
      identity.okta.workato_connection:
        name: Okta (client credentials)
        auth_type: client_credentials
        client_id: "{{ client_id }}"
        private_key_path: "{{ key_path }}"
        scopes: [okta.users.read]
        handoff_path: "%(handoff)s.cc"
      register: cc_connection
    - name: Results
      ansible.builtin.copy:
        content: "{{ {'api_key': api_key_connection, 'cc': cc_connection} | to_json }}"
        dest: "%(out)s"
        mode: '0600'
"""


def _play(tmp_path, workato, okta, **extra):
    out = tmp_path / 'out.json'
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAYBOOK % dict(base_url=workato.base, ca=workato.info['ca_bundle'], domain=okta.domain,
                                        handoff=tmp_path / 'handoff.json', out=out))
    variables = tmp_path / 'vars.json'
    variables.write_text(json.dumps(extra))
    env = collection_env()
    env['WORKATO_API_TOKEN'] = workato.info['api_token']
    run = subprocess.run([ansible_tool('ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook),
                          '-e', '@%s' % variables], env=env, capture_output=True, text=True, timeout=300, check=False)
    return run, (json.loads(out.read_text()) if run.returncode == 0 else None)


def test_connections_created_then_rerun_sends_no_write_then_refused_key_fails(tmp_path, workato, okta):
    client_id, pem = okta.service_app()[0::2]
    key = tmp_path / 'key.pem'
    key.write_text(pem)
    key.chmod(0o600)
    token, token_id = okta.api_token()
    args = dict(api_key=token, client_id=client_id, key_path=str(key))
    run, results = _play(tmp_path, workato, okta, **args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert results['api_key']['connection']['authorization_status'] == 'success'
    assert results['cc']['connection']['authorization_status'] == 'success'
    assert token not in run.stdout and 'PRIVATE KEY' not in run.stdout
    # Two tasks, two processes: the second create may meet the one-write-a-second limit of the first (429, waited
    # out and sent again); nothing else.
    attempted = [r for r in workato.control('GET', '/requests') if r['attempted_write']]
    assert len([r for r in attempted if r['write']]) == 2
    assert all(r['status'] == 429 for r in attempted if not r['write'])
    run, results = _play(tmp_path, workato, okta, **args)
    assert run.returncode == 0 and not results['api_key']['changed'] and not results['cc']['changed']
    assert len([r for r in workato.control('GET', '/requests') if r['attempted_write']]) == len(attempted)
    other = okta.api_token()[0]
    run, results = _play(tmp_path, workato, okta, **{**args, 'api_key': other})
    assert run.returncode == 0 and results['api_key']['changed'] and not results['cc']['changed']
    conns = {c['name']: c for c in workato.control('GET', '/connections')}
    assert conns['Okta (API key)']['secret_writes'] == 2
    okta.call('DELETE', '/api/v1/api-tokens/%s' % token_id, expect=204)
    revoked_run = _play(tmp_path, workato, okta, **{**args, 'api_key': token})[0]
    assert revoked_run.returncode != 0
    assert "Workato said: 401 Unauthorized: Invalid token provided" in revoked_run.stdout
    assert token not in revoked_run.stdout
    assert os.path.exists(tmp_path / 'handoff.json')
