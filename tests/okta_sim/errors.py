"""Errors in Okta's format, raised by handlers and turned into responses by the server."""

from .util import new_id


class ApiError(Exception):
    """An Okta management API error (``errorCode``, ``errorSummary``, ...)."""

    def __init__(self, status, code, summary, causes=None, headers=None, empty=False):
        super().__init__(summary)
        self.status = status
        self.code = code
        self.summary = summary
        self.causes = causes or []
        self.headers = headers or {}
        # Some answers carry everything in headers (403 insufficient_scope has an empty body).
        self.empty = empty

    def body(self):
        """The JSON body Okta sends for this error (None for an empty body)."""
        if self.empty:
            return None
        return {
            'errorCode': self.code,
            'errorSummary': self.summary,
            'errorLink': self.code,
            'errorId': new_id('oae', 25),
            'errorCauses': [{'errorSummary': cause} for cause in self.causes],
        }


class OAuthError(Exception):
    """An OAuth 2.0 error of the token endpoint (``error``, ``error_description``)."""

    def __init__(self, status, error, description, headers=None):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}

    def body(self):
        """The JSON body of the OAuth error."""
        return {'error': self.error, 'error_description': self.description}


def validation(field, *causes):
    """400 E0000001 ``Api validation failed: <field>``."""
    return ApiError(400, 'E0000001', 'Api validation failed: %s' % field, list(causes))


def not_found(what=None):
    """404 E0000007."""
    summary = 'Not found: Resource not found: %s' % what if what else 'Not found: Resource not found'
    return ApiError(404, 'E0000007', summary)


def forbidden(headers=None):
    """403 E0000006."""
    return ApiError(403, 'E0000006', 'You do not have permission to perform the requested action', headers=headers)


def invalid_token(headers=None):
    """401 E0000011."""
    return ApiError(401, 'E0000011', 'Invalid token provided', headers=headers)


def insufficient_scope(headers, empty=True):
    """403 for an access token without the operation's scope: empty body, details in WWW-Authenticate (with
    ``empty=False``, the assumed other answer: an Okta error body as well)."""
    return ApiError(403, 'E0000006', 'insufficient_scope' if empty else
                    'You do not have permission to perform the requested action', headers=headers, empty=empty)


def invalid_paging():
    """400 E0000029: an ``after`` cursor that names nothing."""
    return ApiError(400, 'E0000029', 'Invalid paging request.', ['Invalid cursor.'])


def rate_limited(headers=None):
    """429 E0000047."""
    return ApiError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', headers=headers)


def bad_request_body():
    """400 E0000003: the body could not be parsed."""
    return ApiError(400, 'E0000003', 'The request body was not well-formed.')


def method_not_allowed():
    """405 E0000022."""
    return ApiError(405, 'E0000022', 'The endpoint does not support the provided HTTP method')
