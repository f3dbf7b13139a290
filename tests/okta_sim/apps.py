"""Applications (OIDC clients), their JWKS keys, client secrets, scope grants and group assignments."""

import copy
import hashlib
import re

import jwt

from . import errors
from .catalog import OKTA_SCOPES
from .core import Response, paginate, route, scopes_for, starts_with
from .util import b64url, b64url_decode, iso, new_id, random_token

APP_TYPES = ('web', 'native', 'browser', 'service')
AUTH_METHODS = ('client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none')
SECRET_METHODS = ('client_secret_basic', 'client_secret_post', 'client_secret_jwt')
GRANT_TYPES = (
    'authorization_code', 'client_credentials', 'implicit', 'interaction_code', 'password', 'refresh_token',
    'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:saml2-bearer', 'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:openid:params:grant-type:ciba', 'urn:okta:params:oauth:grant-type:otp',
    'urn:okta:params:oauth:grant-type:oob', 'http://auth0.com/oauth/grant-type/mfa-otp',
    'http://auth0.com/oauth/grant-type/mfa-oob',
)
RESPONSE_TYPES = ('code', 'token', 'id_token')
SERVICE_GRANT_TYPES = {'client_credentials', 'implicit'}
EC_ALGS = {'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512'}
MAX_KEYS = 50
MAX_SECRETS = 2
LOGO_PATH = '/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png'
# settings.oauthClient members kept as sent (besides the ones defaulted below)
PASSTHROUGH_SETTINGS = (
    'client_uri', 'logo_uri', 'policy_uri', 'tos_uri', 'initiate_login_uri', 'jwks_uri', 'post_logout_redirect_uris',
    'frontchannel_logout_uri', 'frontchannel_logout_session_required', 'participate_slo', 'network',
    'request_object_signing_alg', 'sector_identifier_uri', 'subject_type', 'id_token_encrypted_response_alg',
    'backchannel_token_delivery_mode', 'backchannel_authentication_request_signing_alg',
    'backchannel_custom_authenticator_id',
)

# Re-granting a scope: refused as a validation error on scopeId (the cause wording is the simulator's).
ALREADY_GRANTED = "scopeId: The scope '%s' is already granted to this app."

APPS_READ = dict(category='apps', access='read', scopes=scopes_for('okta.apps', 'read'), bucket='apps')
APPS_MANAGE = dict(category='apps', access='manage', scopes=scopes_for('okta.apps', 'manage'), bucket='apps')
GRANTS_READ = dict(category='appGrants', access='read', scopes=scopes_for('okta.appGrants', 'read'),
                   bucket='grants_roles')
GRANTS_MANAGE = dict(category='appGrants', access='manage', scopes=scopes_for('okta.appGrants', 'manage'),
                     bucket='grants_roles')


# -- lookups ---------------------------------------------------------------------------------
def get_app(store, app_id):
    """The app record for an id, or 404 E0000007."""
    app = store.apps.get(app_id)
    if app is None:
        raise errors.not_found('%s (AppInstance)' % app_id)
    return app


def get_oidc_app(store, app_id):
    """An app with an OAuth client; the built-in apps (Admin Console, Dashboard) can't be changed here."""
    app = get_app(store, app_id)
    if app.get('builtin'):
        raise errors.forbidden()
    return app


def require_super_admin_for_keys(store, req, app):
    """Once a service app has Okta API grants, only a super administrator may change its keys."""
    if app['grants'] and app['settings_oauth'].get('application_type') == 'service' \
            and store.assumptions.get('key_change_role') != 'any_admin' \
            and not req.principal.is_super_admin(store):
        raise errors.forbidden()


def _touch(app):
    app['lastUpdated'] = iso()


# -- keys ------------------------------------------------------------------------------------
def _key_error(*causes):
    return errors.validation('JsonWebKey', *causes)


def parse_jwk(data, taken_kids, others_count):
    """Validate a public signing JWK as Okta does; return a key record (not yet stored)."""
    if not isinstance(data, dict):
        raise _key_error("Invalid value specified for key 'kty' parameter")
    if any(member in data for member in ('d', 'p', 'q', 'dp', 'dq', 'qi')):
        raise _key_error('The JSON Web Key must be a public key.')
    use = data.get('use') or 'sig'
    if use != 'sig':
        raise _key_error("Invalid value specified for key 'use' parameter")
    kid = data.get('kid')
    if kid is not None and not isinstance(kid, str):
        raise _key_error("Invalid value specified for key 'kid' parameter")
    if kid is None and others_count:
        raise _key_error('Each key should have a unique kid when adding multiple keys. Use the Apps API to update '
                         'the JWKS to add a kid for the existing key, or delete the existing key and re-add the key '
                         'with a kid using the JWKS APIs.')
    if kid is not None and kid in taken_kids:
        raise _key_error("All keys in the 'jwks' must have a unique `kid`.")
    status = data.get('status') or 'ACTIVE'
    if status not in ('ACTIVE', 'INACTIVE'):
        raise _key_error("Invalid value specified for key 'status' parameter")
    kty = data.get('kty')
    if kty == 'RSA':
        if not data.get('n'):
            # Okta measures a missing modulus as too short (recorded answer).
            raise _key_error("RSA key length in the 'jwks' is less than '2,048' bits for the given key.")
        try:
            modulus = int.from_bytes(b64url_decode(data['n']), 'big')
            b64url_decode(data['e'])
        except (KeyError, TypeError, ValueError) as exc:
            raise _key_error("Invalid value specified for key 'n' parameter") from exc
        if modulus.bit_length() < 2048:
            raise _key_error("RSA key length in the 'jwks' is less than '2,048' bits for the given key.")
        public = {'kty': 'RSA', 'e': data['e'], 'n': data['n']}
        alg = data.get('alg') or 'RS256'
        if alg not in ('RS256', 'RS384', 'RS512'):
            raise _key_error("Invalid value specified for key 'alg' parameter")
    elif kty == 'EC':
        # Okta accepts an EC key without crv (the curve taken from the coordinates to check it) and stores and
        # returns it with "crv": null (recorded).
        crv = data.get('crv') or _infer_curve(data.get('x'))
        if crv not in EC_ALGS:
            raise _key_error("Invalid value specified for key 'crv' parameter")
        public = {'kty': 'EC', 'crv': data.get('crv') or None, 'x': data.get('x'), 'y': data.get('y')}
        alg = data.get('alg') or EC_ALGS[crv]
        if alg != EC_ALGS[crv]:
            raise _key_error("Invalid value specified for key 'alg' parameter")
    else:
        raise _key_error("Invalid value specified for key 'kty' parameter")
    try:
        jwt.PyJWK(dict(public, **({'crv': crv} if kty == 'EC' else {})), algorithm=alg)
    except (jwt.PyJWKError, jwt.InvalidKeyError, KeyError, TypeError, ValueError) as exc:
        raise _key_error('The JSON Web Key is invalid.') from exc
    created = iso()
    public.update({'alg': alg, 'use': 'sig'})
    if kid is not None:
        public['kid'] = kid
    return {'id': new_id('pks'), 'kid': kid, 'status': status, 'created': created, 'lastUpdated': created,
            'jwk': public, 'curve': crv if kty == 'EC' else None}


