"""The simulator's control API under ``/__sim__/`` (never part of Workato): see README.md."""

import hmac
import json
import re
from urllib.parse import parse_qsl

from .core import SECRET_INPUTS, Answer, digest
from .faults import Fault


def _connection_state(sim, record):
    """A connection with what the test may know of its input: public values, and digests of the secrets."""
    state = sim.render(record)
    state['shell_connection'] = record['shell']
    state['input'] = {k: (v if k not in SECRET_INPUTS else None) for k, v in record['input'].items()}
    state['input_digests'] = {k: digest(v) for k, v in record['input'].items() if k in SECRET_INPUTS}
    state['secret_writes'] = record['secret_writes']
    return state


def handle(sim, method, path, query, headers, body):
    """Run one control request (authenticated with the workspace's API token)."""
    auth = {k.lower(): v for k, v in headers.items()}.get('authorization') or ''
    if not hmac.compare_digest(auth.encode(), ('Bearer ' + sim.api_token).encode()):
        return Answer(401, {'message': 'Unauthorized'})
    try:
        data = json.loads(body.decode('utf-8')) if body else {}
    except (ValueError, UnicodeDecodeError):
        return Answer(400, {'message': 'not JSON'})
    with sim.lock:
        route = path[len('/__sim__'):].rstrip('/')
        if (method, route) == ('POST', '/reset'):
            sim.reset()
            return Answer(200, {'reset': True})
        if (method, route) == ('GET', '/requests'):
            return Answer(200, list(sim.requests))
        if (method, route) == ('GET', '/connections'):
            return Answer(200, [_connection_state(sim, r) for r in sim.connections.values()])
        if (method, route) == ('POST', '/folders'):
            folder_id = max(sim.folders) + 1
            sim.folders[folder_id] = str(data.get('name') or 'Folder %d' % folder_id)
            return Answer(201, {'id': folder_id, 'name': sim.folders[folder_id]})
        if (method, route) == ('POST', '/faults'):
            specs = data if isinstance(data, list) else [data]
            try:
                faults = [Fault(spec) for spec in specs]
            except (ValueError, TypeError, re.error) as exc:
                return Answer(400, {'message': str(exc)})
            sim.faults.extend(faults)
            described = [f.describe() for f in faults]
            return Answer(201, described if isinstance(data, list) else described[0])
        if (method, route) == ('GET', '/faults'):
            return Answer(200, [f.describe() for f in sim.faults])
        if (method, route) == ('GET', '/faults/log'):
            return Answer(200, list(sim.fault_log))
        if (method, route) == ('DELETE', '/faults'):
            tag = dict(parse_qsl(query or '')).get('tag')
            if tag is None:
                sim.faults = []
                sim.fault_log = []
            else:
                sim.faults = [f for f in sim.faults if f.tag != tag]
            return Answer(204)
        if (method, route) == ('PUT', '/rate-limits'):
            sim.rate_limits = bool(data.get('enabled', True))
            sim.buckets = {}
            return Answer(200, {'enabled': sim.rate_limits})
        match = re.match(r'^/connections/(\d+)/(authorize|retest)$', route)
        if method == 'POST' and match:
            record = sim.connections.get(int(match.group(1)))
            if record is None:
                return Answer(404, {'message': 'Connection not found'})
            if match.group(2) == 'retest':
                sim.test(record)
            else:
                # A person clicked Connect and signed in to Okta: the authorization code connection is authorized.
                record.update(authorization_status='success', authorization_error=None, shell=False,
                              authorized_at=record['updated_at'])
            return Answer(200, _connection_state(sim, record))
    return Answer(404, {'message': 'no control operation %s %s' % (method, path)})
