"""In-memory state of the simulated org, its seed and reset."""

import base64
import hashlib
import itertools
import threading
import uuid

from cryptography.hazmat.primitives.asymmetric import rsa

from .util import iso, new_id, now, random_token

ADMIN_LOGIN = 'admin@okta-sim.example'
API_TOKEN_LIFETIME = 30 * 24 * 3600


# Real orgs give a standard role assignment an id fixed per role type and shared by every principal holding it
# (reported: IFIFAX2BIRGUSTQ for APP_ADMIN); the other ids are the simulator's, made the same way for every org.
STANDARD_ASSIGNMENT_IDS = {'APP_ADMIN': 'IFIFAX2BIRGUSTQ'}


def standard_assignment_id(role_type):
    """The assignment id of a standard role type: the same for every user, client and group holding it."""
    if role_type not in STANDARD_ASSIGNMENT_IDS:
        digest = base64.b32encode(hashlib.sha256(role_type.encode()).digest()).decode()
        STANDARD_ASSIGNMENT_IDS[role_type] = 'IF' + digest[:13]
    return STANDARD_ASSIGNMENT_IDS[role_type]


class Store:
    """Everything the simulator knows, guarded by one re-entrant lock."""

    def __init__(self, admin_token=None, admin_login=ADMIN_LOGIN, signing_key=None):
        self.lock = threading.RLock()
        self.org_id = new_id('00o')
        # Key signing access and ID tokens; kept across resets. Given, it spares generating one (in-process tests).
        self.signing_key = signing_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_kid = random_token(43)
        self.app_signing_kid = random_token(43)
        self.user_type_id = new_id('oty')
        self.admin_user_id = new_id('00u')
        self.admin_login = admin_login
        self.admin_token = admin_token or '00' + random_token(40)
        self.admin_token_id = new_id('00T')
        self.everyone_group_id = new_id('00g')
        self.admins_group_id = new_id('00g')
        self.builtin_app_ids = {'saasure': new_id('0oa'), 'okta_enduser': new_id('0oa')}
        # The free-plan app quota given at start (``--app-quota``); a reset comes back to it.
        self.startup_app_quota = None
        self._counter = itertools.count(1)
        self.seq_of = {}
        self.reset()

    # -- identity ---------------------------------------------------------------------------
    def next_seq(self, object_id):
        """Register a new object id and return its creation sequence number (list order)."""
        seq = next(self._counter)
        self.seq_of[object_id] = seq
        return seq

    def in_creation_order(self, objects):
        """The objects (dicts with an ``id``) in the order they were created, as Okta lists them."""
        return sorted(objects, key=lambda obj: self.seq_of.get(obj['id'], 0))

    def reset(self):
        """Back to the seeded state: the admin, its API token and the Everyone group."""
        with self.lock:
            self.seq_of = {}
            self.users = {}
            self.users_by_login = {}
            self.api_tokens = {}
            self.token_index = {}
            self.groups = {}
            self.apps = {}
            self.client_ids = {}
            self.user_roles = {}
            self.iam_roles = {}
            self.resource_sets = {}
            self.access_tokens = {}
            self.auth_codes = {}
            self.refresh_tokens = {}
            self.used_assertion_jtis = {}
            self.used_dpop_jtis = {}
            self.dpop_nonces = {}
            self.dpop_nonce_current = None
            self.group_roles = {}
            self.group_members = {}
            self.client_groups = {}
            self.client_privileges_setting = False
            self.app_quota = self.startup_app_quota
            # Switches for behaviours no recording shows: the other answer real Okta might give (README).
            self.assumptions = {}
            # 'identity_engine' or 'classic' (control API settings): how some answers differ between org kinds.
            self.org_flavour = 'identity_engine'
            self.log_events = []
            self._seed()

    def _seed(self):
        created = now() - 86400
        self.add_group('Everyone', 'All users in your organization', group_type='BUILT_IN',
                       group_id=self.everyone_group_id, created=created)
        self.add_group('Okta Administrators', 'Okta manages this group, which contains all administrators in your '
                       'organization.', group_type='BUILT_IN', group_id=self.admins_group_id, created=created)
        for name, label in (('saasure', 'Okta Admin Console'), ('okta_enduser', 'Okta Dashboard')):
            self._seed_builtin_app(name, label, created)
        self.add_user(self.admin_login, 'Sim', 'Admin', roles=['SUPER_ADMIN'],
                      user_id=self.admin_user_id, created=created)
        self.add_api_token(self.admin_user_id, 'Okta simulator admin token', token=self.admin_token,
                           token_id=self.admin_token_id, created=created)
        self._seed_logs(created)

    def _seed_builtin_app(self, name, label, created):
        """An app every org has: OIDC sign-on, but no OAuth client of its own."""
        app_id = self.builtin_app_ids[name]
        self.apps[app_id] = {
            'id': app_id, 'builtin': name, 'client_id': None, 'status': 'ACTIVE', 'created': iso(created),
            'lastUpdated': iso(created), 'label': label, 'keys': [], 'secrets': [], 'grants': [], 'roles': [],
            'groups': {}, 'oauth': {'token_endpoint_auth_method': 'none'}, 'settings_oauth': {}, 'settings_extra': {},
            'profile': None,
            'accessibility': None, 'visibility': None, 'app_link_id': new_id('aln'),
        }
        self.next_seq(app_id)

    def inherited_roles(self, user_id=None, client_id=None):
        """Role assignments a user or client holds through its groups (``assignmentType: GROUP``)."""
        if user_id is not None:
            groups = [g for g, members in self.group_members.items() if user_id in members]
        else:
            groups = list(self.client_groups.get(client_id, ()))
        result = []
        for group_id in groups:
            for assignment in self.group_roles.get(group_id, []):
                result.append(dict(assignment, group_id=group_id))
        return result

    def _seed_logs(self, created):
        admin = self.users[self.admin_user_id]
        actor = {'id': admin['id'], 'type': 'User', 'alternateId': admin['profile']['login'],
                 'displayName': 'Sim Admin'}
        seeds = (
            ('user.session.start', 'User login to Okta', 'INFO', []),
            ('system.api_token.create', 'Create API token', 'INFO',
             [{'id': self.admin_token_id, 'type': 'Token', 'alternateId': 'unknown',
               'displayName': 'Okta simulator admin token'}]),
            ('group.user_membership.add', 'Add user to group membership', 'INFO',
             [{'id': self.everyone_group_id, 'type': 'UserGroup', 'alternateId': 'unknown',
               'displayName': 'Everyone'}]),
        )
        for offset, (event_type, message, severity, target) in enumerate(seeds):
            published = created + 60 * (offset + 1)
            self.log_events.append({
                'uuid': str(uuid.uuid4()),
                'published': iso(published),
                'eventType': event_type,
                'version': '0',
                'severity': severity,
                'legacyEventType': 'core.user_auth.login_success' if offset == 0 else None,
                'displayMessage': message,
                'actor': actor,
                'client': {'userAgent': {'rawUserAgent': 'python-requests', 'os': 'Unknown', 'browser': 'UNKNOWN'},
                           'zone': 'null', 'device': 'Unknown', 'ipAddress': '127.0.0.1'},
                'outcome': {'result': 'SUCCESS'},
                'target': target,
                'transaction': {'type': 'WEB', 'id': random_token(27), 'detail': {}},
                'debugContext': {'debugData': {'requestUri': '/api/v1/users'}},
                'authenticationContext': {'authenticationStep': 0, 'externalSessionId': random_token(25)},
                'securityContext': {},
                'request': {'ipChain': [{'ip': '127.0.0.1', 'version': 'V4'}]},
            })
        for event in self.log_events:
            if event['legacyEventType'] is None:
                del event['legacyEventType']

    # -- users, tokens, groups --------------------------------------------------------------
    def add_user(self, login, first_name=None, last_name=None, email=None, status='ACTIVE', roles=(),
                 user_id=None, created=None):
        """Create a user (and its standard admin role assignments); return the record."""
        created = now() if created is None else created
        user_id = user_id or new_id('00u')
        first = first_name if first_name is not None else login.split('@')[0]
        last = last_name if last_name is not None else 'User'
        user = {
            'id': user_id,
            'status': status,
            'created': iso(created),
            'activated': iso(created) if status != 'STAGED' else None,
            'statusChanged': iso(created),
            'lastLogin': None,
            'lastUpdated': iso(created),
            'passwordChanged': iso(created),
            'type': {'id': self.user_type_id},
            'profile': {
                'firstName': first,
                'lastName': last,
                'mobilePhone': None,
                'secondEmail': None,
                'login': login,
                'email': email or (login if '@' in login else login + '@okta-sim.example'),
            },
        }
        self.users[user_id] = user
        self.users_by_login[login.lower()] = user_id
        self.next_seq(user_id)
        for role_type in roles:
            self.add_role_assignment(self.user_roles.setdefault(user_id, []), role_type, 'USER')
        return user

    def find_user(self, ref):
        """A user by id or login (case-insensitive), or None."""
        if ref in self.users:
            return self.users[ref]
        user_id = self.users_by_login.get(str(ref).lower())
        return self.users.get(user_id) if user_id else None

    def add_api_token(self, user_id, name, token=None, token_id=None, created=None, expires_at=None,
                      revoked=False, client_name='Okta API'):
        """Create an SSWS token for a user; return the record (including the secret token)."""
        created = now() if created is None else created
        token = token or '00' + random_token(40)
        record = {
            'id': token_id or new_id('00T'),
            'token': token,
            'name': name,
            'userId': user_id,
            'clientName': client_name,
            'created': created,
            'lastUpdated': created,
            'expiresAt': expires_at if expires_at is not None else created + API_TOKEN_LIFETIME,
            'revoked': revoked,
            # Okta moves expiresAt to "last use + tokenWindow" on every use; a fixed expiry (control API) stays.
            'tokenWindow': 'P30D',
            'moving': expires_at is None,
        }
        self.api_tokens[record['id']] = record
        self.token_index[token] = record['id']
        self.next_seq(record['id'])
        return record

    def add_group(self, name, description=None, group_type='OKTA_GROUP', group_id=None, created=None):
        """Create a group; return the record."""
        created = now() if created is None else created
        group = {
            'id': group_id or new_id('00g'),
            'created': iso(created),
            'lastUpdated': iso(created),
            'lastMembershipUpdated': iso(created),
            'objectClass': ['okta:user_group'],
            'type': group_type,
            'profile': {'name': name, 'description': description or ''},
        }
        self.groups[group['id']] = group
        self.next_seq(group['id'])
        return group

    # -- roles ------------------------------------------------------------------------------
    def add_role_assignment(self, assignments, role_type, assignment_type, role_id=None, resource_set_id=None):
        """Append a role assignment record to ``assignments`` and return it."""
        created = iso()
        record = {
            'id': new_id('irb') if role_type == 'CUSTOM' else standard_assignment_id(role_type),
            'type': role_type,
            'status': 'ACTIVE',
            'created': created,
            'lastUpdated': created,
            'assignmentType': assignment_type,
        }
        if role_type == 'CUSTOM':
            record['role'] = role_id
            record['resource-set'] = resource_set_id
        assignments.append(record)
        if role_type == 'CUSTOM':
            self.next_seq(record['id'])
        return record

    def find_iam_role(self, ref):
        """A custom role by id or label."""
        if ref in self.iam_roles:
            return self.iam_roles[ref]
        for role in self.iam_roles.values():
            if role['label'] == ref:
                return role
        return None

    def find_resource_set(self, ref):
        """A resource set by id or label."""
        if ref in self.resource_sets:
            return self.resource_sets[ref]
        for resource_set in self.resource_sets.values():
            if resource_set['label'] == ref:
                return resource_set
        return None

    def app_by_client_id(self, client_id):
        """The app record owning an OAuth client_id, or None."""
        app_id = self.client_ids.get(client_id)
        return self.apps.get(app_id) if app_id else None
