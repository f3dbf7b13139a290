"""The simulator's own control API under ``/__sim__/`` (never part of Okta)."""

import hmac
import re

from . import errors
from .apps import get_app
from .catalog import OIDC_SCOPES, STANDARD_ROLE_LABELS
from .core import Response
from .directory import (create_iam_role, create_resource_set, render_group, render_iam_role,
                        render_resource_set, render_user)
from .oauth import mint_authorization_code, mint_refresh_token
from .util import iso, now, parse_iso

_ROUTES = []


def _control(method, pattern):
    regex = re.compile('^/__sim__' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '/?$')

    def decorate(func):
        _ROUTES.append((method, regex, func))
        return func
    return decorate


def handle(sim, req):
    """Authenticate (seeded super admin SSWS token) and run a control operation."""
    try:
        header = req.header('Authorization') or ''
        expected = 'SSWS ' + sim.store.admin_token
        if not hmac.compare_digest(header.strip().encode(), expected.encode()):
            raise errors.invalid_token()
        path_matched = False
        for method, regex, func in _ROUTES:
            match = regex.match(req.path)
            if not match:
                continue
            path_matched = True
            if method == req.method:
                req.params = match.groupdict()
                with sim.store.lock:
                    return func(sim, req)
        if path_matched:
            raise errors.method_not_allowed()
        raise errors.not_found(req.path)
    except errors.ApiError as exc:
        return Response(exc.status, exc.body(), list(exc.headers.items()))


def _body(req):
    data = req.json(required=False)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise errors.bad_request_body()
    return data


def _scopes(body):
    scopes = body.get('scopes', [])
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise errors.validation('scopes', 'scopes: The value must be a list of scope names.')
    return scopes


def _user_for_flow(sim, body):
    ref = body.get('user') or sim.store.admin_user_id
    user = sim.store.find_user(ref)
    if user is None:
        raise errors.not_found('%s (User)' % ref)
    return user


def _check_user_scopes(app, scopes):
    granted = {g['scopeId'] for g in app['grants'] if g['status'] == 'ACTIVE'}
    bad = [s for s in scopes if s not in OIDC_SCOPES and s not in granted]
    if bad:
        raise errors.validation('scopes', 'scopes: The following scopes are not allowed: %s' % ', '.join(bad))


@_control('GET', '')
def health(sim, req):
    """Basic information about the running simulator."""
    del req
    return Response(200, {'status': 'ok', 'admin_user_id': sim.store.admin_user_id,
                          'everyone_group_id': sim.store.everyone_group_id,
                          'admins_group_id': sim.store.admins_group_id})


@_control('POST', '/reset')
def reset(sim, req):
    """Back to the seeded state (the admin and its token stay); faults, limits and the request log too."""
    del req
    sim.store.reset()
    sim.faults.clear()
    sim.limiter.configure(sim.default_window, dict(sim.default_limits))
    sim.clear_requests()
    return Response(200, {'status': 'reset'})


@_control('POST', '/users')
def create_user(sim, req):
    """Seed a user, optionally with standard admin roles."""
    body = _body(req)
    store = sim.store
    login = body.get('login')
    if not isinstance(login, str) or not 5 <= len(login) <= 100:
        raise errors.validation('login', 'login: The login must be 5 to 100 characters.')
    if store.find_user(login):
        raise errors.validation('login', 'login: An object with this field already exists in the current organization')
    status = body.get('status', 'ACTIVE')
    if status not in ('ACTIVE', 'STAGED', 'PROVISIONED', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT',
                      'PASSWORD_EXPIRED', 'RECOVERY'):
        raise errors.validation('status', 'status: Invalid user status.')
    roles = body.get('roles') or []
    if not isinstance(roles, list) or any(r not in STANDARD_ROLE_LABELS for r in roles):
        raise errors.validation('roles', 'roles: Unknown standard role type.')
    user = store.add_user(login, body.get('firstName'), body.get('lastName'), body.get('email'), status, roles)
    return Response(201, render_user(req, user))