def _infer_curve(x):
    try:
        size = len(b64url_decode(x))
    except (TypeError, ValueError):
        return None
    return {32: 'P-256', 48: 'P-384', 66: 'P-521'}.get(size)


def render_app_key(key):
    """A key as the app document lists it in settings.oauthClient.jwks: ``{kty, id, status, kid, use: null, ...}``."""
    body = {'kty': key['jwk']['kty'], 'id': key['id'], 'status': key['status'], 'kid': key['kid'], 'use': None}
    for member in ('e', 'n', 'crv', 'x', 'y'):
        if member in key['jwk']:
            body[member] = key['jwk'][member]
    return body


def render_key(req, app, key):
    """OAuth2ClientJsonSigningKeyResponse."""
    base = '%s/api/v1/apps/%s/credentials/jwks/%s' % (req.org_url, app['id'], key['id'])
    body = {'id': key['id']}
    if key['kid'] is not None:
        body['kid'] = key['kid']
    body.update({k: v for k, v in key['jwk'].items() if k != 'kid'})
    body.update({'status': key['status'], 'created': key['created'], 'lastUpdated': key['lastUpdated']})
    if key['status'] == 'ACTIVE':
        body['_links'] = {'deactivate': {'href': base + '/lifecycle/deactivate', 'hints': {'allow': ['POST']}}}
    else:
        body['_links'] = {'activate': {'href': base + '/lifecycle/activate', 'hints': {'allow': ['POST']}},
                          'delete': {'href': base, 'hints': {'allow': ['DELETE']}}}
    return body


def _parse_key_set(keys_in, existing):
    """Keys of settings.oauthClient.jwks (create or full replace); keep ids of unchanged kids."""
    if not isinstance(keys_in, list):
        raise _key_error("Invalid value specified for 'jwks' parameter")
    if len(keys_in) > MAX_KEYS:
        raise _key_error('You can\'t create a new key. You have reached the maximum number of keys allowed (50). '
                         'To add another key, you must first delete an existing one.')
    by_kid = {k['kid']: k for k in existing if k['kid'] is not None}
    result = []
    for data in keys_in:
        record = parse_jwk(data, {k['kid'] for k in result if k['kid'] is not None}, len(result) or len(keys_in) - 1)
        previous = by_kid.get(record['kid'])
        if previous is not None and previous['jwk'] == record['jwk']:
            kept = dict(previous)
            if isinstance(data, dict) and data.get('status') in ('ACTIVE', 'INACTIVE'):
                kept['status'] = data['status']
            record = kept
        result.append(record)
    return result


# -- secrets ---------------------------------------------------------------------------------
def _secret_error(*causes):
    return errors.validation('client_secret', *causes)


def _check_custom_secret(secret, method):
    if not isinstance(secret, str):
        raise _secret_error("client_secret: 'client_secret' must be a string.")
    if len(secret) < 14:
        raise _secret_error("client_secret: 'client_secret' must be at least '14' characters long.")
    if len(secret) > 100:
        raise _secret_error("client_secret: 'client_secret' can't be more than '100' characters long.")
    if method == 'client_secret_jwt' and len(secret) < 32:
        raise _secret_error("client_secret: 'client_secret' must be at least '32' characters long when "
                            "'token_endpoint_auth_method' is 'client_secret_jwt'.")
    if not re.fullmatch(r'[\x20-\x7e]+', secret):
        raise _secret_error("client_secret: ''client_secret'' must only contain printable ASCII: [x20-x7E]+")


def new_secret(value=None, status='ACTIVE'):
    """A client secret record (generated like Okta: 64 URL-safe characters)."""
    secret = value or random_token(64)
    created = iso()
    return {'id': new_id('ocs'), 'status': status, 'client_secret': secret,
            'secret_hash': b64url(hashlib.sha256(secret.encode('utf-8')).digest()[:16]),
            'created': created, 'lastUpdated': created}


def render_secret(req, app, secret):
    """OAuth2ClientSecret: real Okta shows the full secret in every answer (list, get, lifecycle, create)."""
    base = '%s/api/v1/apps/%s/credentials/secrets/%s' % (req.org_url, app['id'], secret['id'])
    body = {'id': secret['id'], 'status': secret['status'], 'client_secret': secret['client_secret'],
            'secret_hash': secret['secret_hash'], 'created': secret['created'], 'lastUpdated': secret['lastUpdated']}
    if secret['status'] == 'ACTIVE':
        body['_links'] = {'deactivate': {'href': base + '/lifecycle/deactivate', 'hints': {'allow': ['POST']}}}
    else:
        body['_links'] = {'activate': {'href': base + '/lifecycle/activate', 'hints': {'allow': ['POST']}},
                          'delete': {'href': base, 'hints': {'allow': ['DELETE']}}}
    return body


