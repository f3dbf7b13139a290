"""Users, admin role assignments, groups, API tokens, custom roles, resource sets, logs and schemas."""

import copy
import re

from . import errors
from .authz import authorize
from .catalog import STANDARD_ROLE_LABELS
from .core import Response, Route, after_cursor, page_limit, paginate, parse_limit, route, scopes_for, starts_with
from .util import iso, new_id, now, parse_iso

USERS_READ = dict(category='users', access='read', scopes=scopes_for('okta.users', 'read'))
GROUPS_READ = dict(category='groups', access='read', scopes=scopes_for('okta.groups', 'read'))
ROLES_READ = dict(category='roles', access='read', scopes=scopes_for('okta.roles', 'read'), bucket='grants_roles')
ROLES_MANAGE = dict(category='roles', access='manage', scopes=scopes_for('okta.roles', 'manage'),
                    bucket='grants_roles')
TOKENS_READ = dict(category='apiTokens', access='read', scopes=scopes_for('okta.apiTokens', 'read'))
TOKENS_MANAGE = dict(category='apiTokens', access='manage', scopes=scopes_for('okta.apiTokens', 'manage'))


# -- users -----------------------------------------------------------------------------------
def render_user(req, user):
    """User."""
    body = copy.deepcopy(user)
    body['credentials'] = {'provider': {'type': 'OKTA', 'name': 'OKTA'}}
    body['_links'] = {'self': {'href': '%s/api/v1/users/%s' % (req.org_url, user['id'])}}
    return body


def _user_by_ref(store, req, ref):
    if ref == 'me':
        user = req.principal.user if req.principal else None
    else:
        user = store.find_user(ref)
    if user is None:
        raise errors.not_found('%s (User)' % ref)
    return user


@route('GET', '/api/v1/users', **USERS_READ)
def list_users(store, req):
    """listUsers: ``q`` (startsWith on firstName, lastName, email or login) and a minimal ``search``."""
    users = store.in_creation_order(store.users.values())
    query = req.arg('q')
    if query:
        users = [u for u in users if any(starts_with(u['profile'].get(f), query)
                                         for f in ('firstName', 'lastName', 'email', 'login'))]
    expression = req.arg('search') or req.arg('filter')
    if expression:
        match = re.fullmatch(r'\s*(profile\.\w+|status|id)\s+eq\s+"([^"]*)"\s*', expression)
        if not match:
            raise errors.validation('search', 'search: The search expression is not supported.')
        field, value = match.groups()
        if field.startswith('profile.'):
            users = [u for u in users if str(u['profile'].get(field[8:])).lower() == value.lower()]
        else:
            users = [u for u in users if u[field] == value]
    return paginate(req, users, store.seq_of, lambda u: render_user(req, u), default_limit=200, max_limit=200)


@route('GET', '/api/v1/users/{id}', auth='self', category='users', access='read',
       scopes=('okta.users.read', 'okta.users.manage', 'okta.users.read.self', 'okta.users.manage.self'))
def read_user(store, req):
    """getUser (``me``, an id or a login).  Reading another user needs an admin role allowing users reads."""
    ref = req.params['id']
    user = _user_by_ref(store, req, ref)
    principal = req.principal
    if principal.user is None or user['id'] != principal.user['id']:
        _require(store, req, 'users', 'read', ('okta.users.read', 'okta.users.manage'))
    return Response(200, render_user(req, user))


def _require(store, req, category, access, scopes):
    """Extra authorization for operations whose rule depends on the target (getUser of someone else)."""
    authorize(store, req, Route(req.method, req.path, None, category=category, access=access, scopes=scopes))