@_control('POST', '/api-tokens')
def create_api_token(sim, req):
    """Mint an SSWS API token for a user (the only way to get one)."""
    body = _body(req)
    store = sim.store
    user = store.find_user(body.get('user') or '')
    if user is None:
        raise errors.not_found('%s (User)' % body.get('user'))
    expires_at = None
    if body.get('expiresAt'):
        try:
            expires_at = parse_iso(body['expiresAt'])
        except (TypeError, ValueError) as exc:
            raise errors.validation('expiresAt', 'expiresAt: The value must be an ISO-8601 timestamp.') from exc
    record = store.add_api_token(user['id'], body.get('name') or 'Okta simulator token', expires_at=expires_at,
                                 revoked=bool(body.get('revoked')), client_name=body.get('clientName') or 'Okta API')
    return Response(201, {'id': record['id'], 'token': record['token'], 'name': record['name'],
                          'userId': record['userId'], 'clientName': record['clientName'],
                          'created': iso(record['created']), 'expiresAt': iso(record['expiresAt']),
                          'revoked': record['revoked']})


@_control('POST', '/groups')
def create_group(sim, req):
    """Seed a group."""
    body = _body(req)
    name = body.get('name')
    if not isinstance(name, str) or not name:
        raise errors.validation('name', 'name: The field cannot be left blank')
    return Response(201, render_group(req, sim.store.add_group(name, body.get('description'))))


@_control('POST', '/iam/roles')
def create_role(sim, req):
    """Seed a custom role (same rules as POST /api/v1/iam/roles)."""
    return Response(201, render_iam_role(req, create_iam_role(sim.store, _body(req))))


@_control('POST', '/iam/resource-sets')
def create_set(sim, req):
    """Seed a resource set (same rules as POST /api/v1/iam/resource-sets)."""
    return Response(201, render_resource_set(req, create_resource_set(sim.store, _body(req))))


@_control('POST', '/apps/{appId}/authorization-codes')
def create_code(sim, req):
    """An authorization code, as if the user had completed /authorize for this app."""
    body = _body(req)
    app = get_app(sim.store, req.params['appId'])
    redirect_uri = body.get('redirect_uri')
    if redirect_uri not in app['settings_oauth'].get('redirect_uris', []):
        raise errors.validation('redirect_uri', "redirect_uri: The 'redirect_uri' isn't registered for the app.")
    scopes = _scopes(body)
    _check_user_scopes(app, scopes)
    user = _user_for_flow(sim, body)
    code = mint_authorization_code(sim.store, app, redirect_uri, scopes, user['id'])
    return Response(201, {'code': code, 'redirect_uri': redirect_uri, 'scopes': scopes, 'user_id': user['id']})


@_control('POST', '/apps/{appId}/refresh-tokens')
def create_refresh_token(sim, req):
    """A refresh token for the app and a user (as if issued earlier)."""
    body = _body(req)
    app = get_app(sim.store, req.params['appId'])
    scopes = _scopes(body)
    _check_user_scopes(app, scopes)
    user = _user_for_flow(sim, body)
    token = mint_refresh_token(sim.store, app, scopes, user['id'])
    return Response(201, {'refresh_token': token, 'scopes': scopes, 'user_id': user['id']})


@_control('POST', '/access-tokens/expire')
def expire_tokens(sim, req):
    """Expire every access token issued so far."""
    del req
    past = now() - 1
    for record in sim.store.access_tokens.values():
        record['exp'] = min(record['exp'], past)
    return Response(200, {'expired': len(sim.store.access_tokens)})