# -- app documents ---------------------------------------------------------------------------
def _bool(value, field, default):
    if value is None:
        return default
    if not isinstance(value, bool):
        raise errors.validation(field, '%s: The value must be a boolean.' % field)
    return value


def _string_list(value, field):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.validation(field, '%s: The value must be a list of strings.' % field)
    return list(value)


def _parse_app(body, existing=None):
    """Validate an OIDC app body (create or full replace) and return the normalized parts."""
    label = body.get('label')
    if not isinstance(label, str) or not label.strip():
        raise errors.validation('label', 'label: The field cannot be left blank')
    if body.get('signOnMode') != 'OPENID_CONNECT' or body.get('name', 'oidc_client') != 'oidc_client':
        raise errors.validation('name', "name: The simulator supports only 'oidc_client' apps with signOnMode "
                                'OPENID_CONNECT.')
    credentials = body.get('credentials') or {}
    settings = body.get('settings') or {}
    if not isinstance(credentials, dict) or not isinstance(settings, dict):
        raise errors.bad_request_body()
    oauth_in = credentials.get('oauthClient') or {}
    client_in = settings.get('oauthClient') or {}
    if not isinstance(oauth_in, dict) or not isinstance(client_in, dict):
        raise errors.bad_request_body()

    app_type = client_in.get('application_type') or 'web'
    if app_type not in APP_TYPES:
        raise errors.validation('application_type', 'application_type: Invalid value.')
    default_grants = ['client_credentials'] if app_type == 'service' else ['authorization_code']
    grant_types = _string_list(client_in.get('grant_types'), 'grant_types') or default_grants
    unknown = [g for g in grant_types if g not in GRANT_TYPES]
    if unknown:
        raise errors.validation('grant_types', "grant_types: Invalid grant type: '%s'." % unknown[0])
    default_responses = ['token'] if app_type == 'service' else ['code']
    response_types = _string_list(client_in.get('response_types'), 'response_types') or default_responses
    if any(r not in RESPONSE_TYPES for r in response_types):
        raise errors.validation('response_types', 'response_types: Invalid response type.')
    redirect_uris = _string_list(client_in.get('redirect_uris'), 'redirect_uris')

    default_method = 'none' if app_type == 'browser' else 'client_secret_basic'
    method = oauth_in.get('token_endpoint_auth_method') or default_method
    if method not in AUTH_METHODS:
        raise errors.validation('token_endpoint_auth_method', 'token_endpoint_auth_method: Invalid value.')

    if app_type == 'service':
        # Real Okta accepts a service app with the implicit grant beside client_credentials (with
        # response_types [token] and redirect_uris; recorded, classic and Identity Engine orgs). Other grants of a
        # service app are refused here (an assumption: no recording tries them).
        if 'client_credentials' not in grant_types or set(grant_types) - SERVICE_GRANT_TYPES:
            raise errors.validation('grant_types', "grant_types: Service apps only support the 'client_credentials' "
                                    "and 'implicit' grant types.")
        if method == 'none':
            raise errors.validation('token_endpoint_auth_method', "token_endpoint_auth_method: 'none' isn't allowed "
                                    'for service apps.')
    if app_type == 'web' and 'authorization_code' not in grant_types:
        raise errors.validation('grant_types', "grant_types: Web apps require the 'authorization_code' grant type.")
    if app_type == 'browser' and method != 'none':
        raise errors.validation('token_endpoint_auth_method', "token_endpoint_auth_method: Browser apps must use "
                                "'none'.")
    if ('authorization_code' in grant_types or 'implicit' in grant_types) and not redirect_uris:
        raise errors.validation('redirect_uris', "redirect_uris: 'redirect_uris' must contain at least one URI when "
                                "'grant_types' contains 'authorization_code' or 'implicit'.")
    refreshable = {'authorization_code', 'password', 'urn:ietf:params:oauth:grant-type:device_code'}
    if 'refresh_token' in grant_types and not set(grant_types) & refreshable:
        raise errors.validation('grant_types', "grant_types: 'refresh_token' requires the 'authorization_code' "
                                'grant type.')

    secret = oauth_in.get('client_secret')
    if secret == '':
        # An empty client_secret in a PUT keeps the current secret.
        secret = None
    if secret is not None:
        if method == 'private_key_jwt':
            raise _secret_error("'client_secret' can't be used when 'token_endpoint_auth_method' is "
                                "'private_key_jwt'.")
        if method in SECRET_METHODS:
            _check_custom_secret(secret, method)
        else:
            secret = None

    jwks = client_in.get('jwks')
    keys = None
    if jwks is not None:
        if not isinstance(jwks, dict):
            raise _key_error("Invalid value specified for 'jwks' parameter")
        keys = _parse_key_set(jwks.get('keys') or [], existing['keys'] if existing else [])
    if method == 'private_key_jwt' and not client_in.get('jwks_uri'):
        candidate = keys if keys is not None else []
        if not any(k['status'] == 'ACTIVE' for k in candidate):
            raise errors.validation('jwks', "jwks: 'jwks' or 'jwks_uri' must contain at least one active key when "
                                    "'token_endpoint_auth_method' is 'private_key_jwt'.")

    consent = client_in.get('consent_method') or 'TRUSTED'
    if consent not in ('REQUIRED', 'TRUSTED'):
        raise errors.validation('consent_method', 'consent_method: Invalid value.')
    issuer_mode = client_in.get('issuer_mode') or 'DYNAMIC'
    if issuer_mode not in ('CUSTOM_URL', 'DYNAMIC', 'ORG_URL'):
        raise errors.validation('issuer_mode', 'issuer_mode: Invalid value.')
    wildcard = client_in.get('wildcard_redirect') or 'DISABLED'
    if wildcard not in ('DISABLED', 'SUBDOMAIN'):
        raise errors.validation('wildcard_redirect', 'wildcard_redirect: Invalid value.')

    settings_oauth = {
        'client_uri': None,
        'redirect_uris': redirect_uris,
        'response_types': response_types,
        'grant_types': grant_types,
        'application_type': app_type,
        'consent_method': consent,
        'issuer_mode': issuer_mode,
        'idp_initiated_login': client_in.get('idp_initiated_login') or {'mode': 'DISABLED', 'default_scope': []},
        'wildcard_redirect': wildcard,
        'dpop_bound_access_tokens': _bool(client_in.get('dpop_bound_access_tokens'), 'dpop_bound_access_tokens',
                                          False),
    }
    for name in PASSTHROUGH_SETTINGS:
        if client_in.get(name) is not None:
            settings_oauth[name] = copy.deepcopy(client_in[name])
    settings_oauth.setdefault('participate_slo', False)  # present as false in real answers (reported)
    if settings_oauth['client_uri'] is None:
        del settings_oauth['client_uri']
    if 'refresh_token' in grant_types:
        refresh = client_in.get('refresh_token') or {}
        settings_oauth['refresh_token'] = {'rotation_type': refresh.get('rotation_type') or 'STATIC'}
        if refresh.get('leeway') is not None:
            settings_oauth['refresh_token']['leeway'] = refresh['leeway']
    oauth = {
        'autoKeyRotation': _bool(oauth_in.get('autoKeyRotation'), 'autoKeyRotation', True),
        'token_endpoint_auth_method': method,
        'pkce_required': _bool(oauth_in.get('pkce_required'), 'pkce_required', app_type in ('browser', 'native')),
    }
    extra_settings = {k: copy.deepcopy(v) for k, v in settings.items()
                      if k in ('notes', 'implicitAssignment', 'notifications', 'app', 'manualProvisioning')}
    return {
        'label': label,
        'profile': copy.deepcopy(body['profile']) if isinstance(body.get('profile'), dict) else None,
        'accessibility': copy.deepcopy(body.get('accessibility')) if isinstance(body.get('accessibility'), dict)
        else None,
        'visibility': copy.deepcopy(body.get('visibility')) if isinstance(body.get('visibility'), dict) else None,
        'oauth': oauth,
        'settings_oauth': settings_oauth,
        'settings_extra': extra_settings,
        'keys': keys,
        'secret': secret,
        'client_id': oauth_in.get('client_id'),
    }