# -- role assignments ------------------------------------------------------------------------
def render_role(store, req, assignment, assignee_href):
    """StandardRole or CustomRole; a role inherited from a group names the group as its assignee."""
    body = {'id': assignment['id']}
    if assignment.get('group_id'):
        assignee_href = '%s/api/v1/groups/%s' % (req.org_url, assignment['group_id'])
    links = {'assignee': {'href': assignee_href}}
    if assignment['type'] == 'CUSTOM':
        role = store.iam_roles.get(assignment['role'])
        body['role'] = assignment['role']
        body['label'] = role['label'] if role else assignment['role']
        body['resource-set'] = assignment['resource-set']
        iam = req.org_url + '/api/v1/iam'
        links.update({
            'role': {'href': '%s/roles/%s' % (iam, assignment['role'])},
            'resource-set': {'href': '%s/resource-sets/%s' % (iam, assignment['resource-set'])},
            'permissions': {'href': '%s/roles/%s/permissions' % (iam, assignment['role'])},
            'member': {'href': '%s/resource-sets/%s/bindings/%s/members/%s' % (
                iam, assignment['resource-set'], assignment['role'], assignment['id'])},
        })
    else:
        body['label'] = STANDARD_ROLE_LABELS[assignment['type']]
    body.update({'type': assignment['type'], 'status': assignment['status'], 'created': assignment['created'],
                 'lastUpdated': assignment['lastUpdated'], 'assignmentType': assignment['assignmentType'],
                 '_links': links})
    return body


def assign_role(store, assignments, body, assignment_type):
    """Validate a role assignment request and add it; 409 E0000090 for a duplicate."""
    if not isinstance(body, dict):
        raise errors.bad_request_body()
    role_type = body.get('type')
    if role_type == 'CUSTOM':
        role = store.find_iam_role(body.get('role')) if isinstance(body.get('role'), str) else None
        resource_set = store.find_resource_set(body.get('resource-set')) \
            if isinstance(body.get('resource-set'), str) else None
        if role is None:
            raise errors.validation('role', "role: The custom role '%s' doesn't exist." % body.get('role'))
        if resource_set is None:
            raise errors.validation('resource-set', "resource-set: The resource set '%s' doesn't exist."
                                    % body.get('resource-set'))
        duplicate = any(a['type'] == 'CUSTOM' and a['role'] == role['id'] and a['resource-set'] == resource_set['id']
                        for a in assignments)
        role_id, resource_set_id = role['id'], resource_set['id']
    elif role_type in STANDARD_ROLE_LABELS:
        duplicate = any(a['type'] == role_type for a in assignments)
        role_id = resource_set_id = None
    else:
        raise errors.validation('type', "type: Invalid role type '%s'." % role_type)
    if duplicate:
        raise errors.ApiError(409, 'E0000090', 'The role specified is already assigned to the user.')
    return store.add_role_assignment(assignments, role_type, assignment_type, role_id, resource_set_id)


def _find_assignment(assignments, assignment_id):
    for assignment in assignments:
        if assignment['id'] == assignment_id:
            return assignment
    raise errors.not_found('%s (RoleAssignment)' % assignment_id)


def _user_roles(store, req):
    user = _user_by_ref(store, req, req.params['userId'])
    return user, store.user_roles.setdefault(user['id'], [])


def _listed_inherited(store, **principal):
    """Roles held through groups, as role lists show them (left out with the ``inherited_roles`` switch)."""
    if store.assumptions.get('inherited_roles') == 'left_out':  # assumed other answer (switch, README)
        return []
    return store.inherited_roles(**principal)


@route('GET', '/api/v1/users/{userId}/roles', **ROLES_READ)
def list_user_roles(store, req):
    """listAssignedRolesForUser."""
    user, assignments = _user_roles(store, req)
    href = '%s/api/v1/users/%s' % (req.org_url, user['id'])
    listed = assignments + _listed_inherited(store, user_id=user['id'])
    return Response(200, [render_role(store, req, a, href) for a in listed])


@route('POST', '/api/v1/users/{userId}/roles', **ROLES_MANAGE)
def assign_user_role(store, req):
    """assignRoleToUser."""
    user, assignments = _user_roles(store, req)
    record = assign_role(store, assignments, req.json(), 'USER')
    return Response(201, render_role(store, req, record, '%s/api/v1/users/%s' % (req.org_url, user['id'])))


@route('GET', '/api/v1/users/{userId}/roles/{roleAssignmentId}', **ROLES_READ)
def read_user_role(store, req):
    """getUserAssignedRole."""
    user, assignments = _user_roles(store, req)
    record = _find_assignment(assignments + store.inherited_roles(user_id=user['id']),
                              req.params['roleAssignmentId'])
    return Response(200, render_role(store, req, record, '%s/api/v1/users/%s' % (req.org_url, user['id'])))


