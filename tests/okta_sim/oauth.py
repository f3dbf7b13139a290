"""The org authorization server: ``/oauth2/v1/token``, access tokens and DPoP proofs."""

import base64
import hmac
import re
from urllib.parse import unquote_plus

import jwt

from . import errors
from .catalog import OKTA_SCOPES
from .core import Response, route
from .errors import OAuthError
from .util import jwk_thumbprint, now, random_token, sha256_b64url

ACCESS_TOKEN_LIFETIME = 3600
CODE_LIFETIME = 300
ASSERTION_MAX_LIFETIME = 3600
DPOP_IAT_WINDOW = 300
# A new DPoP nonce every 24 hours; each one stays valid for three days.
DPOP_NONCE_ROTATION = 24 * 3600
DPOP_NONCE_LIFETIME = 3 * 24 * 3600
ACCESS_TOKEN_TYP = 'application/okta-internal-at+jwt'
JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
ASYMMETRIC_ALGS = ('RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512')
HMAC_ALGS = ('HS256', 'HS384', 'HS512')
SUPPORTED_GRANTS = ('client_credentials', 'authorization_code', 'refresh_token')
REALM = 'IdpMyAccountAPI'

CLIENT_AUTH_FAILED = 'Client authentication failed. Either the client or the client credentials are invalid.'


def _invalid_client(description=CLIENT_AUTH_FAILED):
    return OAuthError(401, 'invalid_client', description)


def www_authenticate(req, scheme, error, description, scope=None, realm=REALM):
    """The WWW-Authenticate challenge Okta's resource server sends (``realm``: the org URL for insufficient_scope)."""
    parts = ['authorization_uri="%s/oauth2/v1/authorize"' % req.org_url, 'realm="%s"' % realm]
    if scope:
        parts.append('scope="%s"' % scope)
    parts.append('error="%s"' % error)
    parts.append('error_description="%s"' % description)
    parts.append('resource="%s"' % req.path)
    prefix = 'DPoP algs="%s", ' % ' '.join(ASYMMETRIC_ALGS[:6]) if scheme == 'DPoP' else 'Bearer '
    return prefix + ', '.join(parts)


def _remember(cache, key, ttl):
    """Record a single-use value; return False when it was already used."""
    current = now()
    for stale in [k for k, exp in cache.items() if exp < current]:
        del cache[stale]
    if key in cache:
        return False
    cache[key] = current + ttl
    return True


# -- DPoP ------------------------------------------------------------------------------------
class DPoPProofError(Exception):
    """A DPoP proof that fails validation."""


def verify_dpop_proof(store, req, proof, access_token=None):
    """Validate a DPoP proof JWT for this request; return (jwk thumbprint, claims).

    The proof's ``jti`` is not consumed here: callers consume it once the request succeeds.
    """
    try:
        header = jwt.get_unverified_header(proof)
    except jwt.InvalidTokenError as exc:
        raise DPoPProofError('The DPoP proof JWT is malformed.') from exc
    if header.get('typ') != 'dpop+jwt':
        raise DPoPProofError("The DPoP proof JWT 'typ' header must be 'dpop+jwt'.")
    alg = header.get('alg')
    if alg not in ASYMMETRIC_ALGS:
        raise DPoPProofError('The DPoP proof JWT algorithm is not supported.')
    jwk = header.get('jwk')
    if not isinstance(jwk, dict) or 'd' in jwk:
        raise DPoPProofError("The DPoP proof JWT 'jwk' header must contain a public key.")
    try:
        key = jwt.PyJWK(jwk, algorithm=alg).key
        claims = jwt.decode(proof, key, algorithms=[alg],
                            options={'verify_aud': False, 'verify_exp': False, 'verify_iat': False,
                                     'verify_nbf': False})
        thumbprint = jwk_thumbprint(jwk)
    except (jwt.InvalidTokenError, jwt.PyJWKError, KeyError, ValueError, TypeError) as exc:
        raise DPoPProofError('The DPoP proof JWT signature is invalid.') from exc
    for claim in ('htm', 'htu', 'iat', 'jti'):
        if claim not in claims:
            raise DPoPProofError("The DPoP proof JWT is missing the '%s' claim." % claim)
    if claims['htm'] != req.method:
        raise DPoPProofError("The DPoP proof JWT 'htm' claim doesn't match the request method.")
    expected_htu = req.org_url + req.path
    if re.split(r'[?#]', str(claims['htu']), maxsplit=1)[0] != expected_htu:
        raise DPoPProofError("The DPoP proof JWT 'htu' claim doesn't match the request URL.")
    if not isinstance(claims['iat'], (int, float)) or abs(now() - claims['iat']) > DPOP_IAT_WINDOW:
        raise DPoPProofError("The DPoP proof JWT 'iat' claim is out of range.")
    if ('dpop', claims['jti']) in store.used_dpop_jtis:
        raise DPoPProofError('The DPoP proof JWT has already been used.')
    if access_token is not None and claims.get('ath') != sha256_b64url(access_token):
        raise DPoPProofError("The DPoP proof JWT 'ath' claim doesn't match the access token.")
    return thumbprint, claims