def current_secret(app):
    """The client secret Okta shows on the app: the newest ACTIVE one."""
    active = [s for s in app['secrets'] if s['status'] == 'ACTIVE']
    return active[-1]['client_secret'] if active else None


BUILTIN_LINKS = {'saasure': 'admin', 'okta_enduser': 'dashboard'}


def render_builtin_app(store, req, app):
    """A built-in app: OIDC sign-on without an OAuth client (no credentials.oauthClient, no settings.oauthClient)."""
    base = '%s/api/v1/apps/%s' % (req.org_url, app['id'])
    link = BUILTIN_LINKS[app['builtin']]
    return {
        'id': app['id'], 'orn': 'orn:okta:idp:%s:apps:%s:%s' % (store.org_id, app['builtin'], app['id']),
        'name': app['builtin'], 'label': app['label'], 'status': app['status'], 'lastUpdated': app['lastUpdated'],
        'created': app['created'],
        'accessibility': {'selfService': False, 'errorRedirectUrl': None, 'loginRedirectUrl': None},
        'visibility': {'autoSubmitToolbar': False, 'hide': {'iOS': False, 'web': False}, 'appLinks': {link: True}},
        'features': [], 'signOnMode': 'OPENID_CONNECT',
        'credentials': {'userNameTemplate': {'template': '${source.login}', 'type': 'BUILT_IN'},
                        'signing': {'kid': store.app_signing_kid}},
        'settings': {'app': {}, 'notifications': {'vpn': {'network': {'connection': 'DISABLED'}}},
                     'manualProvisioning': False, 'implicitAssignment': False},
        '_links': {
            'appLinks': [{'name': link, 'type': 'text/html',
                          'href': '%s/home/%s/%s/%s' % (req.org_url, app['builtin'], app['id'], app['app_link_id'])}],
            'groups': {'href': base + '/groups'},
            'logo': [{'name': 'medium', 'href': req.org_url + LOGO_PATH, 'type': 'image/png'}],
            'users': {'href': base + '/users'},
            'deactivate': {'href': base + '/lifecycle/deactivate'},
        },
    }