@route('DELETE', '/api/v1/users/{userId}/roles/{roleAssignmentId}', **ROLES_MANAGE)
def unassign_user_role(store, req):
    """unassignRoleFromUser."""
    assignments = _user_roles(store, req)[1]
    assignments.remove(_find_assignment(assignments, req.params['roleAssignmentId']))
    return Response(204)


@route('GET', '/api/v1/org/settings/clientPrivilegesSetting', category='orgSettings', access='read',
       scopes=scopes_for('okta.orgs', 'read'))
def read_client_privileges(store, req):
    """getClientPrivilegesSetting ("Public client app admins" in the Admin Console)."""
    return Response(200, {'clientPrivilegesSetting': store.client_privileges_setting})


@route('PUT', '/api/v1/org/settings/clientPrivilegesSetting', category='orgSettings', access='manage',
       scopes=scopes_for('okta.orgs', 'manage'))
def write_client_privileges(store, req):
    """assignClientPrivilegesSetting: when true, Okta makes custom API service apps super admins once granted scopes."""
    body = req.json_object()
    value = body.get('clientPrivilegesSetting')
    if not isinstance(value, bool):
        raise errors.validation('clientPrivilegesSetting', 'clientPrivilegesSetting: The value must be a boolean.')
    store.client_privileges_setting = value
    return Response(200, {'clientPrivilegesSetting': value})


def _client(store, req):
    app = store.app_by_client_id(req.params['clientId'])
    if app is None:
        raise errors.not_found('%s (Client)' % req.params['clientId'])
    return app, '%s/oauth2/v1/clients/%s' % (req.org_url, app['client_id'])


@route('GET', '/oauth2/v1/clients/{clientId}/roles', **ROLES_READ)
def list_client_roles(store, req):
    """listRolesForClient."""
    app, href = _client(store, req)
    listed = app['roles'] + _listed_inherited(store, client_id=app['client_id'])
    return Response(200, [render_role(store, req, a, href) for a in listed])


@route('POST', '/oauth2/v1/clients/{clientId}/roles', **ROLES_MANAGE)
def assign_client_role(store, req):
    """assignRoleToClient: 201, as real Okta answers (the description says 200)."""
    app, href = _client(store, req)
    record = assign_role(store, app['roles'], req.json(), 'CLIENT')
    return Response(201, render_role(store, req, record, href))


@route('GET', '/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}', **ROLES_READ)
def read_client_role(store, req):
    """retrieveClientRole."""
    app, href = _client(store, req)
    listed = app['roles'] + store.inherited_roles(client_id=app['client_id'])
    return Response(200, render_role(store, req, _find_assignment(listed, req.params['roleAssignmentId']), href))


@route('DELETE', '/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}', **ROLES_MANAGE)
def unassign_client_role(store, req):
    """deleteRoleFromClient."""
    app = _client(store, req)[0]
    app['roles'].remove(_find_assignment(app['roles'], req.params['roleAssignmentId']))
    return Response(204)


# -- groups ----------------------------------------------------------------------------------
def render_group(req, group):
    """Group."""
    body = copy.deepcopy(group)
    base = '%s/api/v1/groups/%s' % (req.org_url, group['id'])
    body['_links'] = {
        'logo': [{'name': 'medium', 'href': req.org_url + '/assets/img/logos/groups/okta-medium.png',
                  'type': 'image/png'},
                 {'name': 'large', 'href': req.org_url + '/assets/img/logos/groups/okta-large.png',
                  'type': 'image/png'}],
        'users': {'href': base + '/users'},
        'apps': {'href': base + '/apps'},
    }
    return body


@route('GET', '/api/v1/groups', **GROUPS_READ)
def list_groups(store, req):
    """listGroups: ``q`` (startsWith on name) and a minimal ``search``/``filter`` (eq on type, id, profile.name)."""
    groups = store.in_creation_order(store.groups.values())
    query = req.arg('q')
    if query:
        groups = [g for g in groups if starts_with(g['profile']['name'], query)]
    expression = req.arg('search') or req.arg('filter')
    for name in ('search', 'filter'):
        if req.arg(name) and store.assumptions.get('group_' + name) == 'refused':  # assumed (switch, README)
            raise errors.ApiError(400, 'E0000031', 'Invalid search criteria.', [name + ': not supported.'])
    if expression:
        match = re.fullmatch(r'\s*(type|id|profile\.name)\s+eq\s+"([^"]*)"\s*', expression)
        if not match:
            raise errors.validation('search', 'search: The search expression is not supported.')
        field, value = match.groups()
        if field == 'profile.name':
            groups = [g for g in groups if g['profile']['name'] == value]
        else:
            groups = [g for g in groups if g[field] == value]
    if query:
        # A q search answers one list with no Link header at all (recorded: test_groups_it test_search_group).
        return Response(200, [render_group(req, g) for g in groups[:page_limit(req, 200, 10000)]])
    return paginate(req, groups, store.seq_of, lambda g: render_group(req, g), default_limit=200, max_limit=10000)