def current_dpop_nonce(store):
    """The nonce Okta hands out now: a new one every 24 hours, each valid for three days."""
    current = now()
    nonce, issued = store.dpop_nonce_current or (None, 0)
    if nonce is None or current - issued >= DPOP_NONCE_ROTATION:
        nonce = random_token(32)
        store.dpop_nonce_current = (nonce, current)
        _remember(store.dpop_nonces, nonce, DPOP_NONCE_LIFETIME)
    return nonce


def _token_endpoint_dpop(store, req):
    """DPoP checks of the token endpoint for apps with ``dpop_bound_access_tokens``."""
    proof = req.header('DPoP')
    if not proof:
        raise OAuthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.')
    try:
        thumbprint, claims = verify_dpop_proof(store, req, proof)
    except DPoPProofError as exc:
        raise OAuthError(400, 'invalid_dpop_proof', str(exc)) from exc
    nonce = claims.get('nonce')
    if not nonce or store.dpop_nonces.get(nonce, 0) < now():
        raise OAuthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.',
                         headers={'DPoP-Nonce': current_dpop_nonce(store)})
    return thumbprint, claims['jti']


# -- client authentication -------------------------------------------------------------------
def _basic_credentials(req):
    header = req.header('Authorization') or ''
    scheme, dummy, value = header.strip().partition(' ')
    if scheme.lower() != 'basic':
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode('utf-8')
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid_client() from exc
    client_id, sep, secret = decoded.partition(':')
    if not sep:
        raise _invalid_client()
    return unquote_plus(client_id), unquote_plus(secret)


def _active_secrets(app):
    return [s['client_secret'] for s in app['secrets'] if s['status'] == 'ACTIVE']


def _check_secret(app, secret):
    if not any(hmac.compare_digest(secret.encode(), s.encode()) for s in _active_secrets(app)):
        raise _invalid_client('The client secret supplied for a confidential client is invalid.')


def _assertion_claims(req, app, assertion, method):
    """Verify a client assertion (private_key_jwt or client_secret_jwt) and return its claims."""
    header = jwt.get_unverified_header(assertion)
    alg = header.get('alg')
    options = {'verify_aud': False, 'verify_exp': False, 'verify_iat': False, 'verify_nbf': False}
    claims = None
    if method == 'private_key_jwt':
        kid = header.get('kid')
        active = [k for k in app['keys'] if k['status'] == 'ACTIVE']
        if kid:
            keys = [k for k in active if k.get('kid') == kid]
        else:
            # Without a kid Okta tries the only active key; with several it can't choose.
            keys = active if len(active) == 1 else []
        if not keys and (kid or len(active) > 1):
            raise _invalid_client('The client_assertion JWT kid is invalid.')
        if alg not in ASYMMETRIC_ALGS or not keys:
            raise _invalid_client('The client_assertion signature is invalid.')
        try:
            verifying = {k: v for k, v in keys[0]['jwk'].items() if k != 'alg'}
            if verifying.get('kty') == 'EC' and not verifying.get('crv'):
                verifying['crv'] = keys[0].get('curve')  # stored as null; its curve comes from the coordinates
            key = jwt.PyJWK(verifying, algorithm=alg).key
            claims = jwt.decode(assertion, key, algorithms=[alg], options=options)
        except (jwt.InvalidTokenError, jwt.PyJWKError) as exc:
            raise _invalid_client('The client_assertion signature is invalid.') from exc
    else:
        if alg not in HMAC_ALGS:
            raise _invalid_client('The client_assertion signature is invalid.')
        for secret in _active_secrets(app):
            try:
                claims = jwt.decode(assertion, secret, algorithms=[alg], options=options)
                break
            except jwt.InvalidTokenError:
                continue
        if claims is None:
            raise _invalid_client('The client_assertion signature is invalid.')
    client_id = app['client_id']
    if claims.get('iss') != client_id or claims.get('sub') != client_id:
        raise _invalid_client("The 'iss' and 'sub' claims of the client_assertion must be the client_id.")
    audience = claims.get('aud')
    audiences = audience if isinstance(audience, list) else [audience]
    if req.org_url + '/oauth2/v1/token' not in audiences:
        raise _invalid_client('The audience claim for client_assertion must be the endpoint invoked for the request.')
    exp = claims.get('exp')
    if not isinstance(exp, (int, float)):
        raise _invalid_client("The client_assertion token must contain an 'exp' claim.")
    # No clock slack either way: expired means expired, and more than an hour ahead is refused.
    if exp <= now():
        raise _invalid_client('The client_assertion token is expired.')
    if exp > now() + ASSERTION_MAX_LIFETIME:
        raise _invalid_client('The client_assertion token has an expiration too far into the future.')
    return claims


