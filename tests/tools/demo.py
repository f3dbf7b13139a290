#!/usr/bin/env python
"""Demonstrate the collection offline: set up a client credentials connection against the Okta simulator.

Starts the simulator (tests/okta_sim), runs playbooks/setup_connection.yml against it with
``okta_auth_type=client_credentials``, prints the connection details from the hand-off file with
every secret masked, and stops the simulator, also when something fails.

Usage: demo.py [--label LABEL] [--keep] [-v...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, SimulatorError, ansible_tool, collection_env  # noqa: E402

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'setup_connection.yml')
INVENTORY = os.path.join(ROOT, 'tests', 'inventory', 'hosts.yml')
OUTPUT_DIR = os.path.join(ROOT, 'tests', 'output', 'demo')

# keys whose values are secrets, whatever their content
SECRET_KEYS = {'client_secret', 'secret', 'api_token', 'api_key', 'okta_api_key', 'token', 'access_token',
               'refresh_token', 'id_token', 'password', 'private_key', 'private_key_pem', 'private_jwk',
               'private_key_content', 'key_pem'}
# members of a JWK that hold private key material
PRIVATE_JWK_MEMBERS = {'d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'}


class DemoError(Exception):
    """The demo cannot go on."""


def mask(value) -> str:
    """Return the masked form of a secret value."""
    if value is None or value == '':
        return value
    return '******** (masked)'


def is_secret_key(key: str) -> bool:
    """Tell whether a key names a secret (but not, for example, the path to one)."""
    lowered = key.lower()
    if lowered.endswith(('_path', '_file', '_id', '_url', '_uri', '_type', '_endpoint', '_method', '_expires_at', '_created')):
        return False
    return lowered in SECRET_KEYS or 'secret' in lowered or 'password' in lowered or lowered.endswith(('_token', 'private_key'))


def looks_like_private_key(value: str) -> bool:
    """Tell whether a string holds PEM private key material."""
    return '-----BEGIN' in value and 'PRIVATE KEY' in value


def masked(data):
    """Return a copy of data with every secret masked."""
    if isinstance(data, dict):
        private_jwk = 'kty' in data and 'd' in data
        result = {}
        for key, value in data.items():
            if is_secret_key(str(key)) or (private_jwk and key in PRIVATE_JWK_MEMBERS):
                result[key] = mask(value)
            else:
                result[key] = masked(value)
        return result
    if isinstance(data, list):
        return [masked(item) for item in data]
    if isinstance(data, str) and looks_like_private_key(data):
        return mask(data)
    return data


def show(details: dict) -> None:
    """Print the connection details."""
    safe = masked(details)
    print()
    print('Connection details for the platform (secrets masked):')
    width = max([len(str(key)) for key in safe] or [0])
    for key, value in safe.items():
        if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
            value = ', '.join(str(item) for item in value)
        elif isinstance(value, (dict, list)):
            value = json.dumps(value)
        print('  %-*s  %s' % (width, key, value))
    print()


def load_details(path: str) -> dict:
    """Read the hand-off file written by the playbook (JSON or YAML)."""
    if not os.path.isfile(path):
        raise DemoError('the playbook did not write the connection file %s' % path)
    with open(path, encoding='utf-8') as handle:
        content = handle.read()
    try:
        data = json.loads(content)
    except ValueError:
        data = yaml.safe_load(content)
    if not isinstance(data, dict):
        raise DemoError('the connection file %s does not hold a mapping' % path)
    return data


def _terminate(signum, frame):
    """Turn SIGTERM into KeyboardInterrupt, so that the simulator is stopped on the way out."""
    raise KeyboardInterrupt()


def main() -> int:
    """Entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--label', default='Demo platform connector', help='label of the app integration (default: %(default)s)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary folder (private key, connection file)')
    parser.add_argument('-v', '--verbose', action='count', default=0, help='passed on to ansible-playbook')
    args = parser.parse_args()

    if not os.path.isfile(PLAYBOOK):
        print('demo: %s does not exist yet; the demo needs the setup_connection playbook.' % os.path.relpath(PLAYBOOK, ROOT), file=sys.stderr)
        return 1
    if not Simulator.available():
        print('demo: the Okta simulator (tests/okta_sim) is missing.', file=sys.stderr)
        return 1

    tmp = tempfile.mkdtemp(prefix='okta-demo-')
    simulator = Simulator(state_dir=os.path.join(tmp, 'sim-state'), log_path=os.path.join(OUTPUT_DIR, 'okta_sim.log'))
    status = 1
    try:
        print('demo: starting the offline Okta simulator', flush=True)
        info = simulator.start()
        print('demo: simulated org at %s' % (info.get('org_url') or info['okta_domain']), flush=True)

        output_file = os.path.join(tmp, 'okta-connection.json')
        extra_vars = {
            'okta_domain': info['okta_domain'],
            'okta_api_token': info['api_token'],
            'okta_ca_path': info['ca_bundle'],
            'okta_auth_type': 'client_credentials',
            'okta_connection_label': args.label,
            'okta_private_key_path': os.path.join(tmp, 'platform.pem'),
            'okta_connection_output_file': output_file,
        }
        vars_file = os.path.join(tmp, 'extra_vars.json')
        with open(vars_file, 'w', encoding='utf-8') as handle:
            json.dump(extra_vars, handle)
        os.chmod(vars_file, 0o600)

        env = collection_env()
        env.update(OKTA_DOMAIN=info['okta_domain'], OKTA_API_TOKEN=info['api_token'], OKTA_CA_PATH=info['ca_bundle'])
        command = [ansible_tool('ansible-playbook'), '-i', INVENTORY, PLAYBOOK, '-e', '@' + vars_file]
        if args.verbose:
            command.append('-' + 'v' * args.verbose)
        print('demo: running %s (okta_auth_type=client_credentials)' % os.path.relpath(PLAYBOOK, ROOT), flush=True)
        result = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=False)
        if result.returncode != 0:
            raise DemoError('ansible-playbook failed with exit code %d' % result.returncode)

        show(load_details(output_file))
        note = '' if args.keep else ' (removed with the demo folder; use --keep to keep it)'
        print('demo: private key written to %s%s' % (extra_vars['okta_private_key_path'], note))
        status = 0
    except (SimulatorError, DemoError) as exc:
        print('demo: %s' % exc, file=sys.stderr)
    except KeyboardInterrupt:
        print('demo: interrupted', file=sys.stderr)
        status = 130
    finally:
        simulator.stop()
        print('demo: simulator stopped', flush=True)
        if args.keep:
            print('demo: kept %s' % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == '__main__':
    sys.exit(main())