@_control('PUT', '/settings')
def write_settings(sim, req):
    """Org settings: ``app_quota`` (free-plan app limit, null for none) and ``client_privileges`` (the
    clientPrivilegesSetting org setting)."""
    body = _body(req)
    if 'app_quota' in body:
        quota = body['app_quota']
        if quota is not None and (not isinstance(quota, int) or isinstance(quota, bool) or quota < 0):
            raise errors.validation('app_quota', 'app_quota: The value must be a non-negative integer or null.')
        sim.store.app_quota = quota
    if 'client_privileges' in body:
        if not isinstance(body['client_privileges'], bool):
            raise errors.validation('client_privileges', 'client_privileges: The value must be a boolean.')
        sim.store.client_privileges_setting = body['client_privileges']
    if 'org_flavour' in body:
        if body['org_flavour'] not in ('identity_engine', 'classic'):
            raise errors.validation('org_flavour', "org_flavour: 'identity_engine' or 'classic'.")
        sim.store.org_flavour = body['org_flavour']
    if 'assumptions' in body:
        wanted = body['assumptions']
        if not isinstance(wanted, dict) or any(ASSUMPTIONS.get(k) is None or v not in ASSUMPTIONS[k]
                                               for k, v in wanted.items()):
            raise errors.validation('assumptions', 'assumptions: known switches and their answers: %s.' % ASSUMPTIONS)
        sim.store.assumptions.update(wanted)
    return Response(200, {'app_quota': sim.store.app_quota,
                          'client_privileges': sim.store.client_privileges_setting,
                          'org_flavour': sim.store.org_flavour,
                          'assumptions': dict(sim.store.assumptions)})


# Behaviours no recording shows, each with the answer the simulator gives by default (first) and the other one
# real Okta might give. ``PUT /__sim__/settings {"assumptions": {name: answer}}`` switches one.
ASSUMPTIONS = {
    # the answer to a PUT that switches an app to a client secret method: with the new secret, or without it
    'put_answer_secret': ('shown', 'left_out'),
    # GET /credentials/jwks: a list of keys, or the list wrapped as {"jwks": {"keys": [...]}}
    'key_list': ('list', 'wrapped'),
    # a PUT that moves an app to private_key_jwt (or none): its client secrets deleted, or kept
    'pkjwt_secrets': ('deleted', 'kept'),
    # DELETE of an ACTIVE key: refused (deactivate it first), or allowed
    'delete_active_key': ('refused', 'allowed'),
    # deactivating the only ACTIVE key of a private_key_jwt client: refused, or allowed
    'deactivate_only_key': ('refused', 'allowed'),
    # the keys of a service app with grants: changed by a super administrator only, or by any admin allowed apps
    'key_change_role': ('super_admin', 'any_admin'),
    # roles a user or client holds through a group: in its role list (assignmentType GROUP), or left out
    'inherited_roles': ('listed', 'left_out'),
    # GET /api/v1/groups?filter=...: answered, or refused (400 E0000031, as an unsupported expression)
    'group_filter': ('answered', 'refused'),
    # GET /api/v1/groups?search=...: answered, or refused (400 E0000031)
    'group_search': ('answered', 'refused'),
    # GET /api/v1/groups/{id} with a malformed id: 404 like an unknown id, or 400
    'malformed_group_id': ('not_found', 'bad_request'),
    # 403 insufficient_scope: an empty body (details in WWW-Authenticate), or an Okta error body as well
    'insufficient_scope_body': ('empty', 'error'),
    # granting a scope already granted: 400 E0000001 on scopeId, or 200 with the existing grant
    'regrant': ('refused', 'idempotent'),
}


@_control('POST', '/groups/{groupId}/roles')
def assign_group_role(sim, req):
    """Give a group a standard admin role (``{"type": ...}``); its members inherit it."""
    store = sim.store
    group = store.groups.get(req.params['groupId'])
    if group is None:
        raise errors.not_found('%s (UserGroup)' % req.params['groupId'])
    role_type = _body(req).get('type')
    if role_type not in STANDARD_ROLE_LABELS:
        raise errors.validation('type', "type: Invalid role type '%s'." % role_type)
    record = store.add_role_assignment(store.group_roles.setdefault(group['id'], []), role_type, 'GROUP')
    return Response(201, record)


