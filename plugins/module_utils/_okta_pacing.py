# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pacing of Okta API requests, shared by the module processes of one controller.

Okta counts requests per org in buckets (families of endpoints) and tells, in every answer, how many
remain in the current window (``X-Rate-Limit-Limit``, ``X-Rate-Limit-Remaining``,
``X-Rate-Limit-Reset``). Every task is a new process and a play runs several at a time (forks), so
what one process learns is kept in a small state file per org, under a lock (``fcntl``), in a private
folder, for the others:

* before a request, its bucket must have more than the reserve left (by default 20 % of the limit,
  kept free for the org's other traffic); the request then takes one from the count at once, so that
  the processes waiting for the same window never send more than that together. Otherwise the
  process waits for the reset (or, when a window has just started and nobody knows its reset yet,
  for the first answer of the new window);
* after the answer, its headers correct the count (the lower count of the same window wins: other
  clients of the org use the same bucket);
* a state whose reset has passed is stale: the new window starts with the full limit;
* resets are Okta's clock: an answer's ``Date`` tells how far this controller's clock is from Okta's, and
  every comparison with a reset uses this controller's clock corrected by that skew (a controller whose
  clock is behind would otherwise wait for a window that has already ended, one ahead would send early);
* at most ``concurrency`` requests per org are in flight at a time, across the processes (one lock
  file per slot).

Okta does not name its buckets in the headers, so the buckets are learned: requests are keyed by
method and path (ids replaced by ``*``), and keys whose answers show the same limit and the same reset
are taken as one bucket. Two buckets that happen to share both are paced together (a little slower than
needed, never faster). The first request of a key nobody has seen an answer for goes alone; the others of
that key wait for its answer.

Pacing never replaces the handling of ``429`` answers (waiting for the reset and retrying, in the
client): other controllers, other tools and the Admin Console use the same buckets and do not share
this state. When the state folder cannot be used safely (another owner, open permissions, a link, not
writable), each process paces on what it learns alone.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import random
import stat
import time

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import header

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: pacing stays per process
    fcntl = None

DEFAULT_RESERVE = 20
DEFAULT_CONCURRENCY = 10
MAX_RESERVE = 90
MAX_CONCURRENCY = 100
STATE_DIR_ENV = "OKTA_RATE_LIMIT_STATE_DIR"
# A difference between Okta's clock (an answer's Date) and this controller's under this many seconds is ignored.
SKEW_IGNORED = 2.0
# How long a window whose reset is not known yet (its first answer has not come) is waited for.
PENDING_SECONDS = 5.0
PENDING_POLL = 0.1
# The longest a request waits for its bucket in all (longer than any Okta window: several windows may be
# taken by other processes first); after that it is sent, and a 429 is handled by the client.
MAX_TOTAL_WAIT = 1800.0
STATE_VERSION = 1


def default_state_dir():
    """``$OKTA_RATE_LIMIT_STATE_DIR``, else a folder of the user's runtime folder or cache."""
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return os.path.expanduser(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "identity.okta-rate-limits")
    return os.path.join(os.path.expanduser("~"), ".cache", "identity.okta", "rate-limits")


def private_dir(path):
    """``path`` as a private folder (created 0700 when missing), or None when it is not safe to use.

    Refused: a link, not a folder, another owner, any permission for group or others.
    """
    if not path:
        return None
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        return None
    if st.st_uid != os.geteuid() or st.st_mode & 0o077:
        return None
    if not os.access(path, os.W_OK | os.X_OK):
        return None
    return path


# The literal words of the Okta paths the collection calls (the catalogue's operations and the OAuth 2.0
# endpoints). Every other segment of a path (an app, secret, key or user id, a key's kid, a login) is replaced by
# ``*`` in a bucket key, so that the shared state file holds no id whatever the path.
PATH_WORDS = frozenset([
    "api", "v1", "apps", "api-tokens", "clients", "credentials", "secrets", "jwks", "keys", "grants", "groups",
    "users", "user", "me", "roles", "iam", "resource-sets", "lifecycle", "activate", "deactivate", "logs", "meta",
    "schemas", "default", "oauth2", "token", "authorize", "userinfo", "introspect", "revoke", "logout",
    ".well-known", "openid-configuration", "oauth-authorization-server",
])


