"""Faults of the Workato simulator: what a fault matches and what it does (see README.md, "Faults").

Scoped the way the Okta simulator's are: by method (a verb, ``*`` or ``WRITE``), path (a regular expression
searched), the connection a request concerns (``connection``: its name, the ``name`` of a create's body or the
connection named by the id in the path, or its id), the nth matching request (``skip`` lets the first ones
through) and, with ``each_operation``, the first ``count`` requests of every operation (method and path with the
connection id replaced by ``*``), so that many connections meet faults of their own in one simulator.
"""

import re

_ID_SEGMENT = re.compile(r'^/api/connections/[^/]+')


def operation_of(method, path):
    """A request's operation: ``PUT /api/connections/*`` for ``PUT /api/connections/5001``."""
    return '%s %s' % (method, _ID_SEGMENT.sub('/api/connections/*', path.rstrip('/') or '/'))


class Fault:
    """One armed fault: ``status`` (answered instead of being handled, with ``headers``; ``retry_after`` sets the
    ``Retry-After`` header of a 429), ``drop`` (the connection closed before handling) or ``lost`` (handled, then
    the connection closed without the answer)."""

    _ids = iter(range(1, 1 << 30))

    def __init__(self, spec):
        self.id = next(self._ids)
        self.method = str(spec.get('method', '*')).upper()
        self.path = re.compile(spec.get('path', '.*'))
        self.count = int(spec.get('count', 1))
        self.skip = int(spec.get('skip', 0))
        self.status = spec.get('status')
        self.body = spec.get('body')
        self.headers = dict(spec.get('headers') or {})
        self.drop = bool(spec.get('drop'))
        self.lost = bool(spec.get('lost'))
        self.connection = spec.get('connection')
        self.tag = spec.get('tag')
        self.each_operation = bool(spec.get('each_operation'))
        self.hits = 0
        self.seen = {}
        self.used = {}
        if sum(1 for flag in (self.drop, self.lost, self.status is not None) if flag) != 1:
            raise ValueError('a fault needs one of status, drop and lost')
        if self.status is not None:
            self.status = int(self.status)
            if not 100 <= self.status <= 599:
                raise ValueError('status must be an HTTP status code')
        if self.count < 1 or self.skip < 0:
            raise ValueError('count must be at least 1 and skip not negative')
        if spec.get('retry_after') is not None:
            if self.status != 429:
                raise ValueError('retry_after applies to status 429 only')
            self.headers['Retry-After'] = str(int(spec['retry_after']))
        if self.connection is not None and not isinstance(self.connection, (str, int)):
            raise ValueError('connection must be the name or the id of a connection')

    @property
    def kind(self):
        return 'drop' if self.drop else 'lost' if self.lost else 'status'

    def _key(self, method, path):
        return operation_of(method, path) if self.each_operation else ''

    def concerns(self, connection):
        """Whether the request's connection (``(id, name)``, either may be None) is the fault's."""
        if self.connection is None:
            return True
        conn_id, name = connection
        if isinstance(self.connection, int):
            return conn_id == self.connection
        return self.connection in (name, str(conn_id))

    def take(self, method, path, connection):
        """Whether the fault applies to this request; counts the request either way when it is in scope."""
        if self.method == 'WRITE':
            ok = method != 'GET'
        else:
            ok = self.method in ('*', method)
        if not (ok and self.path.search(path) and self.concerns(connection)):
            return False
        key = self._key(method, path)
        if self.used.get(key, 0) >= self.count:
            return False
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.seen[key] <= self.skip:
            return False
        self.used[key] = self.used.get(key, 0) + 1
        self.hits += 1
        return True

    def spent(self):
        return not self.each_operation and self.used.get('', 0) >= self.count

    def describe(self):
        return {'id': self.id, 'kind': self.kind, 'method': self.method, 'path': self.path.pattern,
                'count': self.count, 'skip': self.skip, 'hits': self.hits, 'status': self.status,
                'headers': self.headers, 'connection': self.connection, 'tag': self.tag,
                'each_operation': self.each_operation}
