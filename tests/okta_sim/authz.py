"""Who is calling (SSWS API token or OAuth access token) and whether they may call an operation."""

import re

from . import errors
from .catalog import role_allows
from .oauth import authenticate_access_token, www_authenticate
from .store import API_TOKEN_LIFETIME
from .util import now


class Principal:
    """The authenticated caller of a request."""

    def __init__(self, kind, user=None, app=None, scopes=None, token=None, token_type=None):
        self.kind = kind            # 'ssws' or 'oauth'
        self.user = user            # user record (SSWS owner, or the user of a user-context token)
        self.app = app              # app record of the OAuth client
        self.scopes = scopes        # granted scopes of an access token
        self.token = token          # API token record, or access token record
        self.token_type = token_type  # 'SSWS', 'Bearer' or 'DPoP'

    def role_assignments(self, store):
        """Admin role assignments that apply to this caller, those inherited from groups included."""
        if self.user is not None:
            return store.user_roles.get(self.user['id'], []) + store.inherited_roles(user_id=self.user['id'])
        if self.app is not None:
            return self.app['roles'] + store.inherited_roles(client_id=self.app['client_id'])
        return []

    def is_super_admin(self, store):
        """Whether an ACTIVE Super Administrator assignment applies to this caller."""
        return any(a['type'] == 'SUPER_ADMIN' and a['status'] == 'ACTIVE' for a in self.role_assignments(store))

    def actor(self):
        """``createdBy``-style actor of this caller."""
        if self.user is not None:
            return {'id': self.user['id'], 'type': 'User'}
        return {'id': self.app['client_id'], 'type': 'Client'}


_AUTH_RE = re.compile(r'^\s*(SSWS|Bearer|DPoP|Basic)\s*(\S*)\s*$', re.IGNORECASE)


def split_authorization(header):
    """(lower-case scheme, credential) of an Authorization header; ('', '') when unrecognized.

    The scheme may be followed directly by the credential: the official Okta Python SDK 3.x sends
    ``SSWS<token>`` without a space.
    """
    match = _AUTH_RE.match(header or '')
    if not match:
        return '', ''
    return match.group(1).lower(), match.group(2)


def authenticate(store, req):
    """Identify the caller from the Authorization header; raise 401 E0000011 when that fails."""
    scheme_lower, credential = split_authorization(req.header('Authorization'))
    if scheme_lower == 'ssws' and credential:
        token_id = store.token_index.get(credential)
        record = store.api_tokens.get(token_id) if token_id else None
        if record is None or record['revoked'] or record['expiresAt'] <= now():
            raise errors.invalid_token()
        user = store.users.get(record['userId'])
        if user is None or user['status'] != 'ACTIVE':
            raise errors.invalid_token()
        if record.get('moving'):
            record['expiresAt'] = now() + API_TOKEN_LIFETIME
        return Principal('ssws', user=user, token=record, token_type='SSWS')
    if scheme_lower in ('bearer', 'dpop') and credential:
        record, app = authenticate_access_token(store, req, scheme_lower, credential)
        user = store.users.get(record['user_id']) if record.get('user_id') else None
        return Principal('oauth', user=user, app=app, scopes=set(record['scopes']), token=record,
                         token_type='DPoP' if record.get('jkt') else 'Bearer')
    raise errors.invalid_token()


def authorize(store, req, route):
    """Authenticate and check scopes and admin roles for ``route``; sets ``req.principal``."""
    principal = authenticate(store, req)
    req.principal = principal
    if principal.kind == 'oauth':
        if route.auth == 'ssws':
            raise errors.forbidden()
        if route.scopes and not principal.scopes.intersection(route.scopes):
            header = www_authenticate(req, principal.token_type, 'insufficient_scope',
                                      'The access token provided does not contain the required scopes.',
                                      scope=route.scopes[0], realm=req.org_url)
            raise errors.insufficient_scope({'WWW-Authenticate': header},
                                            empty=store.assumptions.get('insufficient_scope_body') != 'error')
    if route.auth != 'admin':
        return principal
    for assignment in principal.role_assignments(store):
        if assignment['status'] != 'ACTIVE':
            continue
        permissions = ()
        if assignment['type'] == 'CUSTOM':
            role = store.iam_roles.get(assignment.get('role'))
            permissions = role['permissions'] if role else ()
        if role_allows(assignment['type'], permissions, route.category, route.access):
            return principal
    raise errors.forbidden()