def bucket_key(method, path):
    """The key of a request: method and path with every segment that is not a known path word replaced by ``*``
    (``POST /api/v1/apps/*/credentials/secrets/*/lifecycle/activate``)."""
    segments = [s for s in path.split("?")[0].split("#")[0].split("/") if s]
    norm = [segment if segment in PATH_WORDS else "*" for segment in segments]
    return str(method).upper() + " /" + "/".join(norm)


def reserve_count(limit, reserve):
    """How many requests of a window of ``limit`` are left for the org's other traffic."""
    return int(math.ceil(limit * reserve / 100.0)) if reserve > 0 else 0


def rate_limit_headers(headers):
    """(limit, remaining, reset) of an answer, or None when it does not carry all three as numbers."""
    try:
        values = [header(headers, "X-Rate-Limit-" + name) for name in ("Limit", "Remaining", "Reset")]
        if any(value is None for value in values):
            return None
        limit, remaining, reset = int(values[0]), int(values[1]), float(values[2])
    except (TypeError, ValueError):
        return None
    if limit < 1:
        return None
    return limit, max(0, remaining), reset


def answer_date(headers):
    """The ``Date`` of an answer in epoch seconds, or None when it has none that parses."""
    value = header(headers, "Date") if headers else None
    if not value:
        return None
    try:
        from email.utils import parsedate_to_datetime
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class State(object):
    """The learned buckets of one org: ``keys`` (request key -> bucket id) and ``buckets`` (id -> figures)."""

    def __init__(self, data=None):
        data = data if isinstance(data, dict) and data.get("version") == STATE_VERSION else {}
        self.keys = dict(data.get("keys") or {})
        self.buckets = dict(data.get("buckets") or {})
        self.next_id = int(data.get("next_id") or 1)
        self.probes = dict(data.get("probes") or {})
        try:
            self.skew = float(data.get("skew") or 0.0)
        except (TypeError, ValueError):
            self.skew = 0.0

    def dump(self):
        return {"version": STATE_VERSION, "keys": self.keys, "buckets": self.buckets, "next_id": self.next_id,
                "probes": self.probes, "skew": self.skew}

    def observe_date(self, server_now, local_now):
        """Take in the ``Date`` of an answer: how far Okta's clock is ahead of this controller's (seconds).

        Resets are Okta's epoch seconds, so every time compared with them is this controller's clock plus the
        skew. ``Date`` has whole seconds: the middle of its second is taken, and a skew under
        ``SKEW_IGNORED`` seconds is noise (0), so that the same reset reads the same for every process.
        """
        skew = server_now + 0.5 - local_now
        self.skew = skew if abs(skew) >= SKEW_IGNORED else 0.0

    def bucket_of(self, key):
        bucket_id = self.keys.get(key)
        return bucket_id, self.buckets.get(bucket_id) if bucket_id else None

    def reserve(self, key, reserve, now):
        """Take one request of the key's bucket. Returns 0 when taken, else the seconds to wait first."""
        _bucket_id, bucket = self.bucket_of(key)
        if bucket is None:
            # Nothing known of this key yet: one request goes first, and its answer tells the others (a play's
            # forks all start with the same request).
            if now - self.probes.get(key, -PENDING_SECONDS - 1.0) <= PENDING_SECONDS:
                return PENDING_POLL
            self.probes[key] = now
            return 0.0
        if bucket.get("pending"):
            if now - bucket.get("pending_since", now) > PENDING_SECONDS:
                bucket["pending"] = False  # the first answer of the window never came: start again
                bucket["reset"] = 0
        if not bucket.get("pending") and bucket.get("reset", 0) <= now:
            # A new window: the whole limit, its reset known once its first answer comes.
            bucket.update(remaining=bucket["limit"], pending=True, pending_since=now)
        if bucket["remaining"] - reserve_count(bucket["limit"], reserve) > 0:
            bucket["remaining"] -= 1
            return 0.0
        if bucket.get("pending"):
            return PENDING_POLL
        return max(0.01, bucket["reset"] - now)

    def answered(self, key):
        """An answer without rate-limit figures (or none) came for the key: its probe is over."""
        self.probes.pop(key, None)

    def learn(self, key, limit, remaining, reset, now):
        """Take in what an answer said about the key's bucket."""
        self.probes.pop(key, None)
        bucket_id, bucket = self.bucket_of(key)
        if bucket is not None and bucket["limit"] == limit:
            if bucket.get("pending") and reset <= now:
                return  # the answer of a request of the window before: the new window's reset is still unknown
            if bucket.get("pending"):
                # The first answer of a new window: now its reset is known.
                bucket.update(reset=reset, pending=False, remaining=min(bucket["remaining"], remaining))
                return
            if reset == bucket["reset"]:
                bucket["remaining"] = min(bucket["remaining"], remaining)  # the lower count of a window is the newer
                return
            if bucket["reset"] <= now:
                other = self._other(limit, reset, bucket_id)
                if other is None:
                    bucket.update(remaining=remaining, reset=reset)  # a later window of this bucket
                    return
                # A later window that another bucket already shows: the two are one bucket (or two that share
                # limit and reset, paced together). All of this bucket's keys join the other: moving this key
                # alone would leave its bucket's other keys counting a fresh window of their own.
                self._merge(bucket_id, other, remaining)
                return
            # Its window ends at another time than the bucket's current one: the key is in another bucket.
        match = self._other(limit, reset, bucket_id)
        if match is None:
            match = "b%d" % self.next_id
            self.next_id += 1
            self.buckets[match] = {"limit": limit, "remaining": remaining, "reset": reset, "pending": False}
        else:
            self.buckets[match]["remaining"] = min(self.buckets[match]["remaining"], remaining)
        self.keys[key] = match
        self._drop_unused()

    def _merge(self, bucket_id, into, remaining):
        """Every key of ``bucket_id`` goes to bucket ``into``, whose count takes ``remaining`` when lower."""
        for key, value in list(self.keys.items()):
            if value == bucket_id:
                self.keys[key] = into
        self.buckets[into]["remaining"] = min(self.buckets[into]["remaining"], remaining)
        self._drop_unused()

    def _other(self, limit, reset, but):
        """Another bucket with this limit and reset (answers of another key of the same bucket), or None."""
        for bucket_id, bucket in sorted(self.buckets.items()):
            if bucket_id != but and not bucket.get("pending") and bucket["limit"] == limit and bucket["reset"] == reset:
                return bucket_id
        return None

    def _drop_unused(self):
        used = set(self.keys.values())
        for bucket_id in [bid for bid in self.buckets if bid not in used]:
            del self.buckets[bucket_id]

    def forget_stale(self, now):
        """Drop buckets whose window ended long ago (the file stays small)."""
        old = [bid for bid, b in self.buckets.items() if not b.get("pending") and b.get("reset", 0) < now - 3600]
        for bucket_id in old:
            del self.buckets[bucket_id]
        self.keys = dict((k, v) for k, v in self.keys.items() if v in self.buckets)
        self.probes = dict((k, v) for k, v in self.probes.items() if now - v <= PENDING_SECONDS)