def authenticate_client(store, req, form):
    """Identify and authenticate the OAuth client; return (app, single-use assertion jti or None)."""
    basic = _basic_credentials(req)
    assertion = form.get('client_assertion')
    if sum(1 for present in (basic, assertion, 'client_secret' in form) if present) > 1:
        raise OAuthError(400, 'invalid_request',
                         "Can't supply multiple client credentials. Use one of the following: credentials in the "
                         "Authorization header, credentials in the post body, or a `client_assertion` in the post body.")
    if basic:
        client_id, secret = basic
        method = 'client_secret_basic'
    elif assertion:
        if form.get('client_assertion_type') != JWT_BEARER:
            raise OAuthError(400, 'invalid_request', "The 'client_assertion_type' parameter must be '%s'." % JWT_BEARER)
        try:
            unverified = jwt.decode(assertion, options={'verify_signature': False})
            alg = jwt.get_unverified_header(assertion).get('alg')
        except jwt.InvalidTokenError as exc:
            raise _invalid_client('The client_assertion token is malformed.') from exc
        client_id = unverified.get('sub') or unverified.get('iss')
        if form.get('client_id') and form['client_id'] != client_id:
            raise _invalid_client()
        method = 'client_secret_jwt' if alg in HMAC_ALGS else 'private_key_jwt'
        secret = None
    elif 'client_secret' in form:
        client_id, secret = form.get('client_id', ''), form['client_secret']
        method = 'client_secret_post'
    elif form.get('client_id'):
        client_id, secret, method = form['client_id'], None, 'none'
    else:
        raise _invalid_client('No client credentials found')
    app = store.app_by_client_id(client_id) if isinstance(client_id, str) else None
    if app is None or app['status'] != 'ACTIVE':
        raise _invalid_client()
    if app['oauth']['token_endpoint_auth_method'] != method:
        raise _invalid_client()
    jti = None
    if method in ('client_secret_basic', 'client_secret_post'):
        _check_secret(app, secret)
    elif method in ('private_key_jwt', 'client_secret_jwt'):
        claims = _assertion_claims(req, app, assertion, method)
        # jti is optional; when sent, it is single use.
        jti = claims.get('jti')
        if jti and ('assertion', client_id, jti) in store.used_assertion_jtis:
            raise _invalid_client('The client_assertion token has already been used.')
    return app, jti


# -- tokens ----------------------------------------------------------------------------------
def _sign(store, claims):
    return jwt.encode(claims, store.signing_key, algorithm='RS256', headers={'kid': store.signing_kid})


def _sign_access_token(store, claims):
    return jwt.encode(claims, store.signing_key, algorithm='RS256',
                      headers={'kid': store.signing_kid, 'typ': ACCESS_TOKEN_TYP})


def issue_access_token(store, req, app, scopes, user_id=None, jkt=None):
    """Mint an access token (a signed JWT, remembered by its jti); return the token string."""
    issued = int(now())
    jti = 'AT.' + random_token(43)
    user = store.users.get(user_id) if user_id else None
    claims = {
        'ver': 1, 'jti': jti, 'iss': req.org_url, 'aud': req.org_url, 'iat': issued,
        'exp': issued + ACCESS_TOKEN_LIFETIME, 'cid': app['client_id'], 'scp': list(scopes),
        'sub': user['profile']['login'] if user else app['client_id'],
    }
    if user:
        claims['uid'] = user['id']
    if jkt:
        claims['cnf'] = {'jkt': jkt}
    token = _sign_access_token(store, claims)
    store.access_tokens[jti] = {
        'jti': jti, 'app_id': app['id'], 'client_id': app['client_id'], 'user_id': user_id,
        'scopes': list(scopes), 'exp': issued + ACCESS_TOKEN_LIFETIME, 'jkt': jkt,
    }
    return token


