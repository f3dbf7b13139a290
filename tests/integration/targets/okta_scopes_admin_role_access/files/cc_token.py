#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request a client credentials token for an app and read the System Log and the user schema with it.

Uses the collection's own client (plugins/module_utils/_okta_transport.py, imported from this checkout, so no
collection path is needed). Prints one JSON object and never the token itself:

    {"token": "issued" | "refused", "oauth_error": ..., "error": ..., "scopes": [...],
     "reads": {"logs": 200, "user_schema": 403, ...}}

Usage: cc_token.py --domain=D --client-id=C --key=PEM_PATH --kid=KID [--ca=CA] --scopes='S1 S2 ...'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', '..'))
READS = {'logs': '/api/v1/logs?limit=1', 'user_schema': '/api/v1/meta/schemas/user/default'}


def load_client_module():
    """The collection's client, errors and key helpers, imported as identity.okta from this checkout."""
    for root in (os.path.join(ROOT, 'collections'), os.path.dirname(os.path.dirname(os.path.dirname(ROOT)))):
        if os.path.isdir(os.path.join(root, 'ansible_collections', 'identity', 'okta')) and root not in sys.path:
            sys.path.insert(0, root)
    # pylint: disable=import-outside-toplevel
    from ansible_collections.identity.okta.plugins.module_utils import _okta_credentials, _okta_errors, _okta_transport
    return types.SimpleNamespace(OktaClient=_okta_transport.OktaClient, load_private_key=_okta_credentials.load_private_key,
                                 OktaApiError=_okta_errors.OktaApiError, scrub=_okta_errors.scrub)


def main():
    """Entry point."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--domain', required=True)
    parser.add_argument('--client-id', required=True)
    parser.add_argument('--key', required=True)
    parser.add_argument('--kid')
    parser.add_argument('--ca')
    parser.add_argument('--scopes', nargs='+', required=True)
    args = parser.parse_args()

    oc = load_client_module()
    client = oc.OktaClient(args.domain, ca_path=args.ca or None, retries=1)
    key = oc.load_private_key(args.key)
    scopes = ' '.join(args.scopes).split()
    result = {'scopes': scopes, 'reads': {}}
    try:
        body = client.client_credentials_token(args.client_id, key, args.kid, scopes)
    except oc.OktaApiError as exc:
        result.update(token='refused', status=exc.status, oauth_error=exc.oauth_error, error=str(exc))
        print(json.dumps(result))
        return 0
    token = body.get('access_token')
    result.update(token='issued', token_type=body.get('token_type'), granted_scopes=sorted((body.get('scope') or '').split()))
    headers = {'Authorization': '%s %s' % (body.get('token_type') or 'Bearer', token)}
    for name, path in READS.items():
        try:
            response = client.request('GET', path, headers=headers, auth=False)
            result['reads'][name] = response.status
        except oc.OktaApiError as exc:
            result['reads'][name] = exc.status
            result.setdefault('read_errors', {})[name] = oc.scrub(str(exc), [token])
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
