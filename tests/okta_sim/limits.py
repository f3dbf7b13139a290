"""Rate limits (fixed windows per bucket) and injected faults."""

import math
import re
import threading
import time

from .util import new_id

DEFAULT_WINDOW = 60
# Buckets: ``apps`` (/api/v1/apps... except deleting an app), ``app_delete`` (DELETE /api/v1/apps/{appId}),
# ``grants_roles`` (app grants, user and client roles, /api/v1/iam), ``token`` (/oauth2/v1/token), ``other``.
DEFAULT_LIMITS = {'apps': 600, 'app_delete': 600, 'grants_roles': 600, 'token': 600, 'other': 600}
# Named sets of limits (``--rate-limit-profile``). ``default`` is generous so that tests never meet a limit;
# ``small`` mimics a small real org, with the X-Rate-Limit-Limit values recorded from a developer org.
PROFILES = {
    'default': DEFAULT_LIMITS,
    'small': {'apps': 10, 'app_delete': 50, 'grants_roles': 50, 'token': 150, 'other': 50},
}


class RateLimiter:
    """Okta-like rate limits: a counter per bucket; a bucket's window starts with its first request."""

    def __init__(self, window=DEFAULT_WINDOW, limits=None):
        self._lock = threading.Lock()
        self.window = window
        self.limits = dict(DEFAULT_LIMITS)
        self.limits.update(limits or {})
        self._counters = {}

    def configure(self, window=None, limits=None):
        """Change the window and/or limits; counters start again from zero."""
        with self._lock:
            if window is not None:
                self.window = window
            if limits:
                self.limits.update(limits)
            self._counters = {}

    def snapshot(self):
        """The configuration as the control API shows it."""
        with self._lock:
            return {'window_seconds': self.window, 'limits': dict(self.limits)}

    def _window(self, bucket, current):
        """(start, count) of the bucket's current window; a new window starts with the first request after one ends."""
        start, count = self._counters.get(bucket, (None, 0))
        if start is None or current >= start + self.window:
            return current, 0
        return start, count

    def _headers(self, bucket, start, count):
        limit = self.limits.get(bucket, self.limits['other'])
        return limit, [('X-Rate-Limit-Limit', str(limit)), ('X-Rate-Limit-Remaining', str(max(0, limit - count))),
                       ('X-Rate-Limit-Reset', str(int(math.ceil(start + self.window))))]

    def hit(self, bucket):
        """Count one request; return (allowed, headers) with the X-Rate-Limit-* headers."""
        with self._lock:
            start, count = self._window(bucket, time.time())
            count += 1
            self._counters[bucket] = (start, count)
            limit, headers = self._headers(bucket, start, count)
            return count <= limit, headers

    def headers(self, bucket):
        """Current X-Rate-Limit-* headers without counting a request."""
        with self._lock:
            start, count = self._window(bucket, time.time())
            return self._headers(bucket, start, count)[1]


WRITE_METHOD = 'WRITE'
TOKEN_PATH = '/oauth2/v1/token'
_OPERATION_ID = re.compile(r'^(?:0[a-z]{2}|[a-z]{3})[A-Za-z0-9_-]{8,}$')


def operation_of(method, path):
    """A request's operation, for ``each_operation`` faults and the fault log: the method and the path with
    its ids replaced by ``*`` (``POST /api/v1/apps/*/credentials/jwks``)."""
    segments = path.split('/')
    norm = []
    for index, segment in enumerate(segments):
        previous = segments[index - 1] if index else ''
        if previous in ('apps', 'jwks', 'secrets', 'grants', 'groups', 'clients', 'roles', 'users') \
                and segment not in ('lifecycle', 'credentials', 'me') and segment:
            norm.append('*')
        else:
            norm.append(segment)
    return '%s %s' % (method, '/'.join(norm))


