"""The simulated Workato workspace: connections, the API requests on them, faults, rate limits and logs.

:class:`WorkatoSim` answers one request at a time through :meth:`WorkatoSim.dispatch` (the HTTPS server and the
in-process double of the unit tests both call it). See README.md for what it follows and what it assumes.
"""

import copy
import datetime
import hashlib
import hmac
import json
import math
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl

from . import okta_check
from .faults import operation_of

# Inputs that are write-only: kept, tested, never answered (and masked in the logs).
SECRET_INPUTS = ('api_key', 'client_secret', 'private_key')
PROVIDERS = ('okta', 'okta_secondary')
HOME_FOLDER = 1001
SEED_FOLDERS = {HOME_FOLDER: 'Home', 1002: 'Okta'}
# (requests, seconds) of each rate-limit bucket: Workato's reference, per API client.
RATE_LIMITS = {'list': (60, 60.0), 'other': (1, 1.0)}
DROP = 'drop'


class Answer:
    """A response: status, headers (list of pairs), JSON body (or None)."""

    def __init__(self, status, body=None, headers=()):
        self.status = status
        self.body = body
        self.headers = list(headers)


def validation_error(**errors):
    return Answer(400, {'message': 'Validation failed', 'errors': errors})


def _iso(wall):
    return datetime.datetime.fromtimestamp(wall, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def _masked(value):
    """A request body as it may be logged: every secret input replaced by asterisks."""
    if not isinstance(value, dict):
        return value
    shown = copy.deepcopy(value)
    inputs = shown.get('input')
    if isinstance(inputs, dict):
        for key in inputs:
            if key in SECRET_INPUTS and isinstance(inputs[key], str):
                inputs[key] = '*' * 8
    return shown


def digest(value):
    """What the control API shows of a secret input: enough to tell two values apart, nothing more."""
    return hashlib.sha256(str(value).encode('utf-8')).hexdigest()[:16]


class WorkatoSim:
    """State of one workspace; ``okta_verify`` is the CA bundle (or True) used to reach the Okta org."""

    def __init__(self, api_token=None, okta_verify=True, exchange_log=None, rate_limits=True,
                 clock=time.monotonic, wall=time.time):
        self.api_token = api_token or 'wk' + secrets.token_hex(24)
        self.okta_verify = okta_verify
        self.rate_limits = rate_limits
        self.clock = clock
        self.wall = wall
        self.lock = threading.RLock()
        self._exchange = open(exchange_log, 'a', encoding='utf-8') if exchange_log else None  # pylint: disable=consider-using-with
        self.reset()

    def reset(self):
        with self.lock:
            self.connections = {}
            self.folders = dict(SEED_FOLDERS)
            self.next_id = 5001
            self.faults = []
            self.fault_log = []
            self.requests = []
            self.buckets = {}

    def close(self):
        if self._exchange:
            self._exchange.close()
            self._exchange = None

    # ------------------------------------------------------------------ pipeline

    def dispatch(self, method, path, query, headers, body):
        """Answer one API request: an :class:`Answer`, or ``DROP`` (close the connection without one)."""
        with self.lock:
            headers = {k.lower(): v for k, v in headers.items()}
            seq = len(self.requests) + 1
            entry = {'seq': seq, 'method': method, 'path': path, 'query': query, 'status': None, 'fault': None,
                     'attempted_write': method != 'GET', 'write': False}
            self.requests.append(entry)
            connection = self._connection_of(path, body)
            fault = self._take_fault(method, path, connection)
            if fault is not None:
                entry['fault'] = fault.id
                self.fault_log.append({'fault': fault.id, 'kind': fault.kind, 'tag': fault.tag, 'seq': seq,
                                       'method': method, 'path': path, 'operation': operation_of(method, path),
                                       'connection': connection[1], 'connection_id': connection[0],
                                       'status': fault.status})
            if fault is not None and fault.drop:
                entry['status'] = 0
                self._log_exchange(method, path, query, headers, body, None, fault)
                return DROP
            if fault is not None and fault.status is not None:
                answer = Answer(int(fault.status), fault.body if fault.body is not None else
                                {'message': 'Too many requests' if fault.status == 429 else 'Internal server error'},
                                list(fault.headers.items()))
            else:
                answer = self._handle(method, path, query, headers, body)
            entry['status'] = 0 if fault is not None and fault.lost else answer.status
            entry['write'] = method != 'GET' and 200 <= answer.status < 300
            self._log_exchange(method, path, query, headers, body, answer, fault)
            if fault is not None and fault.lost:
                return DROP
            return answer

    def _take_fault(self, method, path, connection):
        for fault in self.faults:
            if fault.take(method, path, connection):
                if fault.spent():
                    self.faults.remove(fault)
                return fault
        return None

    def _connection_of(self, path, body):
        """The connection a request concerns, ``(id, name)``: the one named by the id in the path, or the name in
        the body of a create (either may be None)."""
        match = re.match(r'^/api/connections/(\d+)', path)
        if match:
            record = self.connections.get(int(match.group(1)))
            return int(match.group(1)), record['name'] if record else None
        try:
            data = json.loads(body.decode('utf-8')) if body else {}
        except (ValueError, UnicodeDecodeError):
            data = {}
        name = data.get('name') if isinstance(data, dict) else None
        return None, name if isinstance(name, str) else None

    def _limited(self, token, bucket):
        """A 429 answer when this request goes over its bucket, else None."""
        if not self.rate_limits:
            return None
        limit, window = RATE_LIMITS[bucket]
        now = self.clock()
        start, used = self.buckets.get((token, bucket), (now, 0))
        if now - start >= window:
            start, used = now, 0
        if used >= limit:
            wait = max(1, int(math.ceil(start + window - now)))
            return Answer(429, {'message': 'Too many requests'}, [('Retry-After', str(wait))])
        self.buckets[(token, bucket)] = (start, used + 1)
        return None

    def _handle(self, method, path, query, headers, body):
        auth = headers.get('authorization') or ''
        if not hmac.compare_digest(auth.encode(), ('Bearer ' + self.api_token).encode()):
            return Answer(401, {'message': 'Unauthorized'})
        match = re.match(r'^/api/connections(?:/(?P<id>[^/]+)(?P<tail>/disconnect)?)?/?$', path)
        if not match:
            return Answer(404, {'message': 'Not found'})
        conn_id, tail = match.group('id'), match.group('tail')
        routes = {(False, False, 'GET'): self.list_connections, (False, False, 'POST'): self.create,
                  (True, False, 'PUT'): self.update, (True, False, 'DELETE'): self.delete,
                  (True, True, 'POST'): self.disconnect}
        handler = routes.get((conn_id is not None, tail is not None, method))
        if handler is None:
            return Answer(405, {'message': 'Method not allowed'})
        limited = self._limited(auth, 'list' if handler == self.list_connections else 'other')
        if limited:
            return limited
        params = dict(parse_qsl(query or '', keep_blank_values=True))
        if method == 'GET':
            return handler(params)
        data = {}
        if body:
            try:
                data = json.loads(body.decode('utf-8'))
            except (ValueError, UnicodeDecodeError):
                return Answer(400, {'message': 'Request body is not valid JSON'})
            if not isinstance(data, dict):
                return Answer(400, {'message': 'Request body must be a JSON object'})
        if conn_id is None:
            return handler(data)
        try:
            record = self.connections[int(conn_id)]
        except (ValueError, KeyError):
            return Answer(404, {'message': 'Connection not found'})
        return handler(record, data)

    # ------------------------------------------------------------------ connections API

    def render(self, record):
        """A connection as Workato answers it: never its input."""
        return {k: record[k] for k in (
            'id', 'application', 'name', 'description', 'authorized_at', 'authorization_status',
            'authorization_error', 'created_at', 'updated_at', 'external_id', 'folder_id', 'connection_lost_at',
            'connection_lost_reason', 'parent_id', 'provider', 'tags')}

    def list_connections(self, params):
        found = []
        for record in self.connections.values():
            if params.get('folder_id') and str(record['folder_id']) != params['folder_id']:
                continue
            if params.get('external_id') and record['external_id'] != params['external_id']:
                continue
            if params.get('parent_id') and str(record['parent_id']) != params['parent_id']:
                continue
            found.append(self.render(record))
        return Answer(200, found)

    def _check_fields(self, data, creating):
        errors = {}
        if creating and not (isinstance(data.get('name'), str) and data['name'].strip()):
            errors['name'] = ["can't be blank"]
        if 'name' in data and not creating and not (isinstance(data['name'], str) and data['name'].strip()):
            errors['name'] = ["can't be blank"]
        if creating and data.get('provider') not in PROVIDERS:
            errors['provider'] = ['is not included in the list']
        if 'folder_id' in data and data['folder_id'] not in self.folders:
            errors['folder_id'] = ['is invalid']
        if 'input' in data and not isinstance(data['input'], dict):
            errors['input'] = ['must be an object']
        return errors

    def create(self, data):
        errors = self._check_fields(data, creating=True)
        if errors:
            return validation_error(**errors)
        now = _iso(self.wall())
        record = {'id': self.next_id, 'application': data['provider'], 'provider': data['provider'],
                  'name': data['name'], 'description': None, 'authorized_at': None, 'authorization_status': None,
                  'authorization_error': None, 'created_at': now, 'updated_at': now,
                  'external_id': data.get('external_id'), 'folder_id': data.get('folder_id', HOME_FOLDER),
                  'connection_lost_at': None, 'connection_lost_reason': None, 'parent_id': data.get('parent_id'),
                  'tags': [], 'input': {}, 'shell': True, 'secret_writes': 0}
        self.next_id += 1
        self.connections[record['id']] = record
        self._apply(record, data)
        return Answer(200, self.render(record))

    def update(self, record, data):
        errors = self._check_fields(data, creating=False)
        if errors:
            return validation_error(**errors)
        for key in ('name', 'folder_id', 'external_id', 'parent_id'):
            if key in data:
                record[key] = data[key]
        record['updated_at'] = _iso(self.wall())
        self._apply(record, data)
        return Answer(200, self.render(record))

    def _apply(self, record, data):
        """Keep the input sent (merged over the earlier one) and test it unless this is a shell connection."""
        inputs = data.get('input') or {}
        if any(key in SECRET_INPUTS for key in inputs):
            record['secret_writes'] += 1
        record['input'].update(inputs)
        record['shell'] = bool(data.get('shell_connection', False))
        if record['shell']:
            if inputs:
                record.update(authorization_status=None, authorization_error=None, authorized_at=None)
            return
        if self.auth_type(record) == 'authorization_code':
            # An OAuth-type connection is never authorized through the API: a person clicks Connect.
            record.update(authorization_status='failed', authorized_at=None, authorization_error=(
                'OAuth connections cannot be authorized through the API: connect it in Workato'))
            return
        self.test(record)

    @staticmethod
    def auth_type(record):
        return record['input'].get('auth_type') or 'api_key'

    def test(self, record):
        """Workato's connection test of the input it holds, against the Okta org."""
        inputs = record['input']
        kind = self.auth_type(record)
        if kind == 'api_key':
            status, error = okta_check.test_api_key(inputs.get('subdomain'), inputs.get('api_key'), self.okta_verify)
        elif kind == 'client_credentials':
            status, error = okta_check.test_client_credentials(
                inputs.get('subdomain'), inputs.get('client_id'), inputs.get('private_key'), inputs.get('scopes'),
                self.okta_verify)
        else:
            status, error = 'failed', 'Unknown authentication type: %s' % kind
        record.update(authorization_status=status, authorization_error=error,
                      authorized_at=_iso(self.wall()) if status == 'success' else None)
        if status != 'success':
            record['connection_lost_at'] = _iso(self.wall())
            record['connection_lost_reason'] = error
        else:
            record['connection_lost_at'] = record['connection_lost_reason'] = None
        return status

    def disconnect(self, record, data):
        record.update(authorization_status=None, authorization_error=None, authorized_at=None,
                      updated_at=_iso(self.wall()))
        return Answer(200, {'success': True})

    def delete(self, record, data):
        del self.connections[record['id']]
        return Answer(200, {'success': True})

    # ------------------------------------------------------------------ exchange log

    def _log_exchange(self, method, path, query, headers, body, answer, fault):
        if self._exchange is None:
            return
        request_body = None
        if body:
            try:
                request_body = _masked(json.loads(body.decode('utf-8')))
            except (ValueError, UnicodeDecodeError):
                request_body = body.decode('utf-8', 'replace')
        request_headers = {'Authorization': 'Bearer'} if headers.get('authorization', '').startswith('Bearer ') else {}
        if body:
            request_headers['Content-Type'] = headers.get('content-type', '')
        entry = {'method': method, 'path': path, 'query': query or '', 'request_headers': request_headers,
                 'request_body': request_body, 'status': answer.status if answer else None,
                 'response_headers': dict(answer.headers) if answer else {},
                 'response_body': answer.body if answer else None, 'fault': fault.id if fault else None,
                 'expect_invalid_request': headers.get('x-workato-sim-expect-invalid')}
        self._exchange.write(json.dumps(entry, sort_keys=True) + '\n')
        self._exchange.flush()
