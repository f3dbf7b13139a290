#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_scopes
short_description: Grant Okta API scopes to an app integration
version_added: 0.1.0
description:
  - Grants Okta API scopes (for example V(okta.logs.read)) to an OAuth 2.0 app integration, or revokes them,
    through the app's scope consent grants (C(/api/v1/apps/{appId}/grants)). This is what the B(Okta API Scopes)
    tab of an app does in the Admin Console.
  - The app is found by O(app_id), O(client_id) or its exact O(label), or given by O(app) as an earlier task
    returned it.
  - Scope names are not checked against a fixed list, since Okta adds scopes over time; Okta itself rejects an
    unknown scope, and its error text is reported.
  - The OpenID Connect scopes V(openid), V(profile), V(email), V(address), V(phone), V(offline_access) and
    V(groups) are never granted through this API (a client may request them without a grant). Listing them is
    accepted; they are reported in RV(implicit) and not sent to Okta.
author:
  - identity.okta maintainers (@identity-okta)
options:
  app_id:
    description:
      - ID of the app integration (V(0oa...)).
      - Exactly one of O(app_id), O(client_id), O(label) and O(app) is required.
    type: str
  app:
    description:
      - The app integration as M(identity.okta.okta_app_integration) returned it in the same play (its
        RV(identity.okta.okta_app_integration#module:app) result), with at least C(id) and C(client_id).
      - The app is then not read again. When its C(created) member is V(true) (the app was created by that
        task), it has no grant yet, so the grants are not listed either.
      - Give only a result of the same run; an app that no longer exists makes the task fail when its grants are
        read or changed.
    type: dict
  client_id:
    description:
      - OAuth 2.0 client ID of the app integration.
    type: str
  label:
    description:
      - Exact label (display name) of the app integration. The comparison is case-sensitive.
      - Okta does not require labels to be unique; when several apps have this label the module fails and lists
        their ids, so that O(app_id) can be given instead.
      - The app found must have been created by this collection (see O(adopt)).
    type: str
  adopt:
    description:
      - Apps created by this collection carry a C(managedBy) marker in their C(profile). An app found by O(label)
        without that marker was not created by the collection, and the task fails instead of changing its grants,
        the same rule as M(identity.okta.okta_app_integration).
      - V(true) changes the grants of such an app all the same (without marking it).
      - An app given by O(app_id), O(client_id) or O(app) is an explicit choice and is managed without the marker.
    type: bool
    default: false
  scopes:
    description:
      - Okta API scopes to grant (O(state=present)) or revoke (O(state=absent)).
      - An item may hold several scopes separated by spaces or commas. Duplicates are ignored.
      - An empty list with O(state=present) and O(exclusive=true) revokes every granted scope.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) grants the scopes that are not granted yet.
      - V(absent) revokes the listed scopes that are granted.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also revoke every granted scope that is not in O(scopes).
      - Not allowed with O(state=absent).
    type: bool
    default: false
  allow_unknown_scopes:
    description:
      - Grant or revoke an Okta API scope that this collection does not know, such as one Okta added after its
        release. The name must still have the form C(okta.<resource>.<action>).
      - By default a scope name that is not in Okta's list of API scopes is refused before any request, with the
        nearest known name suggested (a typo such as C(okta.logs.reed) makes no change).
    type: bool
    default: false
  issuer:
    description:
      - Issuer of the grants, the org authorization server.
      - Defaults to the org URL of O(okta_domain), for example V(https://acme.okta.com). Give it when the org
        authorization server uses a custom domain.
      - Existing grants are compared by scope name only, whatever their issuer.
    type: str
extends_documentation_fragment:
  - identity.okta.okta
  - identity.okta.okta.caller_roles
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the current grants and reports the changes a real run would make, without sending any write request.
  diff_mode:
    support: full
    details: The diff shows the sorted list of granted scopes before and after.
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - identity.okta.okta
notes:
  - With OAuth 2.0 management credentials the default O(auth_scopes) are V(okta.apps.read), V(okta.appGrants.read)
    and V(okta.appGrants.manage), the scopes that Okta's API description requires for these operations.
  - Management credential - granting and revoking Okta API scopes needs the Super Administrator role (Okta refuses
    Organization and Application Administrators), on the administrator who owns O(api_token), or assigned to the
    management app of O(auth_client_id). Reading the grants (a run with nothing to change) needs a role that can
    view apps, such as Read-only Administrator. O(required_caller_roles=[SUPER_ADMIN]) checks the role before the
    first change.
  - >-
    Changes are applied one scope at a time: first the grants, then the revocations. If Okta rejects one (for
    example an unknown scope), the module stops before any further write and fails; the result then lists in
    RV(added) and RV(removed) what this run had already changed (those changes are kept, not rolled back), in
    RV(failed_scope) the scope that was rejected, and in RV(granted) the scopes granted at that moment. Running
    the task again after fixing the list continues from there. Since grants are applied before revocations, a
    rejected scope never leaves the app with scopes revoked by O(exclusive).
seealso:
  - module: identity.okta.okta_app_integration
  - module: identity.okta.okta_admin_role
  - name: Okta API scopes
    description: The list of Okta API scopes and what they allow.
    link: https://developer.okta.com/docs/api/oauth2/
"""

EXAMPLES = r"""
# The connection options come from the OKTA_DOMAIN and OKTA_API_TOKEN (or OKTA_API_CLIENT_ID and
# OKTA_API_PRIVATE_KEY) environment variables here.
- name: Create the key pair of an API service app
  identity.okta.okta_key_pair:
    path: /tmp/okta-example-reporting-service.pem
  delegate_to: localhost
  register: service_key

- name: Create the API service app to work on
  identity.okta.okta_app_integration:
    label: Example reporting service
    application_type: service
    public_keys:
      - "{{ service_key.public_jwk }}"
  register: service_app

- name: Grant the scopes a log reader needs
  identity.okta.okta_scopes:
    app_id: "{{ service_app.app.id }}"
    scopes:
      - okta.logs.read
      - okta.schemas.read
  register: grants

- name: Show what is granted
  ansible.builtin.debug:
    msg: "Granted: {{ grants.granted | join(', ') }}; added now: {{ grants.added | join(', ') }}"

- name: Make these exactly the granted scopes, revoking any other (found by label)
  identity.okta.okta_scopes:
    label: Example reporting service
    scopes: okta.logs.read okta.schemas.read okta.users.read
    exclusive: true

- name: Revoke a scope
  identity.okta.okta_scopes:
    app_id: "{{ service_app.app.id }}"
    scopes:
      - okta.users.read
    state: absent

- name: OpenID Connect scopes are accepted and reported as implicit, never sent
  identity.okta.okta_scopes:
    app_id: "{{ service_app.app.id }}"
    scopes:
      - openid
      - offline_access
      - okta.logs.read
  register: with_oidc

- name: Revoke every Okta API scope of the app
  identity.okta.okta_scopes:
    app_id: "{{ service_app.app.id }}"
    scopes: []
    exclusive: true
"""

RETURN = r"""
caller:
  description:
    - The principal of the management credentials and the admin role types it holds (C(inherited) those it holds
      through a group), when O(required_caller_roles) was checked (only when the run was to change something).
  returned: when O(required_caller_roles) was checked
  type: dict
  sample: {"type": "user", "id": "00u1a2b3c4d5e6f7g8h9", "name": "admin@example.com", "roles": ["SUPER_ADMIN"],
           "inherited": []}
actions:
  description:
    - The changes, in order (C(grant <scope>), C(revoke <scope>)); in check mode, the changes a real run would make.
    - After a failure, the changes that were planned; the message says which of them were made.
  returned: always
  type: list
  elements: str
  sample: ["grant okta.schemas.read", "revoke okta.users.manage"]
changed:
  description: Whether a scope was granted or revoked (or would be, in check mode).
  returned: always
  type: bool
granted:
  description:
    - The Okta API scopes granted to the app after the run, sorted.
    - In check mode, the scopes that would be granted. After a failure, the scopes granted at that moment.
  returned: success, and on failure once the app is known
  type: list
  elements: str
  sample: [okta.logs.read, okta.schemas.read]
added:
  description: Scopes this run granted (or would grant, in check mode), sorted.
  returned: success, and on failure once the app is known
  type: list
  elements: str
  sample: [okta.schemas.read]
removed:
  description: Scopes this run revoked (or would revoke, in check mode), sorted.
  returned: success, and on failure once the app is known
  type: list
  elements: str
  sample: [okta.users.manage]
implicit:
  description: OpenID Connect scopes listed in O(scopes) that need no grant and were not sent to Okta, sorted.
  returned: always
  type: list
  elements: str
  sample: [offline_access, openid]
failed_scope:
  description: The scope whose grant or revocation Okta rejected. The run stopped there.
  returned: failure while applying changes
  type: str
  sample: okta.nosuch.read
app:
  description: The app integration the scopes belong to.
  returned: success, and on failure once the app is known
  type: dict
  contains:
    id:
      description: App ID.
      type: str
      sample: 0oa1b2c3d4e5f6g7h8i9
    label:
      description: App label.
      type: str
      sample: Example reporting service
    client_id:
      description: OAuth 2.0 client ID of the app.
      type: str
      sample: 0oa1b2c3d4e5f6g7h8i9
okta_error:
  description: Details of the error Okta returned (status, error code, summary, causes, error ID).
  returned: failure caused by an Okta API error
  type: dict
"""

from ansible_collections.identity.okta.plugins.module_utils._okta_engine_scopes import ScopesEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, secret_given


def main():
    module = OktaModule(
        argument_spec=dict(
            required_caller_roles=dict(type="list", elements="str", default=[]),
            app_id=dict(type="str"),
            client_id=dict(type="str"),
            label=dict(type="str"),
            adopt=dict(type="bool", default=False),
            app=dict(type="dict", no_log=secret_given("app")),
            scopes=dict(type="list", elements="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            exclusive=dict(type="bool", default=False),
            issuer=dict(type="str"),
            allow_unknown_scopes=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("app_id", "client_id", "label", "app")],
        required_one_of=[("app_id", "client_id", "label", "app")],
    )
    module.run(ScopesEngine)


if __name__ == "__main__":
    main()