@_control('POST', '/groups/{groupId}/members')
def add_group_member(sim, req):
    """Make a user (``{"user": id or login}``) or an OAuth client (``{"client_id": ...}``) hold the group's roles."""
    store = sim.store
    group = store.groups.get(req.params['groupId'])
    if group is None:
        raise errors.not_found('%s (UserGroup)' % req.params['groupId'])
    body = _body(req)
    if body.get('user'):
        user = store.find_user(body['user'])
        if user is None:
            raise errors.not_found('%s (User)' % body['user'])
        store.group_members.setdefault(group['id'], set()).add(user['id'])
    elif body.get('client_id'):
        if store.app_by_client_id(body['client_id']) is None:
            raise errors.not_found('%s (Client)' % body['client_id'])
        store.client_groups.setdefault(body['client_id'], set()).add(group['id'])
    else:
        raise errors.validation('user', 'user: Give a user or a client_id.')
    return Response(204)


@_control('GET', '/rate-limits')
def read_limits(sim, req):
    """Current rate-limit window and per-bucket limits."""
    del req
    return Response(200, sim.limiter.snapshot())


@_control('PUT', '/rate-limits')
def write_limits(sim, req):
    """Change the window and/or limits (counters restart)."""
    body = _body(req)
    window = body.get('window_seconds')
    limits = body.get('limits') or {}
    if window is not None and (not isinstance(window, (int, float)) or isinstance(window, bool) or window <= 0):
        raise errors.validation('window_seconds', 'window_seconds: The value must be a positive number.')
    if not isinstance(limits, dict) or any(k not in sim.limiter.limits or not isinstance(v, int) or isinstance(v, bool)
                                           or v < 0 for k, v in limits.items()):
        raise errors.validation('limits', 'limits: Buckets are %s, with integer limits.'
                                % ', '.join(sorted(sim.limiter.limits)))
    sim.limiter.configure(window, limits)
    return Response(200, sim.limiter.snapshot())


@_control('POST', '/faults')
def add_fault(sim, req):
    """Arm a fault (or, given a list, several) for the matching Okta API requests."""
    data = req.json(required=False)
    specs = data if isinstance(data, list) else [_body(req)]
    if not specs or not all(isinstance(spec, dict) for spec in specs):
        raise errors.validation('fault', 'fault: Give a fault object or a list of them.')
    faults = []
    try:
        for spec in specs:
            faults.append(sim.faults.add(spec))
    except (TypeError, ValueError, re.error) as exc:
        sim.faults.remove([fault.id for fault in faults])  # all or nothing
        raise errors.validation('fault', 'fault: %s' % exc) from exc
    described = [fault.describe() for fault in faults]
    return Response(201, described if isinstance(data, list) else described[0])


@_control('GET', '/faults')
def list_faults(sim, req):
    """Faults still armed."""
    del req
    return Response(200, sim.faults.list())


@_control('GET', '/faults/log')
def fault_log(sim, req):
    """Every request a fault met, in order."""
    del req
    return Response(200, sim.faults.log())


@_control('DELETE', '/faults')
def clear_faults(sim, req):
    """Disarm every fault (``?tag=`` or ``?app=``: only those)."""
    sim.faults.clear(tag=req.arg('tag'), app=req.arg('app'))
    return Response(204)


@_control('GET', '/requests')
def list_requests(sim, req):
    """The request log (Okta API requests only), optionally after ``since``."""
    since = req.arg('since')
    try:
        since_seq = int(since) if since else 0
    except ValueError as exc:
        raise errors.validation('since', 'since: The value must be an integer.') from exc
    return Response(200, sim.requests_since(since_seq))


@_control('DELETE', '/requests')
def clear_requests(sim, req):
    """Empty the request log."""
    del req
    sim.clear_requests()
    return Response(204)