def mint_authorization_code(store, app, redirect_uri, scopes, user_id):
    """An authorization code as /authorize would have issued it (used by the control API)."""
    code = random_token(43)
    store.auth_codes[code] = {
        'code': code, 'app_id': app['id'], 'client_id': app['client_id'], 'redirect_uri': redirect_uri,
        'scopes': list(scopes), 'user_id': user_id, 'exp': now() + CODE_LIFETIME, 'used': False,
    }
    return code


def mint_refresh_token(store, app, scopes, user_id):
    """A refresh token bound to an app and user."""
    token = random_token(43)
    store.refresh_tokens[token] = {
        'token': token, 'app_id': app['id'], 'client_id': app['client_id'], 'scopes': list(scopes),
        'user_id': user_id, 'created': now(), 'revoked': False,
    }
    return token


def _granted_scopes(app):
    return {g['scopeId'] for g in app['grants'] if g['status'] == 'ACTIVE'}


def _client_credentials(app, form):
    """Scopes of a client-credentials token: those not granted are dropped silently, as Okta does."""
    requested = form.get('scope', '').split()
    if not requested:
        raise OAuthError(400, 'invalid_scope', "The authorization server resource does not have any configured "
                         "default scopes, 'scope' must be provided.")
    if any(s not in OKTA_SCOPES for s in requested):
        raise OAuthError(400, 'invalid_scope', 'One or more scopes are not configured for the authorization server '
                         'resource.')
    granted = _granted_scopes(app)
    allowed = [s for s in requested if s in granted]
    if not allowed:
        raise OAuthError(400, 'consent_required', 'You are not allowed any of the requested scopes.')
    return allowed, None


def _authorization_code(store, app, form):
    record = store.auth_codes.get(form.get('code', ''))
    if record is None or record['used'] or record['exp'] < now():
        raise OAuthError(400, 'invalid_grant', 'The authorization code is invalid or has expired.')
    if record['client_id'] != app['client_id']:
        raise OAuthError(400, 'invalid_grant', 'The grant was issued to another client. Ensure that the '
                         '`client_id` matches the one used at the authorize request.')
    if form.get('redirect_uri') != record['redirect_uri']:
        raise OAuthError(400, 'invalid_grant', "The 'redirect_uri' does not match the redirection URI used in "
                         'the authorization request.')
    return record


def _refresh(store, app, form):
    record = store.refresh_tokens.get(form.get('refresh_token', ''))
    if record is None or record['revoked']:
        raise OAuthError(400, 'invalid_grant', 'The refresh token is invalid or expired.')
    if record['client_id'] != app['client_id']:
        raise OAuthError(400, 'invalid_grant', 'The grant was issued to another client. Ensure that the '
                         '`client_id` matches the one used at the authorize request.')
    requested = form.get('scope', '').split() or record['scopes']
    extra = [s for s in requested if s not in record['scopes']]
    if extra:
        raise OAuthError(400, 'invalid_scope', 'The following scopes are not allowed: %s' % ', '.join(extra))
    return record, requested


def _id_token(store, req, app, user, scopes):
    issued = int(now())
    claims = {'sub': user['id'], 'ver': 1, 'iss': req.org_url, 'aud': app['client_id'], 'iat': issued,
              'exp': issued + ACCESS_TOKEN_LIFETIME, 'jti': 'ID.' + random_token(43), 'amr': ['pwd'],
              'idp': store.org_id, 'auth_time': issued}
    if 'email' in scopes:
        claims['email'] = user['profile']['email']
    if 'profile' in scopes:
        claims['name'] = '%s %s' % (user['profile']['firstName'], user['profile']['lastName'])
        claims['preferred_username'] = user['profile']['login']
    return _sign(store, claims)