@route('GET', '/api/v1/groups/{groupId}', **GROUPS_READ)
def read_group(store, req):
    """getGroup."""
    group = store.groups.get(req.params['groupId'])
    if group is None and store.assumptions.get('malformed_group_id') == 'bad_request' \
            and not re.fullmatch(r'00g[0-9A-Za-z]{17}', req.params['groupId']):  # assumed (switch, README)
        raise errors.validation('groupId', 'groupId: The group ID is malformed.')
    if group is None:
        raise errors.not_found('%s (UserGroup)' % req.params['groupId'])
    return Response(200, render_group(req, group))


# -- API tokens ------------------------------------------------------------------------------
def render_api_token(req, record):
    """ApiToken metadata (never the token itself)."""
    base = '%s/api/v1/api-tokens/%s' % (req.org_url, record['id'])
    return {
        'id': record['id'], 'name': record['name'], 'userId': record['userId'], 'clientName': record['clientName'],
        'tokenWindow': record.get('tokenWindow', 'P30D'), 'network': {'connection': 'ANYWHERE'},
        'expiresAt': iso(record['expiresAt']), 'created': iso(record['created']),
        'lastUpdated': iso(record['lastUpdated']),
        '_links': {'self': {'href': base, 'hints': {'allow': ['GET', 'DELETE']}},
                   'user': {'href': '%s/api/v1/users/%s' % (req.org_url, record['userId']),
                            'hints': {'allow': ['GET']}}},
    }


def _live_tokens(store):
    current = now()
    return [t for t in store.in_creation_order(store.api_tokens.values())
            if not t['revoked'] and t['expiresAt'] > current]


def _get_token(store, token_id):
    for record in _live_tokens(store):
        if record['id'] == token_id:
            return record
    raise errors.not_found('%s (Token)' % token_id)


@route('GET', '/api/v1/api-tokens', **TOKENS_READ)
def list_api_tokens(store, req):
    """listApiTokens (active tokens only)."""
    return Response(200, [render_api_token(req, t) for t in _live_tokens(store)])


@route('DELETE', '/api/v1/api-tokens/current', auth='ssws')
def revoke_current_token(store, req):
    """revokeCurrentApiToken."""
    record = req.principal.token
    record['revoked'] = True
    record['lastUpdated'] = now()
    return Response(204)


@route('GET', '/api/v1/api-tokens/{apiTokenId}', **TOKENS_READ)
def read_api_token(store, req):
    """getApiToken."""
    return Response(200, render_api_token(req, _get_token(store, req.params['apiTokenId'])))


@route('DELETE', '/api/v1/api-tokens/{apiTokenId}', **TOKENS_MANAGE)
def revoke_api_token(store, req):
    """revokeApiToken."""
    record = _get_token(store, req.params['apiTokenId'])
    record['revoked'] = True
    record['lastUpdated'] = now()
    return Response(204)


# -- custom roles and resource sets ----------------------------------------------------------
def render_iam_role(req, role):
    """IamRole."""
    base = '%s/api/v1/iam/roles/%s' % (req.org_url, role['id'])
    body = {k: role[k] for k in ('id', 'label', 'description', 'created', 'lastUpdated')}
    body['_links'] = {'permissions': {'href': base + '/permissions'}, 'self': {'href': base}}
    return body


def render_resource_set(req, resource_set):
    """ResourceSet."""
    base = '%s/api/v1/iam/resource-sets/%s' % (req.org_url, resource_set['id'])
    body = {k: resource_set[k] for k in ('id', 'label', 'description', 'created', 'lastUpdated')}
    body['_links'] = {'self': {'href': base}, 'resources': {'href': base + '/resources'},
                      'bindings': {'href': base + '/bindings'}}
    return body


