#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_admin_role
short_description: Assign Okta admin roles to an app's OAuth 2.0 client or to a user
version_added: 0.1.0
description:
  - Assigns an admin role to the OAuth 2.0 client of an app integration (C(/oauth2/v1/clients/{clientId}/roles)),
    or removes it. This is what the B(Admin roles) tab of an API service app does in the Admin Console. A service
    app that calls Okta's management API with client credentials needs both Okta API scopes
    (see M(identity.okta.okta_scopes)) and an admin role.
  - With O(principal=user), manages the admin roles of a user instead (C(/api/v1/users/{userId}/roles)), with the
    same semantics; for example to check that the administrator who owns an API token has a role.
  - The role is a standard role type, or V(CUSTOM) with a custom role and a resource set found by ID or label
    through C(/api/v1/iam/roles) and C(/api/v1/iam/resource-sets).
  - Role assignments cannot be modified in Okta. An assignment that is already present is left alone; changing
    a principal's role is an addition of the new role and, with O(exclusive=true), the removal of the others.
author:
  - identity.okta maintainers (@identity-okta)
options:
  principal:
    description:
      - Who receives the role.
      - V(client) is the OAuth 2.0 client of the app given by O(app_id), O(client_id), O(label) or O(app).
      - V(user) is the user given by O(user).
    type: str
    choices: [client, user]
    default: client
  app_id:
    description:
      - ID of the app integration whose OAuth 2.0 client receives the role (V(0oa...)).
      - With O(principal=client), exactly one of O(app_id), O(client_id), O(label) and O(app) is required.
    type: str
  app:
    description:
      - The app integration as M(identity.okta.okta_app_integration) returned it in the same play (its
        RV(identity.okta.okta_app_integration#module:app) result), with at least C(id) and C(client_id).
      - The app is then not read again to find its client. When its C(created) member is V(true) (the app was
        created by that task), it holds no admin role yet, so its role assignments are not listed either, unless
        O(remove_super_admin=true) (granting scopes may have made Okta assign Super Administrator to it).
      - Give only a result of the same run; an app that no longer exists makes the task fail when its roles are
        read or changed.
    type: dict
  client_id:
    description:
      - OAuth 2.0 client ID of the app integration.
    type: str
  label:
    description:
      - Exact label of the app integration. The comparison is case-sensitive; when several apps have this label
        the module fails and lists their ids.
      - The app found must have been created by this collection (see O(adopt)).
    type: str
  adopt:
    description:
      - Apps created by this collection carry a C(managedBy) marker in their C(profile). An app found by O(label)
        without that marker was not created by the collection, and the task fails instead of changing the admin
        roles of its client, the same rule as M(identity.okta.okta_app_integration).
      - V(true) changes the roles of such an app's client all the same (without marking it).
      - An app given by O(app_id), O(client_id) or O(app) is an explicit choice and is managed without the marker.
    type: bool
    default: false
  user:
    description:
      - Login (for example V(admin@example.com)) or ID of the user, with O(principal=user).
      - V(me) is the administrator who owns the API token (O(api_token) only).
      - The Super Administrator role of the management credentials' own principal (V(me), the token owner by login
        or ID, or the management app's client) is never removed, not even with O(exclusive=true). Asked for with
        O(state=absent) the task fails, and O(exclusive=true) keeps it with a warning.
    type: str
  role:
    description:
      - The admin role type, from Okta's C(RoleType) list.
      - >-
        Standard roles: V(ACCESS_CERTIFICATIONS_ADMIN), V(ACCESS_REQUESTS_ADMIN), V(API_ACCESS_MANAGEMENT_ADMIN),
        V(APP_ADMIN), V(GROUP_MEMBERSHIP_ADMIN), V(HELP_DESK_ADMIN), V(ORG_ADMIN), V(READ_ONLY_ADMIN),
        V(REPORT_ADMIN), V(SUPER_ADMIN), V(USER_ADMIN), V(WORKFLOWS_ADMIN).
      - V(CUSTOM) for a custom role, with O(custom_role) and O(resource_set).
    type: str
    default: READ_ONLY_ADMIN
  custom_role:
    description:
      - ID (V(cr0...)) or exact label of the custom role, with O(role=CUSTOM).
    type: str
  resource_set:
    description:
      - ID (V(iam...)) or exact label of the resource set the custom role applies to, with O(role=CUSTOM).
    type: str
  state:
    description:
      - V(present) assigns the role when the principal does not have it.
      - V(absent) removes the assignment of the role when there is one.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every other role assignment of the principal.
      - The new role is assigned before the others are removed, so the principal is never left without a role.
      - Roles a user or client receives through a group (C(assignment_type=GROUP)) are not its own assignments;
        they are never removed. The module warns when the principal holds such roles and lists them in
        RV(inherited).
      - Not allowed with O(state=absent).
    type: bool
    default: false
  remove_super_admin:
    description:
      - With O(state=present) and another O(role) than V(SUPER_ADMIN), also remove a Super Administrator role
        assigned to the principal itself (the one Okta assigns on its own to an API Services app when Okta API
        scopes are granted to it while the org setting C(clientPrivilegesSetting) is on). Reported in
        RV(actions) and RV(removed) as C(remove SUPER_ADMIN).
      - A Super Administrator role received through a group is never removed.
      - Not allowed with O(role=SUPER_ADMIN) (a role asked for is never removed), with O(state=absent) or with
        O(keep_super_admin).
    type: bool
    default: false
  keep_super_admin:
    description:
      - With O(exclusive=true), keep a Super Administrator role assigned to the principal instead of removing it
        with the other roles.
    type: bool
    default: false
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
    details: Reads the current assignments and reports the changes a real run would make, without sending any write request.
  diff_mode:
    support: full
    details: The diff shows the role assignments of the principal before and after.
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - identity.okta.okta
notes:
  - With OAuth 2.0 management credentials the default O(auth_scopes) are V(okta.roles.read), V(okta.roles.manage),
    V(okta.apps.read) and V(okta.users.read).
  - Management credential - assigning and removing admin roles needs the Super Administrator role (for an API token,
    on its administrator; for a management app, on the app); reading them needs Super Administrator, Organization
    Administrator or Read-only Administrator. A role held through a group counts.
  - When Okta refuses an operation for lack of permission (HTTP 403, C(E0000006)), the error names the missing
    Okta API scope or admin role.
  - For a user, roles received through a group are listed in RV(roles) (with RV(roles[].assignment_type=GROUP)) but
    are not managed. O(state=present) still assigns the role directly to the user, and O(state=absent) does not
    remove them (a warning says so).
seealso:
  - module: identity.okta.okta_scopes
  - module: identity.okta.okta_app_integration
  - name: Standard administrator roles
    description: What each standard admin role allows.
    link: https://help.okta.com/okta_help.htm?type=oie&id=ext-administrators-admin-comparison
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

- name: Give the app's client the Read-Only Administrator role (the default role)
  identity.okta.okta_admin_role:
    app_id: "{{ service_app.app.id }}"
  register: ro

- name: Show the role assignments of the client
  ansible.builtin.debug:
    msg: "{{ ro.roles | map(attribute='type') | list }}"

- name: Replace every role of the client by Report Administrator (found by label)
  identity.okta.okta_admin_role:
    label: Example reporting service
    role: REPORT_ADMIN
    exclusive: true

- name: Remove the Report Administrator role
  identity.okta.okta_admin_role:
    app_id: "{{ service_app.app.id }}"
    role: REPORT_ADMIN
    state: absent

- name: Check, without changing anything, that the API token's administrator is a super administrator
  identity.okta.okta_admin_role:
    principal: user
    user: me
    role: SUPER_ADMIN
  check_mode: true
  register: token_admin

- name: Fail when the API token's administrator would need the role
  ansible.builtin.assert:
    that: not token_admin.changed
    fail_msg: "{{ token_admin.principal.name }} is not a super administrator"

# This one needs a custom role and a resource set that already exist in the org.
- name: Assign a custom role over a resource set (needs seeded custom role)
  identity.okta.okta_admin_role:
    app_id: "{{ service_app.app.id }}"
    role: CUSTOM
    custom_role: Connector log reader
    resource_set: All users and logs
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
    - The changes, in order (C(assign <role>), C(remove <role>)); in check mode, the changes a real run would make.
    - After a failure, the changes that were planned; the message says which of them were made.
  returned: always
  type: list
  elements: str
  sample: ["assign READ_ONLY_ADMIN"]
changed:
  description: Whether a role was assigned or removed (or would be, in check mode).
  returned: always
  type: bool
roles:
  description:
    - Every role assignment of the principal after the run (in check mode, as it would be).
    - A role that check mode would assign has no RV(roles[].id) yet.
  returned: success, and on failure once the principal is known
  type: list
  elements: dict
  contains:
    id:
      description: ID of the role assignment (for a custom role, the binding member ID).
      type: str
      sample: irb4ey26fpFI3vQ8y0g7
    type:
      description: Role type, for example V(READ_ONLY_ADMIN) or V(CUSTOM).
      type: str
      sample: READ_ONLY_ADMIN
    label:
      description: Label of the role.
      type: str
      sample: Read-only Administrator
    status:
      description: Status of the assignment, usually V(ACTIVE).
      type: str
      sample: ACTIVE
    assignment_type:
      description: How the principal holds the role, V(CLIENT), V(USER) or V(GROUP).
      type: str
      sample: CLIENT
    role:
      description: Custom role ID, for V(CUSTOM) (and IAM-based standard) roles; otherwise null.
      type: str
      sample: cr04cxy6yzSCtNciD0g7
    resource_set:
      description: Resource set ID, for V(CUSTOM) (and IAM-based standard) roles; otherwise null.
      type: str
      sample: iam4cxy6z7hhaZCSk0g7
added:
  description: The role assignments this run made (or would make, in check mode), in the form of RV(roles).
  returned: success, and on failure once the principal is known
  type: list
  elements: dict
inherited:
  description:
    - The roles the principal holds through a group (C(assignment_type=GROUP)), in the form of RV(roles). The
      module never removes them; a warning names them.
  returned: success, and on failure once the principal is known
  type: list
  elements: dict
removed:
  description: The role assignments this run removed (or would remove, in check mode), in the form of RV(roles).
  returned: success, and on failure once the principal is known
  type: list
  elements: dict
principal:
  description: Who the roles belong to.
  returned: success, and on failure once the principal is known
  type: dict
  contains:
    type:
      description: V(client) or V(user).
      type: str
      sample: client
    id:
      description: The OAuth 2.0 client ID, or the user ID.
      type: str
      sample: 0oa1b2c3d4e5f6g7h8i9
    name:
      description: The app label, or the user's login.
      type: str
      sample: Example reporting service
okta_error:
  description: Details of the error Okta returned (status, error code, summary, causes, error ID, and for a
    permission error the required scope and admin roles).
  returned: failure caused by an Okta API error
  type: dict
"""

from ansible_collections.identity.okta.plugins.module_utils._okta_engine_admin_role import AdminRoleEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, secret_given


def main():
    module = OktaModule(argument_spec=dict(
        required_caller_roles=dict(type="list", elements="str", default=[]),
        principal=dict(type="str", choices=["client", "user"], default="client"),
        app_id=dict(type="str"),
        client_id=dict(type="str"),
        label=dict(type="str"),
        adopt=dict(type="bool", default=False),
        app=dict(type="dict", no_log=secret_given("app")),
        user=dict(type="str"),
        role=dict(type="str", default="READ_ONLY_ADMIN"),
        custom_role=dict(type="str"),
        resource_set=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        exclusive=dict(type="bool", default=False),
        remove_super_admin=dict(type="bool", default=False),
        keep_super_admin=dict(type="bool", default=False),
    ))
    module.run(AdminRoleEngine)


if __name__ == "__main__":
    main()