def render_app(store, req, app, with_secret=False):
    """The OpenIdConnectApplication document of an app.

    ``credentials.oauthClient.client_secret`` is only in the answers to the create and to a full replace
    (``with_secret``): real Okta never shows it on a read (recorded reads of 2020 to 2026, classic and Identity
    Engine orgs); ``GET /credentials/secrets`` lists the secrets in full.
    """
    if app.get('builtin'):
        return render_builtin_app(store, req, app)
    base = '%s/api/v1/apps/%s' % (req.org_url, app['id'])
    lifecycle = 'deactivate' if app['status'] == 'ACTIVE' else 'activate'
    oauth_client = {'autoKeyRotation': app['oauth']['autoKeyRotation'], 'client_id': app['client_id']}
    method = app['oauth']['token_endpoint_auth_method']
    secret = current_secret(app) if with_secret and method in SECRET_METHODS else None
    if secret:
        oauth_client['client_secret'] = secret
    oauth_client['token_endpoint_auth_method'] = method
    oauth_client['pkce_required'] = app['oauth']['pkce_required']
    settings_oauth = copy.deepcopy(app['settings_oauth'])
    if app['keys']:
        settings_oauth['jwks'] = {'keys': [render_app_key(k) for k in app['keys']]}
    settings = {
        'app': {},
        'notifications': {'vpn': {'network': {'connection': 'DISABLED'}}},
        'manualProvisioning': False,
        'implicitAssignment': False,
        'notes': {},
    }
    settings.update(copy.deepcopy(app['settings_extra']))
    if store.org_flavour == 'classic' and settings_oauth.get('application_type') == 'web':
        settings_oauth.pop('consent_method', None)  # web apps of some classic orgs show none (reported)
    settings['oauthClient'] = settings_oauth
    settings['emOptInStatus'] = 'NONE'  # as recorded (test_applications_it cassettes)
    visibility = {'autoLaunch': False, 'autoSubmitToolbar': False, 'hide': {'iOS': True, 'web': True},
                  'appLinks': {'oidc_client_link': True}}
    if app['visibility']:
        visibility.update(app['visibility'])
    accessibility = {'selfService': False}
    if app['accessibility']:
        accessibility.update(app['accessibility'])
    doc = {
        'id': app['id'],
        'orn': 'orn:okta:idp:%s:apps:oidc_client:%s' % (store.org_id, app['id']),
        'name': 'oidc_client',
        'label': app['label'],
        'status': app['status'],
        'lastUpdated': app['lastUpdated'],
        'created': app['created'],
        'accessibility': accessibility,
        'visibility': visibility,
        'features': [],
        'signOnMode': 'OPENID_CONNECT',
        'credentials': {
            'userNameTemplate': {'template': '${source.login}', 'type': 'BUILT_IN'},
            'signing': {'kid': store.app_signing_kid},
            'oauthClient': oauth_client,
        },
        'settings': settings,
        '_links': {
            'uploadLogo': {'href': base + '/logo', 'hints': {'allow': ['POST']}},
            'appLinks': [{'name': 'oidc_client_link', 'type': 'text/html',
                          'href': '%s/home/oidc_client/%s/%s' % (req.org_url, app['id'], app['app_link_id'])}],
            'groups': {'href': base + '/groups'},
            'logo': [{'name': 'medium', 'href': req.org_url + LOGO_PATH, 'type': 'image/png'}],
            'users': {'href': base + '/users'},
            lifecycle: {'href': '%s/lifecycle/%s' % (base, lifecycle)},
        },
    }
    if app['profile'] is not None:
        doc['profile'] = copy.deepcopy(app['profile'])
    return doc


# -- apps ------------------------------------------------------------------------------------
def _bool_query(req, name, default):
    raw = req.arg(name)
    if raw is None:
        return default
    if raw.lower() in ('true', 'false'):
        return raw.lower() == 'true'
    raise errors.validation(name, '%s: The value must be true or false.' % name)


@route('POST', '/api/v1/apps', **APPS_MANAGE)
def create_app(store, req):
    """createApplication."""
    parsed = _parse_app(req.json_object())
    activate = _bool_query(req, 'activate', True)
    if store.app_quota is not None and len([a for a in store.apps.values() if not a.get('builtin')]) >= store.app_quota:
        # Free plans cap the number of app instances (recorded answer of a developer org).
        raise errors.validation('generalSettings', 'Cannot create application instance. Maximum number of instances '
                                'has been reached.')
    app_id = new_id('0oa')
    client_id = parsed['client_id'] or app_id
    if client_id in store.client_ids:
        raise errors.validation('client_id', "client_id: An object with this field already exists in the current "
                                'organization')
    created = iso()
    app = {
        'id': app_id, 'client_id': client_id, 'status': 'ACTIVE' if activate else 'INACTIVE',
        'created': created, 'lastUpdated': created, 'app_link_id': new_id('aln'),
        'label': parsed['label'], 'profile': parsed['profile'], 'accessibility': parsed['accessibility'],
        'visibility': parsed['visibility'], 'oauth': parsed['oauth'], 'settings_oauth': parsed['settings_oauth'],
        'settings_extra': parsed['settings_extra'], 'keys': parsed['keys'] or [], 'secrets': [], 'grants': [],
        'roles': [], 'groups': {},
    }
    if parsed['oauth']['token_endpoint_auth_method'] in SECRET_METHODS:
        app['secrets'].append(new_secret(parsed['secret']))
    store.apps[app_id] = app
    store.client_ids[client_id] = app_id
    store.next_seq(app_id)
    return Response(200, render_app(store, req, app, with_secret=True))


def _apply_filter(req, apps):
    expression = req.arg('filter')
    if not expression:
        return apps
    clauses = re.split(r'\s+and\s+', expression.strip())
    result = apps
    for clause in clauses:
        match = re.fullmatch(r'(status|name|id)\s+eq\s+"([^"]*)"', clause.strip())
        if not match:
            raise errors.validation('filter', 'filter: The filter expression is not supported.')
        field, value = match.groups()
        if field == 'name':
            result = [a for a in result if (a.get('builtin') or 'oidc_client') == value]
        else:
            result = [a for a in result if a[field] == value]
    return result


@route('GET', '/api/v1/apps', **APPS_READ)
def list_apps(store, req):
    """listApplications: q (startsWith on name or label), filter, limit/after with Link headers."""
    apps = store.in_creation_order(store.apps.values())
    expand = req.arg('expand')
    if expand is not None and not re.fullmatch(r'user/[^/,\s]+', expand):
        raise errors.validation('RequestParams', 'Expand query is malformed.')
    query = req.arg('q')
    if query:
        apps = [a for a in apps if starts_with(a.get('builtin') or 'oidc_client', query)
                or starts_with(a['label'], query)]
    apps = _apply_filter(req, apps)
    return paginate(req, apps, store.seq_of, lambda a: render_app(store, req, a))


@route('GET', '/api/v1/apps/{appId}', **APPS_READ)
def read_app(store, req):
    """getApplication."""
    return Response(200, render_app(store, req, get_app(store, req.params['appId'])))