def _wrapped_page(req, items, key, render, seq_of):
    """IAM lists: ``{"roles": [...], "_links": {...}}`` with an ``after`` cursor in ``_links.next``."""
    limit = page_limit(req, 100, 100)
    items = after_cursor(items, req.arg('after'), seq_of)
    page = items[:limit]
    links = {}
    if len(items) > limit:
        links['next'] = {'href': '%s%s?after=%s' % (req.org_url, req.path, page[-1]['id'])}
    return Response(200, {key: [render(i) for i in page], '_links': links})


def create_iam_role(store, body):
    """Validate and store a custom role (CreateIamRoleRequest)."""
    if not isinstance(body, dict):
        raise errors.bad_request_body()
    label, description, permissions = body.get('label'), body.get('description'), body.get('permissions')
    if not isinstance(label, str) or not label.strip():
        raise errors.validation('label', 'label: The field cannot be left blank')
    if not isinstance(description, str) or not description.strip():
        raise errors.validation('description', 'description: The field cannot be left blank')
    if not isinstance(permissions, list) or not permissions or not all(isinstance(p, str) for p in permissions):
        raise errors.validation('permissions', 'permissions: At least one permission is required.')
    if store.find_iam_role(label):
        raise errors.validation('label', 'label: A role with this label already exists.')
    created = iso()
    role = {'id': new_id('cr0'), 'label': label, 'description': description, 'permissions': list(permissions),
            'created': created, 'lastUpdated': created}
    store.iam_roles[role['id']] = role
    store.next_seq(role['id'])
    return role


def create_resource_set(store, body):
    """Validate and store a resource set (CreateResourceSetRequest)."""
    if not isinstance(body, dict):
        raise errors.bad_request_body()
    label, description, resources = body.get('label'), body.get('description'), body.get('resources', [])
    if not isinstance(label, str) or not label.strip():
        raise errors.validation('label', 'label: The field cannot be left blank')
    if not isinstance(description, str) or not description.strip():
        raise errors.validation('description', 'description: The field cannot be left blank')
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        raise errors.validation('resources', 'resources: The value must be a list of resource URLs.')
    if store.find_resource_set(label):
        raise errors.validation('label', 'label: A resource set with this label already exists.')
    created = iso()
    resource_set = {'id': new_id('iam'), 'label': label, 'description': description, 'resources': list(resources),
                    'created': created, 'lastUpdated': created}
    store.resource_sets[resource_set['id']] = resource_set
    store.next_seq(resource_set['id'])
    return resource_set


@route('GET', '/api/v1/iam/roles', **ROLES_READ)
def list_iam_roles(store, req):
    """listRoles."""
    roles = store.in_creation_order(store.iam_roles.values())
    return _wrapped_page(req, roles, 'roles', lambda r: render_iam_role(req, r), store.seq_of)


@route('POST', '/api/v1/iam/roles', **ROLES_MANAGE)
def post_iam_role(store, req):
    """createRole."""
    return Response(200, render_iam_role(req, create_iam_role(store, req.json())))


@route('GET', '/api/v1/iam/roles/{roleIdOrLabel}', **ROLES_READ)
def read_iam_role(store, req):
    """getRole (by id or label)."""
    role = store.find_iam_role(req.params['roleIdOrLabel'])
    if role is None:
        raise errors.not_found('%s (CustomRole)' % req.params['roleIdOrLabel'])
    return Response(200, render_iam_role(req, role))


@route('GET', '/api/v1/iam/resource-sets', **ROLES_READ)
def list_resource_sets(store, req):
    """listResourceSets."""
    sets = store.in_creation_order(store.resource_sets.values())
    return _wrapped_page(req, sets, 'resource-sets', lambda r: render_resource_set(req, r), store.seq_of)


@route('POST', '/api/v1/iam/resource-sets', **ROLES_MANAGE)
def post_resource_set(store, req):
    """createResourceSet."""
    return Response(200, render_resource_set(req, create_resource_set(store, req.json())))