class Pacer(object):
    """Paces the requests of one client to one org, with the other processes of the controller.

    ``reserve`` is the share of each bucket (percent) left for the org's other traffic, ``concurrency`` the
    most requests in flight per org. ``sleep`` and ``clock`` are the client's (tests replace them).
    """

    def __init__(self, org, reserve=None, concurrency=None, state_dir=None, sleep=None, clock=None):
        self.org = org
        self.reserve = DEFAULT_RESERVE if reserve is None else reserve
        self.concurrency = DEFAULT_CONCURRENCY if concurrency is None else concurrency
        self.sleep = sleep if sleep is not None else time.sleep
        self.clock = clock if clock is not None else time.time
        self.waited = 0.0
        folder = private_dir(state_dir or default_state_dir()) if fcntl is not None else None
        self.shared = folder is not None
        name = hashlib.sha256(org.encode("utf-8")).hexdigest()[:24]
        self.state_path = os.path.join(folder, name + ".json") if folder else None
        self.slot_prefix = os.path.join(folder, name + ".slot") if folder else None
        self.local = State()  # used when nothing can be shared

    # ---------------------------------------------------------------- state file

    def _with_state(self, change):
        """Run ``change(state)`` on the org's state under its lock and save it; returns what change returns."""
        if not self.shared:
            return change(self.local)
        try:
            fd = os.open(self.state_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            self.shared = False
            return change(self.local)
        try:
            st = os.fstat(fd)
            if st.st_uid != os.geteuid() or not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077:
                self.shared = False
                return change(self.local)
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                raw += chunk
            try:
                state = State(json.loads(raw.decode("utf-8")) if raw else None)
            except ValueError:
                state = State()
            answer = change(state)
            data = json.dumps(state.dump(), sort_keys=True).encode("utf-8")
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, data)
            return answer
        finally:
            os.close(fd)  # also releases the lock

    # ---------------------------------------------------------------- concurrency slots

    def _take_slot(self):
        """A lock held while one request is in flight, or None when slots cannot be used."""
        if not self.shared or self.concurrency < 1:
            return None
        order = list(range(self.concurrency))
        random.shuffle(order)
        fds = []
        try:
            for index in order:
                fd = os.open("%s.%d" % (self.slot_prefix, index),
                             os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    os.close(fd)
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise
                    continue
                return fd
            # Every slot is busy: wait for one.
            fd = os.open("%s.%d" % (self.slot_prefix, order[0]), os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
            fds.append(fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
            fds.remove(fd)
            return fd
        except OSError:
            for fd in fds:
                os.close(fd)
            return None

    # ---------------------------------------------------------------- requests

    def before(self, method, path):
        """Wait until the request may go; returns the ticket to give to :meth:`after`."""
        key = bucket_key(method, path)
        waited_here = 0.0
        last_reset = None
        polls = 0
        while True:
            now = self.clock()

            def take(state):
                okta_now = now + state.skew  # resets are Okta's clock
                return state.forget_stale(okta_now) or state.reserve(key, self.reserve, okta_now)

            wait = self._with_state(take)
            if wait <= 0 or waited_here >= MAX_TOTAL_WAIT:
                break
            if wait > PENDING_POLL:
                reset = now + wait
                if last_reset is not None and abs(reset - last_reset) < 0.001:
                    break  # waited for this very reset already (a clock that does not move): go
                last_reset = reset
                wait += random.uniform(0, 0.1)
            else:
                polls += 1
                if polls > PENDING_SECONDS / PENDING_POLL:
                    break
            self.sleep(wait)
            waited_here += wait
        self.waited += waited_here
        return (key, self._take_slot())

    def after(self, ticket, headers):
        """Take in the answer's rate-limit headers (None when no answer came) and free the slot."""
        key, slot = ticket
        try:
            figures = rate_limit_headers(headers)
            server_now = answer_date(headers)
            now = self.clock()

            def take_in(state):
                if server_now is not None:
                    state.observe_date(server_now, now)
                if figures is None:
                    state.answered(key)
                else:
                    state.learn(key, figures[0], figures[1], figures[2], now + state.skew)

            self._with_state(take_in)
        finally:
            if slot is not None:
                os.close(slot)

    def paced(self, send):
        """``send`` (a ``requests.Session.request``) wrapped: each call waits its turn and teaches the others."""
        def request(method, url, *args, **kwargs):
            from urllib.parse import urlsplit
            ticket = self.before(method, urlsplit(url).path)
            response = None
            try:
                response = send(method, url, *args, **kwargs)
                return response
            finally:
                self.after(ticket, getattr(response, "headers", None))
        return request