@route('PUT', '/api/v1/apps/{appId}', **APPS_MANAGE)
def replace_app(store, req):
    """replaceApplication: full replace of the app's settable properties."""
    app = get_oidc_app(store, req.params['appId'])
    parsed = _parse_app(req.json_object(), existing=app)
    method = parsed['oauth']['token_endpoint_auth_method']
    new_keys = parsed['keys'] if parsed['keys'] is not None else []
    if [(k['id'], k['status']) for k in new_keys] != [(k['id'], k['status']) for k in app['keys']]:
        require_super_admin_for_keys(store, req, app)
    app.update({k: parsed[k] for k in ('label', 'profile', 'accessibility', 'visibility', 'oauth', 'settings_oauth',
                                       'settings_extra')})
    app['keys'] = new_keys
    if method not in SECRET_METHODS and store.assumptions.get('pkjwt_secrets') != 'kept':
        # Okta deletes the client secrets of an app that moves to private_key_jwt (or none);
        # moving back issues a new one.
        app['secrets'] = []
    if method in SECRET_METHODS:
        if parsed['secret'] is not None and parsed['secret'] not in [s['client_secret'] for s in app['secrets']]:
            app['secrets'] = [new_secret(parsed['secret'])]
        elif not any(s['status'] == 'ACTIVE' for s in app['secrets']):
            app['secrets'].append(new_secret())
    _touch(app)
    shown = store.assumptions.get('put_answer_secret') != 'left_out'  # assumed other answer (switch, README)
    return Response(200, render_app(store, req, app, with_secret=shown))


@route('DELETE', '/api/v1/apps/{appId}', **APPS_MANAGE)
def delete_app(store, req):
    """deleteApplication: only inactive apps can be deleted (403 E0000056 with its cause, as recorded)."""
    app = get_oidc_app(store, req.params['appId'])
    if app['status'] == 'ACTIVE':
        raise errors.ApiError(403, 'E0000056', 'Delete application forbidden.',
                              ['The application must be deactivated before deletion.'])
    del store.apps[app['id']]
    store.client_ids.pop(app['client_id'], None)
    for jti in [j for j, t in store.access_tokens.items() if t['app_id'] == app['id']]:
        del store.access_tokens[jti]
    return Response(204)


@route('POST', '/api/v1/apps/{appId}/lifecycle/activate', **APPS_MANAGE)
def activate_app(store, req):
    """activateApplication."""
    app = get_oidc_app(store, req.params['appId'])
    if app['status'] != 'ACTIVE':
        app['status'] = 'ACTIVE'
        _touch(app)
    return Response(200, {})


@route('POST', '/api/v1/apps/{appId}/lifecycle/deactivate', **APPS_MANAGE)
def deactivate_app(store, req):
    """deactivateApplication."""
    app = get_oidc_app(store, req.params['appId'])
    if app['status'] != 'INACTIVE':
        app['status'] = 'INACTIVE'
        _touch(app)
    return Response(200, {})


# -- JWKS credentials ------------------------------------------------------------------------
def _get_key(app, key_id):
    for key in app['keys']:
        if key['id'] == key_id:
            return key
    raise errors.not_found('%s (JsonWebKey)' % key_id)


@route('GET', '/api/v1/apps/{appId}/credentials/jwks', **APPS_READ)
def list_keys(store, req):
    """listJwk."""
    app = get_app(store, req.params['appId'])
    keys = [render_key(req, app, k) for k in app['keys']]
    if store.assumptions.get('key_list') == 'wrapped':  # assumed other shape (switch, README)
        return Response(200, {'jwks': {'keys': keys}})
    return Response(200, keys)


@route('POST', '/api/v1/apps/{appId}/credentials/jwks', **APPS_MANAGE)
def add_key(store, req):
    """addJwk: duplicate kid, short RSA keys and more than 50 keys are rejected."""
    app = get_oidc_app(store, req.params['appId'])
    require_super_admin_for_keys(store, req, app)
    if len(app['keys']) >= MAX_KEYS:
        raise _key_error("You can't create a new key. You have reached the maximum number of keys allowed (50). "
                         'To add another key, you must first delete an existing one.')
    record = parse_jwk(req.json_object(), {k['kid'] for k in app['keys'] if k['kid'] is not None}, len(app['keys']))
    app['keys'].append(record)
    _touch(app)
    return Response(201, render_key(req, app, record))


@route('GET', '/api/v1/apps/{appId}/credentials/jwks/{keyId}', **APPS_READ)
def read_key(store, req):
    """getJwk."""
    app = get_app(store, req.params['appId'])
    return Response(200, render_key(req, app, _get_key(app, req.params['keyId'])))


@route('DELETE', '/api/v1/apps/{appId}/credentials/jwks/{keyId}', **APPS_MANAGE)
def delete_key(store, req):
    """deletejwk: an ACTIVE key can't be deleted."""
    app = get_oidc_app(store, req.params['appId'])
    key = _get_key(app, req.params['keyId'])
    require_super_admin_for_keys(store, req, app)
    if key['status'] == 'ACTIVE' and store.assumptions.get('delete_active_key') != 'allowed':
        raise _key_error("You can't delete an active JSON Web Key. Deactivate the key before deleting it.")
    app['keys'].remove(key)
    _touch(app)
    return Response(204)


@route('POST', '/api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/activate', **APPS_MANAGE)
def activate_key(store, req):
    """activateOAuth2ClientJsonWebKey."""
    app = get_oidc_app(store, req.params['appId'])
    key = _get_key(app, req.params['keyId'])
    require_super_admin_for_keys(store, req, app)
    if key['status'] != 'ACTIVE':
        key['status'] = 'ACTIVE'
        key['lastUpdated'] = iso()
        _touch(app)
    return Response(200, render_key(req, app, key))


