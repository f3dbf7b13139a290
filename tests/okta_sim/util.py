"""Small helpers shared by the simulator modules: ids, timestamps, base64url, JSON."""

import base64
import datetime
import hashlib
import json
import secrets
import string
import time

_ID_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix, length=20):
    """Return an Okta-style object id: a fixed prefix then random letters and digits."""
    return prefix + ''.join(secrets.choice(_ID_ALPHABET) for dummy in range(length - len(prefix)))


def random_token(length):
    """Return a URL-safe random string of exactly ``length`` characters."""
    alphabet = _ID_ALPHABET + '-_'
    return ''.join(secrets.choice(alphabet) for dummy in range(length))


def now():
    """Current time as a float (seconds since the epoch)."""
    return time.time()


def iso(ts=None):
    """Format an epoch timestamp the way Okta does: 2023-01-21T14:11:24.000Z."""
    if ts is None:
        ts = time.time()
    dt = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return dt.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (dt.microsecond // 1000)


def parse_iso(value):
    """Parse an ISO-8601 timestamp (with Z or an offset) into epoch seconds."""
    text = value.strip()
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    dt = datetime.datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def b64url(data):
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def b64url_decode(text):
    """Decode base64url with or without padding."""
    if isinstance(text, str):
        text = text.encode('ascii')
    return base64.urlsafe_b64decode(text + b'=' * (-len(text) % 4))


def sha256_b64url(text):
    """base64url(SHA-256(text)), as used by DPoP ``ath`` and secret hashes."""
    return b64url(hashlib.sha256(text.encode('utf-8')).digest())


def jwk_thumbprint(jwk):
    """RFC 7638 thumbprint of a public JWK (RSA or EC)."""
    kty = jwk.get('kty')
    if kty == 'RSA':
        members = {'e': jwk['e'], 'kty': 'RSA', 'n': jwk['n']}
    elif kty == 'EC':
        members = {'crv': jwk['crv'], 'kty': 'EC', 'x': jwk['x'], 'y': jwk['y']}
    else:
        raise ValueError('unsupported key type')
    canonical = json.dumps(members, separators=(',', ':'), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode('utf-8')).digest())


def dumps(obj):
    """Compact JSON encoding used for every response body."""
    return json.dumps(obj, separators=(',', ':'))
