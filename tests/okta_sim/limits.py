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


class Fault:
    """One injected fault: what it matches and what it does to the next ``count`` matching requests."""

    KINDS = ('status', 'delay', 'drop')

    def __init__(self, spec):
        self.id = new_id('flt')
        self.method = str(spec.get('method') or '*').upper()
        self.path = spec.get('path') or '.*'
        self.regex = re.compile(self.path)
        self.remaining = int(spec.get('count', 1))
        self.status = spec.get('status')
        self.body = spec.get('body')
        self.headers = dict(spec.get('headers') or {})
        self.delay = float(spec.get('delay') or 0)
        self.drop = bool(spec.get('drop'))
        self.hits = 0
        if self.status is not None:
            self.status = int(self.status)
            if not 100 <= self.status <= 599:
                raise ValueError('status must be an HTTP status code')
        if self.remaining < 1:
            raise ValueError('count must be at least 1')
        if self.delay < 0:
            raise ValueError('delay must not be negative')

    def matches(self, method, path):
        """Whether this fault applies to the request."""
        return self.remaining > 0 and self.method in ('*', method) and self.regex.search(path) is not None

    def describe(self):
        """JSON view for the control API."""
        return {'id': self.id, 'method': self.method, 'path': self.path, 'count': self.remaining, 'hits': self.hits,
                'status': self.status, 'body': self.body, 'headers': self.headers, 'delay': self.delay,
                'drop': self.drop}


class FaultInjector:
    """Registered faults, consumed in registration order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, spec):
        """Register a fault from its control-API description; return it."""
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        """Forget every fault."""
        with self._lock:
            self._faults = []

    def list(self):
        """Faults still armed."""
        with self._lock:
            return [f.describe() for f in self._faults]

    def take(self, method, path):
        """The first armed fault matching the request (consuming one of its uses), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    fault.hits += 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None