@route('POST', '/api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/deactivate', **APPS_MANAGE)
def deactivate_key(store, req):
    """deactivateOAuth2ClientJsonWebKey: the only ACTIVE key of a private_key_jwt client stays."""
    app = get_oidc_app(store, req.params['appId'])
    key = _get_key(app, req.params['keyId'])
    require_super_admin_for_keys(store, req, app)
    if key['status'] == 'ACTIVE':
        others = [k for k in app['keys'] if k['status'] == 'ACTIVE' and k is not key]
        if not others and app['oauth']['token_endpoint_auth_method'] == 'private_key_jwt' \
                and not app['settings_oauth'].get('jwks_uri') \
                and store.assumptions.get('deactivate_only_key') != 'allowed':
            raise _key_error("Can't deactivate the only active JSON Web Key when the value for "
                             '`token_endpoint_auth_method` is `private_key_jwt`.')
        key['status'] = 'INACTIVE'
        key['lastUpdated'] = iso()
        _touch(app)
    return Response(200, render_key(req, app, key))


# -- client secrets --------------------------------------------------------------------------
def _get_secret(app, secret_id):
    for secret in app['secrets']:
        if secret['id'] == secret_id:
            return secret
    raise errors.not_found('%s (OAuth2ClientSecret)' % secret_id)


def _mediated_error(cause):
    return errors.validation('OAuth2ClientSecretMediated', cause)


@route('GET', '/api/v1/apps/{appId}/credentials/secrets', **APPS_READ)
def list_secrets(store, req):
    """listOAuth2ClientSecrets (secrets masked)."""
    app = get_app(store, req.params['appId'])
    return Response(200, [render_secret(req, app, s) for s in app['secrets']])


@route('POST', '/api/v1/apps/{appId}/credentials/secrets', **APPS_MANAGE)
def create_secret(store, req):
    """createOAuth2ClientSecret: at most two secrets; the full secret is shown only here."""
    app = get_app(store, req.params['appId'])
    body = req.json(required=False) or {}
    if not isinstance(body, dict):
        raise errors.bad_request_body()
    method = app['oauth']['token_endpoint_auth_method']
    if method == 'private_key_jwt':
        raise _secret_error("'client_secret' can't be used when 'token_endpoint_auth_method' is 'private_key_jwt'.")
    if method not in SECRET_METHODS:
        raise _secret_error("'client_secret' can't be used when 'token_endpoint_auth_method' is '%s'." % method)
    if len(app['secrets']) >= MAX_SECRETS:
        raise _mediated_error("You've reached the maximum number of client secrets per client.")
    status = body.get('status') or 'ACTIVE'
    if status not in ('ACTIVE', 'INACTIVE'):
        raise _secret_error('status: Invalid value.')
    value = body.get('client_secret')
    if value is not None:
        _check_custom_secret(value, method)
    secret = new_secret(value, status)
    app['secrets'].append(secret)
    _touch(app)
    return Response(201, render_secret(req, app, secret))


@route('GET', '/api/v1/apps/{appId}/credentials/secrets/{secretId}', **APPS_READ)
def read_secret(store, req):
    """getOAuth2ClientSecret."""
    app = get_app(store, req.params['appId'])
    return Response(200, render_secret(req, app, _get_secret(app, req.params['secretId'])))


@route('DELETE', '/api/v1/apps/{appId}/credentials/secrets/{secretId}', **APPS_MANAGE)
def delete_secret(store, req):
    """deleteOAuth2ClientSecret: an ACTIVE secret can't be deleted."""
    app = get_app(store, req.params['appId'])
    secret = _get_secret(app, req.params['secretId'])
    if secret['status'] == 'ACTIVE':
        raise _mediated_error("You can't delete an active client secret. Deactivate the secret before deleting it.")
    app['secrets'].remove(secret)
    _touch(app)
    return Response(204)


@route('POST', '/api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/activate', **APPS_MANAGE)
def activate_secret(store, req):
    """activateOAuth2ClientSecret."""
    app = get_app(store, req.params['appId'])
    secret = _get_secret(app, req.params['secretId'])
    if secret['status'] != 'ACTIVE':
        secret['status'] = 'ACTIVE'
        secret['lastUpdated'] = iso()
        _touch(app)
    return Response(200, render_secret(req, app, secret))


@route('POST', '/api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/deactivate', **APPS_MANAGE)
def deactivate_secret(store, req):
    """deactivateOAuth2ClientSecret: the only ACTIVE secret can't be deactivated."""
    app = get_app(store, req.params['appId'])
    secret = _get_secret(app, req.params['secretId'])
    if secret['status'] == 'ACTIVE':
        if not [s for s in app['secrets'] if s['status'] == 'ACTIVE' and s is not secret]:
            raise _mediated_error("You can't deactivate the only active client secret.")
        secret['status'] = 'INACTIVE'
        secret['lastUpdated'] = iso()
        _touch(app)
    return Response(200, render_secret(req, app, secret))


# -- scope consent grants --------------------------------------------------------------------
def render_grant(req, app, grant, embed=False):
    """OAuth2ScopeConsentGrant."""
    base = '%s/api/v1/apps/%s' % (req.org_url, app['id'])
    body = {
        'id': grant['id'], 'status': grant['status'], 'created': grant['created'], 'createdBy': grant['createdBy'],
        'lastUpdated': grant['lastUpdated'], 'issuer': grant['issuer'], 'clientId': app['client_id'],
        'scopeId': grant['scopeId'], 'source': 'ADMIN',
        '_links': {
            'app': {'href': base, 'title': app['label']},
            'self': {'href': '%s/grants/%s' % (base, grant['id']), 'hints': {'allow': ['GET', 'DELETE']}},
            'client': {'href': '%s/oauth2/v1/clients/%s' % (req.org_url, app['client_id']), 'title': app['label']},
        },
    }
    if embed or req.arg('expand') == 'scope':
        body['_embedded'] = {'scope': {'id': grant['scopeId']}}
    return body


def _get_grant(app, grant_id):
    for grant in app['grants']:
        if grant['id'] == grant_id:
            return grant
    raise errors.not_found('%s (OAuth2ScopeConsentGrant)' % grant_id)


@route('GET', '/api/v1/apps/{appId}/grants', **GRANTS_READ)
def list_grants(store, req):
    """listScopeConsentGrants."""
    app = get_app(store, req.params['appId'])
    return Response(200, [render_grant(req, app, g) for g in app['grants']])