@route('GET', '/api/v1/iam/resource-sets/{resourceSetIdOrLabel}', **ROLES_READ)
def read_resource_set(store, req):
    """getResourceSet (by id or label)."""
    resource_set = store.find_resource_set(req.params['resourceSetIdOrLabel'])
    if resource_set is None:
        raise errors.not_found('%s (ResourceSet)' % req.params['resourceSetIdOrLabel'])
    return Response(200, render_resource_set(req, resource_set))


# -- system log and schemas ------------------------------------------------------------------
@route('GET', '/api/v1/logs', category='logs', access='read', scopes=('okta.logs.read',))
def list_logs(store, req):
    """listLogEvents: seeded events, ``since``/``until``/``sortOrder``/``limit`` (default 100, max 1000)."""
    limit = parse_limit(req, 100, 1000)
    events = list(store.log_events)
    for name, keep in (('since', lambda t, b: t >= b), ('until', lambda t, b: t < b)):
        raw = req.arg(name)
        if raw:
            try:
                bound = parse_iso(raw)
            except ValueError as exc:
                raise errors.validation(name, '%s: The value must be an ISO-8601 timestamp.' % name) from exc
            events = [e for e in events if keep(parse_iso(e['published']), bound)]
    order = req.arg('sortOrder', 'ASCENDING')
    if order not in ('ASCENDING', 'DESCENDING'):
        raise errors.validation('sortOrder', 'sortOrder: The value must be ASCENDING or DESCENDING.')
    events.sort(key=lambda e: e['published'], reverse=order == 'DESCENDING')
    resp = Response(200, copy.deepcopy(events[:limit]))
    resp.add_header('Link', '<%s%s%s>; rel="self"' % (req.org_url, req.path, '?' + req.raw_query if req.raw_query
                                                      else ''))
    return resp


_BASE_PROPERTIES = (
    ('login', 'Username', True, {'pattern': '.+', 'minLength': 5, 'maxLength': 100}),
    ('firstName', 'First name', True, {'minLength': 1, 'maxLength': 50}),
    ('lastName', 'Last name', True, {'minLength': 1, 'maxLength': 50}),
    ('middleName', 'Middle name', False, {}),
    ('email', 'Primary email', True, {'format': 'email'}),
    ('secondEmail', 'Secondary email', False, {'format': 'email'}),
    ('mobilePhone', 'Mobile phone', False, {'maxLength': 100}),
    ('title', 'Title', False, {}),
    ('department', 'Department', False, {}),
)


@route('GET', '/api/v1/meta/schemas/user/{schemaId}', category='schemas', access='read',
       scopes=scopes_for('okta.schemas', 'read'))
def read_user_schema(store, req):
    """getUserSchema (only the ``default`` user type schema exists)."""
    if req.params['schemaId'] != 'default':
        raise errors.not_found('%s (UserSchema)' % req.params['schemaId'])
    properties = {}
    for name, title, required, extra in _BASE_PROPERTIES:
        prop = {'title': title, 'type': 'string', 'mutability': 'READ_WRITE', 'scope': 'NONE',
                'permissions': [{'principal': 'SELF', 'action': 'READ_WRITE'}]}
        if required:
            prop['required'] = True
        prop.update(extra)
        properties[name] = prop
    created = iso(now() - 86400)
    body = {
        'id': '%s/meta/schemas/user/default' % req.org_url,
        '$schema': 'http://json-schema.org/draft-04/schema#',
        'name': 'user',
        'title': 'User',
        'description': 'Okta user profile template with default permission settings',
        'lastUpdated': created,
        'created': created,
        'definitions': {
            'custom': {'id': '#custom', 'type': 'object', 'properties': {}, 'required': []},
            'base': {'id': '#base', 'type': 'object', 'properties': properties,
                     'required': [prop[0] for prop in _BASE_PROPERTIES if prop[2]]},
        },
        'type': 'object',
        'properties': {'profile': {'allOf': [{'$ref': '#/definitions/custom'}, {'$ref': '#/definitions/base'}]}},
        '_links': {'self': {'rel': 'self', 'href': '%s/api/v1/meta/schemas/user/default' % req.org_url,
                            'method': 'GET'},
                   'type': {'rel': 'self', 'href': '%s/api/v1/meta/types/user/%s' % (req.org_url, store.user_type_id),
                            'method': 'GET'}},
    }
    return Response(200, body)