@route('POST', '/oauth2/v1/token', auth='none', bucket='token')
def token_endpoint(store, req):
    """Token endpoint of the org authorization server."""
    if req.content_type != 'application/x-www-form-urlencoded':
        raise OAuthError(400, 'invalid_request', 'The request must be sent as application/x-www-form-urlencoded.')
    form = req.form()
    app, assertion_jti = authenticate_client(store, req, form)
    grant_type = form.get('grant_type')
    if not grant_type:
        raise OAuthError(400, 'invalid_request', "The request is missing a required parameter: 'grant_type'.")
    if grant_type not in SUPPORTED_GRANTS:
        raise OAuthError(400, 'unsupported_grant_type', "The grant type in the request isn't supported.")
    configured = app['settings_oauth'].get('grant_types', [])
    if grant_type not in configured:
        raise OAuthError(400, 'unauthorized_client', 'The client is not authorized to use the provided grant type. '
                         'Configured grant types: [%s].' % ', '.join(configured))
    jkt = dpop_jti = None
    if app['settings_oauth'].get('dpop_bound_access_tokens'):
        jkt, dpop_jti = _token_endpoint_dpop(store, req)
    refresh_token = None
    user = None
    if grant_type == 'client_credentials':
        scopes, user_id = _client_credentials(app, form)
    elif grant_type == 'authorization_code':
        record = _authorization_code(store, app, form)
        record['used'] = True
        scopes, user_id = record['scopes'], record['user_id']
        if 'offline_access' in scopes and 'refresh_token' in configured:
            refresh_token = mint_refresh_token(store, app, scopes, user_id)
    else:
        record, scopes = _refresh(store, app, form)
        user_id = record['user_id']
        refresh_token = record['token']
    if assertion_jti:
        _remember(store.used_assertion_jtis, ('assertion', app['client_id'], assertion_jti), ASSERTION_MAX_LIFETIME * 2)
    if dpop_jti:
        _remember(store.used_dpop_jtis, ('dpop', dpop_jti), DPOP_IAT_WINDOW * 2)
    user = store.users.get(user_id) if user_id else None
    body = {
        'token_type': 'DPoP' if jkt else 'Bearer',
        'expires_in': ACCESS_TOKEN_LIFETIME,
        'access_token': issue_access_token(store, req, app, scopes, user_id, jkt),
        'scope': ' '.join(scopes),
    }
    if refresh_token:
        body['refresh_token'] = refresh_token
    if user and 'openid' in scopes:
        body['id_token'] = _id_token(store, req, app, user, scopes)
    headers = [('Cache-Control', 'no-cache, no-store'), ('Pragma', 'no-cache')]
    if jkt:
        headers.append(('DPoP-Nonce', current_dpop_nonce(store)))
    return Response(200, body, headers)


# -- resource-side verification --------------------------------------------------------------
def authenticate_access_token(store, req, scheme, token):
    """Validate an access token sent as ``Bearer`` or ``DPoP``; return (token record, app)."""
    challenge_scheme = 'DPoP' if scheme == 'dpop' else 'Bearer'

    def fail(description, error='invalid_token'):
        header = www_authenticate(req, challenge_scheme, error, description)
        return errors.invalid_token(headers={'WWW-Authenticate': header})

    try:
        claims = jwt.decode(token, store.signing_key.public_key(), algorithms=['RS256'],
                            options={'verify_exp': False, 'verify_aud': False, 'verify_iat': False})
    except jwt.InvalidTokenError as exc:
        raise fail('The access token is invalid.') from exc
    record = store.access_tokens.get(claims.get('jti'))
    app = store.apps.get(record['app_id']) if record else None
    if record is None or app is None or app['status'] != 'ACTIVE':
        raise fail('The access token is invalid.')
    if record['exp'] <= now():
        raise fail('The token has expired.')
    if record.get('jkt'):
        if scheme != 'dpop':
            raise fail('The access token is DPoP-bound; use the DPoP authorization scheme.')
        proof = req.header('DPoP')
        if not proof:
            raise fail('The DPoP proof JWT header is missing.', 'invalid_dpop_proof')
        try:
            thumbprint, claims = verify_dpop_proof(store, req, proof, access_token=token)
        except DPoPProofError as exc:
            raise fail(str(exc), 'invalid_dpop_proof') from exc
        if thumbprint != record['jkt']:
            raise fail("The DPoP proof JWT key doesn't match the access token binding.", 'invalid_dpop_proof')
        _remember(store.used_dpop_jtis, ('dpop', claims['jti']), DPOP_IAT_WINDOW * 2)
    elif scheme != 'bearer':
        raise fail('The access token is not DPoP-bound; use the Bearer authorization scheme.')
    return record, app