@route('POST', '/api/v1/apps/{appId}/grants', **GRANTS_MANAGE)
def create_grant(store, req):
    """grantConsentToScope: 200 with ``_embedded.scope``; granting a scope twice is an error."""
    app = get_oidc_app(store, req.params['appId'])
    body = req.json_object()
    scope_id = body.get('scopeId')
    issuer = body.get('issuer')
    if not isinstance(scope_id, str) or not scope_id:
        raise errors.validation('scopeId', 'scopeId: The field cannot be left blank')
    if not isinstance(issuer, str) or not issuer:
        raise errors.validation('issuer', 'issuer: The field cannot be left blank')
    if issuer.rstrip('/') != req.org_url:
        raise errors.validation('issuer', "issuer: The issuer '%s' isn't this org's authorization server (%s)."
                                % (issuer, req.org_url))
    if scope_id not in OKTA_SCOPES:
        raise errors.validation('scopeId', "scopeId: The scope '%s' isn't a valid Okta scope." % scope_id)
    for grant in app['grants']:
        if grant['scopeId'] == scope_id and grant['status'] == 'ACTIVE':
            if store.assumptions.get('regrant') == 'idempotent':  # assumed other answer (switch, README)
                return Response(200, render_grant(req, app, grant, embed=True))
            raise errors.validation('scopeId', ALREADY_GRANTED % scope_id)
    created = iso()
    grant = {'id': new_id('oag'), 'status': 'ACTIVE', 'created': created, 'lastUpdated': created,
             'createdBy': req.principal.actor(), 'issuer': req.org_url, 'scopeId': scope_id}
    app['grants'].append(grant)
    store.next_seq(grant['id'])
    _auto_assign_super_admin(store, app)
    return Response(200, render_grant(req, app, grant, embed=True))


def _auto_assign_super_admin(store, app):
    """With clientPrivilegesSetting on, Okta makes a custom API service app a super admin once it has grants."""
    if not store.client_privileges_setting or app['settings_oauth'].get('application_type') != 'service':
        return
    if any(a['type'] == 'SUPER_ADMIN' for a in app['roles']):
        return
    store.add_role_assignment(app['roles'], 'SUPER_ADMIN', 'CLIENT')


@route('GET', '/api/v1/apps/{appId}/grants/{grantId}', **GRANTS_READ)
def read_grant(store, req):
    """getScopeConsentGrant."""
    app = get_app(store, req.params['appId'])
    return Response(200, render_grant(req, app, _get_grant(app, req.params['grantId'])))


@route('DELETE', '/api/v1/apps/{appId}/grants/{grantId}', **GRANTS_MANAGE)
def delete_grant(store, req):
    """revokeScopeConsentGrant."""
    app = get_app(store, req.params['appId'])
    app['grants'].remove(_get_grant(app, req.params['grantId']))
    return Response(204)


# -- group assignments -----------------------------------------------------------------------
def render_assignment(req, app, assignment):
    """ApplicationGroupAssignment."""
    base = '%s/api/v1/apps/%s' % (req.org_url, app['id'])
    return {
        'id': assignment['id'], 'priority': assignment['priority'], 'lastUpdated': assignment['lastUpdated'],
        'profile': copy.deepcopy(assignment['profile']),
        '_links': {'app': {'href': base}, 'self': {'href': '%s/groups/%s' % (base, assignment['id'])},
                   'group': {'href': '%s/api/v1/groups/%s' % (req.org_url, assignment['id'])}},
    }


def _get_assignment(app, group_id):
    assignment = app['groups'].get(group_id)
    if assignment is None:
        raise errors.not_found('%s (ApplicationGroupAssignment)' % group_id)
    return assignment


@route('GET', '/api/v1/apps/{appId}/groups', **APPS_READ)
def list_assignments(store, req):
    """listApplicationGroupAssignments."""
    app = get_app(store, req.params['appId'])
    items = list(app['groups'].values())
    query = req.arg('q')
    if query:
        items = [a for a in items if starts_with(store.groups.get(a['id'], {}).get('profile', {}).get('name'), query)]
    return paginate(req, items, store.seq_of, lambda a: render_assignment(req, app, a))


@route('GET', '/api/v1/apps/{appId}/groups/{groupId}', **APPS_READ)
def read_assignment(store, req):
    """getApplicationGroupAssignment."""
    app = get_app(store, req.params['appId'])
    return Response(200, render_assignment(req, app, _get_assignment(app, req.params['groupId'])))


@route('PUT', '/api/v1/apps/{appId}/groups/{groupId}', **APPS_MANAGE)
def assign_group(store, req):
    """assignGroupToApplication (creates or replaces the assignment)."""
    app = get_app(store, req.params['appId'])
    group_id = req.params['groupId']
    if group_id not in store.groups:
        raise errors.not_found('%s (UserGroup)' % group_id)
    body = req.json(required=False) or {}
    if not isinstance(body, dict):
        raise errors.bad_request_body()
    priority = body.get('priority', len(app['groups']) if group_id not in app['groups'] else
                        app['groups'][group_id]['priority'])
    if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
        raise errors.validation('priority', 'priority: The value must be a non-negative integer.')
    profile = body.get('profile') or {}
    if not isinstance(profile, dict):
        raise errors.validation('profile', 'profile: The value must be an object.')
    app['groups'][group_id] = {'id': group_id, 'priority': priority, 'lastUpdated': iso(), 'profile': profile}
    return Response(200, render_assignment(req, app, app['groups'][group_id]))


@route('DELETE', '/api/v1/apps/{appId}/groups/{groupId}', **APPS_MANAGE)
def unassign_group(store, req):
    """unassignApplicationFromGroup."""
    app = get_app(store, req.params['appId'])
    _get_assignment(app, req.params['groupId'])
    del app['groups'][req.params['groupId']]
    return Response(204)
