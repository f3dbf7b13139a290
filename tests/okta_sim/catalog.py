"""Static catalogues: Okta API scopes, standard admin roles and what each role may do."""

# Okta API scopes of the org authorization server that an app can be granted
# (``POST /api/v1/apps/{appId}/grants``).  Names follow the ``oauth2`` security
# scheme of Okta's management API description.
OKTA_SCOPES = (
    'okta.agentPools.manage', 'okta.agentPools.read',
    'okta.apiTokens.manage', 'okta.apiTokens.read',
    'okta.appGrants.manage', 'okta.appGrants.read',
    'okta.apps.manage', 'okta.apps.read',
    'okta.authenticators.manage', 'okta.authenticators.read',
    'okta.authorizationServers.manage', 'okta.authorizationServers.read',
    'okta.behaviors.manage', 'okta.behaviors.read',
    'okta.brands.manage', 'okta.brands.read',
    'okta.captchas.manage', 'okta.captchas.read',
    'okta.deviceAssurance.manage', 'okta.deviceAssurance.read',
    'okta.devices.manage', 'okta.devices.read',
    'okta.domains.manage', 'okta.domains.read',
    'okta.emailDomains.manage', 'okta.emailDomains.read',
    'okta.eventHooks.manage', 'okta.eventHooks.read',
    'okta.factors.manage', 'okta.factors.read',
    'okta.features.manage', 'okta.features.read',
    'okta.groups.manage', 'okta.groups.read',
    'okta.identitySources.manage', 'okta.identitySources.read',
    'okta.idps.manage', 'okta.idps.read',
    'okta.inlineHooks.manage', 'okta.inlineHooks.read',
    'okta.linkedObjects.manage', 'okta.linkedObjects.read',
    'okta.logStreams.manage', 'okta.logStreams.read',
    'okta.logs.read',
    'okta.networkZones.manage', 'okta.networkZones.read',
    'okta.oauthIntegrations.manage', 'okta.oauthIntegrations.read',
    'okta.orgs.manage', 'okta.orgs.read',
    'okta.policies.manage', 'okta.policies.read',
    'okta.principalRateLimits.manage', 'okta.principalRateLimits.read',
    'okta.profileMappings.manage', 'okta.profileMappings.read',
    'okta.rateLimits.manage', 'okta.rateLimits.read',
    'okta.realms.manage', 'okta.realms.read',
    'okta.reports.read',
    'okta.roles.manage', 'okta.roles.read',
    'okta.schemas.manage', 'okta.schemas.read',
    'okta.sessions.manage', 'okta.sessions.read',
    'okta.templates.manage', 'okta.templates.read',
    'okta.threatInsights.manage', 'okta.threatInsights.read',
    'okta.trustedOrigins.manage', 'okta.trustedOrigins.read',
    'okta.uischemas.manage', 'okta.uischemas.read',
    'okta.userTypes.manage', 'okta.userTypes.read',
    'okta.users.manage', 'okta.users.manage.self', 'okta.users.read', 'okta.users.read.self',
)

# OpenID Connect scopes any client may request in a user flow.
OIDC_SCOPES = ('openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups')

# Standard admin role types accepted by the role assignment operations
# (``StandardRoleAssignmentSchema`` of the management API description).
STANDARD_ROLE_LABELS = {
    'SUPER_ADMIN': 'Super Administrator',
    'ORG_ADMIN': 'Organization Administrator',
    'APP_ADMIN': 'Application Administrator',
    'USER_ADMIN': 'Group Administrator',
    'HELP_DESK_ADMIN': 'Help Desk Administrator',
    'READ_ONLY_ADMIN': 'Read-only Administrator',
    'API_ACCESS_MANAGEMENT_ADMIN': 'API Access Management Administrator',
    'REPORT_ADMIN': 'Report Administrator',
    'GROUP_MEMBERSHIP_ADMIN': 'Group Membership Administrator',
    'WORKFLOWS_ADMIN': 'Workflows Administrator',
    'ACCESS_CERTIFICATIONS_ADMIN': 'Access Certifications Administrator',
    'ACCESS_REQUESTS_ADMIN': 'Access Requests Administrator',
}

# Resource categories used for admin-role checks.  Every routed operation names
# one category and whether it reads or writes.
CATEGORIES = ('apps', 'appGrants', 'users', 'groups', 'roles', 'logs', 'schemas', 'apiTokens')

_ALL_READ = {cat: 'read' for cat in CATEGORIES}
_ALL_MANAGE = {cat: 'manage' for cat in CATEGORIES}

# What each standard role allows, per category: 'read' or 'manage' (manage implies read).
ROLE_PERMISSIONS = {
    'SUPER_ADMIN': _ALL_MANAGE,
    'ORG_ADMIN': dict(_ALL_MANAGE, roles='read', apiTokens='read'),
    'APP_ADMIN': {'apps': 'manage', 'appGrants': 'manage', 'users': 'read', 'groups': 'read'},
    'API_ACCESS_MANAGEMENT_ADMIN': {'apps': 'manage', 'appGrants': 'manage'},
    'USER_ADMIN': {'users': 'manage', 'groups': 'manage'},
    'GROUP_MEMBERSHIP_ADMIN': {'users': 'read', 'groups': 'manage'},
    'HELP_DESK_ADMIN': {'users': 'read', 'groups': 'read'},
    'READ_ONLY_ADMIN': _ALL_READ,
    'REPORT_ADMIN': {'logs': 'read'},
    'WORKFLOWS_ADMIN': {},
    'ACCESS_CERTIFICATIONS_ADMIN': {},
    'ACCESS_REQUESTS_ADMIN': {},
}

# Custom role permissions (``/api/v1/iam/roles``) that grant access to a category.
CUSTOM_PERMISSION_PREFIX = {
    'apps': 'okta.apps',
    'appGrants': 'okta.apps',
    'users': 'okta.users',
    'groups': 'okta.groups',
}


def role_allows(role_type, permissions, category, access):
    """Whether a role (standard type, or CUSTOM with its permission list) allows ``access`` to ``category``.

    Granting and revoking Okta API scopes is reserved to super administrators, whatever else a role may do
    with apps (Okta's "Implement OAuth for Okta" guide).
    """
    if category == 'appGrants' and access == 'manage':
        return role_type == 'SUPER_ADMIN'
    if category == 'orgSettings':
        return role_type == 'SUPER_ADMIN' or (access == 'read' and role_type in ('ORG_ADMIN', 'READ_ONLY_ADMIN'))
    if role_type == 'CUSTOM':
        prefix = CUSTOM_PERMISSION_PREFIX.get(category)
        if prefix is None:
            return False
        if access == 'read':
            return any(p.startswith(prefix + '.') for p in permissions)
        return any(p.startswith(prefix + '.') and not p.endswith('.read') for p in permissions)
    level = ROLE_PERMISSIONS.get(role_type, {}).get(category)
    if level is None:
        return False
    return access == 'read' or level == 'manage'