class Fault:
    """One injected fault: what it matches and what it does to the next ``count`` matching requests.

    Kinds: ``status`` (answered with an error status instead of being handled), ``delay`` (sleeps, then goes
    on), ``drop`` (the connection is closed before the request is handled), ``lost`` (the request is handled in
    full, then the connection is closed without an answer) and ``slow`` (handled, then answered after ``delay``
    seconds, longer than the client waits).

    Scope: ``method`` (a verb, ``*``, or ``WRITE`` for every request that may change the org: not GET, HEAD or
    OPTIONS, nor the token endpoint), ``path`` (a regular expression searched in the path) and ``app`` (the label
    of the app the request concerns: the label of a create body, or the app named by an app id or client ID in
    the path), so that many connections meet faults of their own in one simulator. With ``each_operation`` the
    fault applies to the first ``count`` matching requests of every operation (method and path with ids
    replaced), and stays armed for operations not met yet.
    """

    KINDS = ('status', 'delay', 'drop', 'lost', 'slow')

    def __init__(self, spec):
        self.id = new_id('flt')
        self.method = str(spec.get('method') or '*').upper()
        self.path = spec.get('path') or '.*'
        self.regex = re.compile(self.path)
        self.count = int(spec.get('count', 1))
        self.remaining = self.count
        self.status = spec.get('status')
        self.body = spec.get('body')
        self.headers = dict(spec.get('headers') or {})
        self.delay = float(spec.get('delay') or 0)
        self.drop = bool(spec.get('drop'))
        self.lost = bool(spec.get('lost'))
        self.slow = bool(spec.get('slow'))
        self.app = spec.get('app')
        self.tag = spec.get('tag')
        self.each_operation = bool(spec.get('each_operation'))
        self.reset_in = spec.get('reset_in')
        self.used = {}
        self.hits = 0
        if self.status is not None:
            self.status = int(self.status)
            if not 100 <= self.status <= 599:
                raise ValueError('status must be an HTTP status code')
        if self.count < 1:
            raise ValueError('count must be at least 1')
        if self.delay < 0:
            raise ValueError('delay must not be negative')
        if sum(1 for flag in (self.drop, self.lost, self.slow, self.status is not None) if flag) > 1:
            raise ValueError('give one of status, drop, lost and slow')
        if self.slow and not self.delay:
            raise ValueError('a slow answer needs a delay (seconds)')
        if self.app is not None and not isinstance(self.app, str):
            raise ValueError('app must be the label of an app')
        if self.reset_in is not None:
            self.reset_in = float(self.reset_in)
            if self.status != 429:
                raise ValueError('reset_in applies to status 429 only')

    @property
    def kind(self):
        """The fault's kind (see the class)."""
        for name in ('lost', 'slow', 'drop'):
            if getattr(self, name):
                return name
        return 'status' if self.status is not None else 'delay'

    def _method_matches(self, method, path):
        if self.method == WRITE_METHOD:
            return method not in ('GET', 'HEAD', 'OPTIONS') and path != TOKEN_PATH
        return self.method in ('*', method)

    def matches(self, method, path, app_label=None):
        """Whether this fault applies to the request (``app_label``: the label of the app it concerns)."""
        if self.app is not None and app_label != self.app:
            return False
        if not (self._method_matches(method, path) and self.regex.search(path) is not None):
            return False
        if self.each_operation:
            return self.used.get(operation_of(method, path), 0) < self.count
        return self.remaining > 0

    def consume(self, method, path):
        """Count one use; return whether the fault is spent."""
        self.hits += 1
        if self.each_operation:
            operation = operation_of(method, path)
            self.used[operation] = self.used.get(operation, 0) + 1
            return False
        self.remaining -= 1
        return self.remaining == 0

    def describe(self):
        """JSON view for the control API."""
        return {'id': self.id, 'kind': self.kind, 'method': self.method, 'path': self.path,
                'count': self.count if self.each_operation else self.remaining, 'hits': self.hits,
                'status': self.status, 'body': self.body, 'headers': self.headers, 'delay': self.delay,
                'drop': self.drop, 'lost': self.lost, 'slow': self.slow, 'app': self.app, 'tag': self.tag,
                'each_operation': self.each_operation, 'reset_in': self.reset_in}


class FaultInjector:
    """Registered faults, consumed in registration order, and the log of the requests they met."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self._log = []

    def add(self, spec):
        """Register a fault from its control-API description; return it."""
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, tag=None, app=None):
        """Forget every fault (or those with this tag or app); the log is kept unless everything goes."""
        with self._lock:
            if tag is None and app is None:
                self._faults = []
                self._log = []
                return
            self._faults = [f for f in self._faults
                            if not ((tag is None or f.tag == tag) and (app is None or f.app == app))]

    def remove(self, ids):
        """Disarm the faults with these ids."""
        with self._lock:
            self._faults = [f for f in self._faults if f.id not in ids]

    def list(self):
        """Faults still armed."""
        with self._lock:
            return [f.describe() for f in self._faults]

    def log(self):
        """Every request a fault met: fault id, kind, tag, app, seq, method, path, operation, status."""
        with self._lock:
            return [dict(entry) for entry in self._log]

    def note(self, fault, seq, method, path, app_label, status):
        """Record that ``fault`` met a request."""
        with self._lock:
            self._log.append({'fault': fault.id, 'kind': fault.kind, 'tag': fault.tag, 'app': app_label,
                              'seq': seq, 'method': method, 'path': path,
                              'operation': operation_of(method, path), 'status': status})

    def wanted(self):
        """Whether some armed fault needs to know the app a request concerns."""
        with self._lock:
            return any(f.app is not None for f in self._faults)

    def take(self, method, path, app_label=None):
        """The first armed fault matching the request (consuming one of its uses), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, app_label):
                    if fault.consume(method, path):
                        self._faults.remove(fault)
                    return fault
        return None
