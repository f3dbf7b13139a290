# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``okta_app_integration``: plan and apply the changes to an OIDC web or service app.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import scopes_for
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    jwk_thumbprint,
    key_thumbprint,
    public_jwk,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError, OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import (
    MAX_APP_KEYS,
    check_client_id,
    check_group_name,
    check_key_count,
    check_label,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import (
    activate_jwk,
    add_jwk,
    create_secret,
    deactivate_jwk,
    deactivate_secret,
    delete_jwk,
    delete_secret,
    list_jwks,
    list_secrets,
    secret_summary,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import (
    APPLICATION_TYPES,
    SECRET_AUTH_METHODS,
    TYPE_DEFAULTS,
    VIEW_FIELDS,
    activate_app,
    app_view,
    build_create_body,
    build_replace_body,
    check_redirect_uri,
    create_app,
    deactivate_app,
    delete_app,
    derived_response_types,
    differing_fields,
    MARKER_KEY,
    check_ownership,
    app_client_id,
    describe_app,
    find_app,
    find_own_apps,
    get_app,
    is_ours,
    replace_app,
    ROTATION_KEY,
    profile_with_rotation,
    rotation_record,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_assignments import (
    assign_group,
    find_everyone_group,
    list_assigned_group_ids,
    resolve_groups,
    unassign_group,
)

PLACEHOLDER_ID = "check_mode_placeholder"
_EDITABLE_FIELDS = ("grant_types", "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method",
                    "pkce_required", "consent_method")


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------

def parse_public_keys(values):
    """Public JWKs of the ``public_keys`` option, de-duplicated by key material.

    Raises OktaInputError on a malformed or too small key, or on one kid used for two different keys.
    """
    if values is None:
        return None
    result, seen, kids = [], set(), {}
    for index, value in enumerate(values):
        where = "public_keys[%d]" % index
        if not isinstance(value, (str, dict)):
            raise OktaInputError("%s: expected PEM text, a file path or a JWK dictionary, got %s." % (where, type(value).__name__))
        jwk = public_jwk(value, where=where)
        thumbprint = jwk_thumbprint(jwk)
        if thumbprint in seen:
            continue
        if jwk["kid"] in kids:
            raise OktaInputError("%s: kid '%s' is also used by %s for a different key; give each key its own kid."
                                 % (where, jwk["kid"], kids[jwk["kid"]]), "public_keys")
        seen.add(thumbprint)
        kids[jwk["kid"]] = where
        result.append(jwk)
    check_key_count(len(result), "public_keys")
    return result


def check_uris(params):
    for option in ("redirect_uris", "post_logout_redirect_uris"):
        for value in params.get(option) or []:
            check_redirect_uri(value, option)


def response_types_for(grant_types, current):
    """Response types for the grant types: the current ones that the grants still allow, plus the ones they need."""
    allowed = {"code": "authorization_code" in grant_types,
               "token": "implicit" in grant_types or "client_credentials" in grant_types,
               "id_token": "implicit" in grant_types}
    result = [rt for rt in current or [] if allowed.get(rt, True)]
    for rt in derived_response_types(grant_types):
        if rt not in result:
            result.append(rt)
    return result


def desired_fields(params, current, by_label):
    """The app fields this task manages, with their wanted values (a partial view).

    ``current`` is the view of the existing app, or None when the app is to be created.
    """
    creating = current is None
    app_type = params["application_type"] or (current or {}).get("application_type")
    fields = {}
    if params["label"] is not None and not by_label:
        fields["label"] = params["label"]
    elif creating:
        fields["label"] = params["label"]
    if creating:
        fields["application_type"] = app_type
    defaults = TYPE_DEFAULTS.get(app_type, {})
    for name in _EDITABLE_FIELDS:
        if params[name] is not None:
            fields[name] = list(params[name]) if isinstance(params[name], list) else params[name]
        elif creating and name in defaults:
            fields[name] = copy.deepcopy(defaults[name])
    fields["dpop_bound_access_tokens"] = bool(params["dpop_bound_access_tokens"])
    if not creating and app_type == "service" and "grant_types" in fields:
        # Okta also accepts the implicit grant on a service app (with redirect URIs): an existing app keeps the
        # grants and response types it has besides the ones asked for, so adopting such an app changes only what
        # the connection needs.
        added = [g for g in fields.pop("grant_types") if g not in current["grant_types"]]
        if added:
            fields["grant_types"] = list(current["grant_types"]) + added
            fields["response_types"] = list(current["response_types"]) + [
                rt for rt in derived_response_types(added) if rt not in current["response_types"]]
    elif "grant_types" in fields:
        fields["response_types"] = response_types_for(fields["grant_types"], None if creating else current["response_types"])
    return fields


def planned_create_view(fields, params):
    """The view Okta will show for the app this task creates."""
    view = dict((name, None) for name in VIEW_FIELDS)
    view.update(
        id=PLACEHOLDER_ID,
        status=params["status"] or "ACTIVE",
        client_id=params["client_id"] or PLACEHOLDER_ID,
        redirect_uris=[],
        post_logout_redirect_uris=[],
        pkce_required=False,
        consent_method="TRUSTED",
    )
    view.update(copy.deepcopy(fields))
    return view


def check_target(view, params, keys_after, rotating, jwks_uri=False):
    """Check the app as it would be after the run; raise InputError on a combination Okta would reject.

    ``jwks_uri`` tells that the app publishes its keys at a URL (then it needs no key of its own).
    """
    app_type = view.get("application_type")
    grant_types = view.get("grant_types") or []
    if app_type == "service":
        if params["redirect_uris"]:
            raise OktaInputError("redirect_uris: a service (API Services) app has no sign-in redirect; remove redirect_uris.")
        asked = params["grant_types"]
        if asked is not None and sorted(set(asked)) != ["client_credentials"]:
            raise OktaInputError(
                "grant_types: a service (API Services) app supports only client_credentials, got %s. Remove the "
                "other grant types, or use application_type=web." % ", ".join(asked or ["none"]),
                "grant_types")
        if "client_credentials" not in grant_types:
            raise OktaInputError(
                "grant_types: the service (API Services) app '%s' does not have the client_credentials grant (it has "
                "%s); give grant_types: [client_credentials]." % (view.get("label"), ", ".join(grant_types or ["none"])),
                "grant_types")
    elif app_type == "web":
        if "authorization_code" not in grant_types:
            raise OktaInputError(
                "grant_types: a web app needs the authorization_code grant (got %s); add it, or use "
                "application_type=service for client credentials only." % ", ".join(grant_types or ["none"]))
        if not view.get("redirect_uris"):
            raise OktaInputError(
                "redirect_uris: a web app with the authorization_code grant needs at least one sign-in redirect "
                "URI (for example https://www.workato.com/oauth/callback).")
    method = view.get("token_endpoint_auth_method")
    if method == "private_key_jwt":
        if not jwks_uri and not [key for key in keys_after if key.get("status") == "ACTIVE"]:
            raise OktaInputError(
                "public_keys: token_endpoint_auth_method private_key_jwt needs a public key, and the app has no "
                "active key%s. Give the public key of the connection's private key in public_keys."
                % (" left" if params["exclusive_keys"] and params["public_keys"] is not None else ""))
        if rotating:
            raise OktaInputError(
                "rotate_client_secret: the app authenticates with private_key_jwt and has no client secret to rotate. "
                "Rotate its keys with public_keys and exclusive_keys instead.")


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------

def plan_keys(existing, desired, exclusive, keep_kids=()):
    """What to do with the app's keys: ``(add, activate, remove, keys_after)``.

    ``add`` are JWKs to add, ``activate`` and ``remove`` are existing key objects. ``keys_after`` is the list
    of ``{kid, status}`` the app will have. A key whose kid is in ``keep_kids`` is never removed.
    """
    if desired is None:
        return [], [], [], [dict(kid=k.get("kid"), status=k.get("status")) for k in existing]
    by_thumbprint = {}
    for key in existing:
        thumbprint = key_thumbprint(key)
        if thumbprint:
            by_thumbprint.setdefault(thumbprint, key)
    kids = dict((key.get("kid"), key) for key in existing if key.get("kid"))
    add, activate, matched = [], [], set()
    for jwk in desired:
        match = by_thumbprint.get(jwk_thumbprint(jwk))
        if match is not None:
            matched.add(id(match))
            if match.get("status") != "ACTIVE":
                activate.append(match)
            continue
        if jwk["kid"] in kids:
            raise OktaInputError(
                "public_keys: the app already has a different key with kid '%s'; give this key another kid "
                "(or leave kid out to use its thumbprint)." % jwk["kid"])
        add.append(jwk)
    remove = []
    if exclusive:
        remove = [key for key in existing if id(key) not in matched and key.get("use") != "enc"
                  and key.get("kid") not in keep_kids]
    removed = set(id(key) for key in remove)
    activated = set(id(key) for key in activate)
    keys_after = [dict(kid=key.get("kid"), status="ACTIVE" if id(key) in activated else key.get("status"))
                  for key in existing if id(key) not in removed]
    keys_after.extend(dict(kid=jwk["kid"], status="ACTIVE") for jwk in add)
    if add and len(keys_after) > MAX_APP_KEYS:
        raise OktaInputError("public_keys: the app would hold %d keys (%d it has and %d new); Okta allows at most %d. "
                             "Set exclusive_keys: true to replace the keys it has, or remove some first."
                             % (len(keys_after), len(keys_after) - len(add), len(add), MAX_APP_KEYS), "public_keys")
    return add, activate, remove, keys_after


def plan_groups(client, params, current_ids):
    """Group assignment changes: ``(add_ids, remove_ids)``. Raises OktaInputError for unknown groups."""
    if params["assign_groups"] is None and params["assign_everyone"] is None:
        return [], []
    wanted, unknown, ambiguous = resolve_groups(client, params["assign_groups"] or [])
    if unknown:
        raise OktaInputError("assign_groups: no group named %s in the org. Create the group first, or fix the name or id."
                             % ", ".join("'%s'" % name for name in unknown), "assign_groups")
    if ambiguous:
        raise OktaInputError("assign_groups: several groups are named %s; give the group id instead."
                             % "; ".join("'%s' (ids: %s)" % (name, ", ".join(ids)) for name, ids in sorted(ambiguous.items())),
                             "assign_groups")
    unwanted = []
    if params["assign_everyone"] is not None:
        everyone = find_everyone_group(client)["id"]
        if params["assign_everyone"]:
            if everyone not in wanted:
                wanted.append(everyone)
        elif everyone in wanted:
            raise OktaInputError("assign_everyone is false but assign_groups lists the Everyone group; choose one.")
        else:
            unwanted.append(everyone)
    add = [group_id for group_id in wanted if group_id not in current_ids]
    if params["exclusive_assignments"]:
        remove = [group_id for group_id in current_ids if group_id not in wanted]
    else:
        remove = [group_id for group_id in current_ids if group_id in unwanted]
    return add, remove


def created_keys(app, sent):
    """The keys of an app just created, from Okta's answer (``settings.oauthClient.jwks``), else the keys sent."""
    keys = ((((app.get("settings") or {}).get("oauthClient") or {}).get("jwks") or {}).get("keys"))
    if isinstance(keys, list):
        return [key for key in keys if isinstance(key, dict)]
    return [dict(kid=jwk.get("kid"), status="ACTIVE") for jwk in sent or []]


# --------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------

class AppIntegrationEngine(OktaEngine):
    """One run of ``okta_app_integration``: plan, then apply (unless in check mode)."""

    default_scopes = scopes_for("get_app", "create_app", "list_groups")

    def __init__(self, module, client):
        super(AppIntegrationEngine, self).__init__(module, client)
        self.result.update(app={}, client_id="", client_secret_issued=False, rotation={})
        self.rotation_diff = None

    # ---------------------------------------------------------------- results

    def issued(self, secret, secret_id=None):
        """Keep a secret Okta issued in the result at once, so that a later failure still returns it."""
        self.client.add_secret(secret)
        self.result["client_secret"] = secret
        self.result["client_secret_issued"] = True
        if secret_id:
            self.result["client_secret_id"] = secret_id

    def issued_with_app(self, app_id, secret):
        """Keep a secret that Okta issued in the answer to a create or an update, which does not say its id; then
        read the id from the app's secrets, so that the hand-off can name the secret it holds (finish_rotation
        keeps exactly that one)."""
        self.issued(secret)
        ids = [x.get("id") for x in list_secrets(self.client, app_id) if x.get("client_secret") == secret]
        if ids:
            self.result["client_secret_id"] = ids[0]

    def refuse_secret(self, why):
        """With allow_client_secret=false: stop before the first write of a task that would make Okta issue a
        client secret (the caller has nowhere to keep it, and Okta shows a secret only once)."""
        if self.params.get("allow_client_secret", True):
            return
        raise OktaInputError(
            "Okta would issue a client secret (%s), and this task has nowhere to keep it (allow_client_secret=false); "
            "nothing was changed. Give the task a place for the secret (in the roles and playbooks: "
            "okta_connection_output_file), then run it again." % why, "allow_client_secret")

    def write(self, what, func, *args):
        """Make one change in Okta and record it as done."""
        answer = func(self.client, *args)
        self.did(what)
        return answer

    def done_text(self):
        return ", ".join(self.done)

    def finish(self, changed, app, client_id, before, after, created=False):
        # ``created`` tells the next tasks that the app is new (no grants, no admin roles yet), so that they
        # need not read them; it is not part of the diff.
        app = dict(app, created=created) if app else app
        self.result.update(changed=changed, app=app, client_id=client_id or "")
        if self.diff_mode:
            self.result["diff"] = dict(before=before, after=after)
            if self.rotation_diff is not None:
                # Ids and a time only: the record never holds a secret.
                self.result["diff"] = dict(before=dict(before, rotation=self.rotation_diff[0]),
                                           after=dict(after, rotation=self.rotation_diff[1]))
        return self.result

    def result_view(self, app, keys, group_ids):
        """The app as the result shows it; keys or groups that were not read (None) are left out."""
        view = app_view(app) if app else {}
        if view:
            if keys is not None:
                view["public_keys"] = [dict(kid=k.get("kid"), status=k.get("status")) for k in keys]
            if group_ids is not None:
                view["group_ids"] = sorted(group_ids)
        return view

    def keys_matter(self, desired_keys, *methods):
        """Whether the app's keys must be read: keys are managed, or the app authenticates with them."""
        return desired_keys is not None or "private_key_jwt" in methods

    def assignments_matter(self):
        """Whether the group assignments must be read: only when this task manages them."""
        return self.params["assign_groups"] is not None or self.params["assign_everyone"] is not None

    def read_state(self, app_id, keys=True, groups=True):
        app = get_app(self.client, app_id)
        if app is None:
            raise OktaLookupError("The app %s disappeared while it was being changed." % app_id)
        return (app, list_jwks(self.client, app_id) if keys else None,
                list_assigned_group_ids(self.client, app_id) if groups else None)

    # ---------------------------------------------------------------- run

    def run(self):
        params = self.params
        desired_keys = None
        if params["state"] == "present":
            check_uris(params)
            desired_keys = parse_public_keys(params["public_keys"])
        if params["exclusive_keys"] and params["public_keys"] is None:
            self.module.warn("exclusive_keys has no effect without public_keys: no key was removed.")
        if params["exclusive_assignments"] and params["assign_groups"] is None and params["assign_everyone"] is None:
            self.module.warn("exclusive_assignments has no effect without assign_groups or assign_everyone: no "
                             "assignment was removed.")
        for option in ("app_id", "client_id", "label"):
            if params[option] is not None and not params[option].strip():
                raise OktaInputError("%s is empty or only spaces: give the app's %s." % (option, option.replace("_", " ")),
                                     option)
        check_label(params["label"], "label")
        check_client_id(params["client_id"], "client_id")
        for group in params["assign_groups"] or []:
            check_group_name(group, "assign_groups")
        by_label = not params["app_id"] and not params["client_id"]
        app = find_app(self.client, app_id=params["app_id"], client_id=params["client_id"],
                       label=params["label"] if by_label else None)
        self.adopting = False
        if app is not None and by_label and not is_ours(app):
            check_ownership(app, params["label"], params["adopt"],
                            "delete" if params["state"] == "absent" else "change")
            self.adopting = params["state"] == "present"
        if params["state"] == "absent":
            return self.absent(app)
        if app is None:
            return self.create(desired_keys)
        return self.update(app, desired_keys, by_label)

    # ---------------------------------------------------------------- absent

    def absent(self, app):
        if app is None:
            return self.finish(False, {}, "", {}, {})
        app_type = app_view(app).get("application_type")
        if app.get("signOnMode") != "OPENID_CONNECT" or app_type not in APPLICATION_TYPES:
            raise OktaInputError(
                "state=absent: the app %s is a %s app%s, not an OIDC web or service app integration; this module "
                "never deletes other kinds of apps." % (describe_app(app), app.get("signOnMode"),
                                                        " of type %s" % app_type if app_type else ""), "state")
        if self.params["application_type"] and app_type != self.params["application_type"]:
            raise OktaInputError(
                "The app %s is a %s app, not a %s app as application_type says; it was not deleted. Check the label "
                "(or app_id), or remove application_type to delete it whatever its type."
                % (describe_app(app), app_type, self.params["application_type"]), "application_type")
        before = self.result_view(app, list_jwks(self.client, app["id"]), list_assigned_group_ids(self.client, app["id"]))
        # The rotation that was open when the app was removed (the hand-off of that rotation is stale from now on).
        self.result["rotation"] = rotation_record(app)
        active = app.get("status") == "ACTIVE"
        if active:
            self.plan("deactivate app")
        self.plan("delete app")
        self.check_caller()
        if not self.check_mode:
            if active:
                self.write("deactivated app %s" % app["id"], deactivate_app, app["id"])
            self.write("deleted app %s" % app["id"], delete_app, app["id"])
        return self.finish(True, {}, "", before, {})

    # ---------------------------------------------------------------- create

    def create(self, desired_keys):
        params = self.params
        if params["app_id"]:
            raise OktaInputError(
                "No Okta app integration with id '%s'. Okta chooses the id of a new app: leave app_id out and give "
                "label and application_type to create one." % params["app_id"], "app_id")
        if not params["label"]:
            raise OktaInputError("label is required to create the app integration (no app was found by client_id "
                                 "'%s')." % params["client_id"], "label")
        if not params["application_type"]:
            raise OktaInputError("application_type (web or service) is required to create the app integration '%s'."
                                 % params["label"], "application_type")
        fields = desired_fields(params, None, by_label=False)
        view = planned_create_view(fields, params)
        if view["token_endpoint_auth_method"] in SECRET_AUTH_METHODS:
            self.refuse_secret("creating the app integration '%s' (%s)"
                               % (params["label"], view["token_endpoint_auth_method"]))
        add, _activate, _remove, keys_after = plan_keys([], desired_keys or [], False)
        check_target(view, params, keys_after, bool(params["rotate_client_secret"]))
        group_add, _group_remove = plan_groups(self.client, params, [])

        self.plan("create app" if view["status"] != "INACTIVE" else "create app (inactive)")
        self.plan(*["add key %s" % jwk["kid"] for jwk in add])
        self.plan(*["assign group %s" % group_id for group_id in group_add])
        planned = dict(view)
        planned["public_keys"] = keys_after
        planned["group_ids"] = sorted(group_add)
        self.check_caller()
        if self.check_mode:
            return self.finish(True, planned, params["client_id"] or "", {}, planned, created=True)

        in_body = desired_keys if view["token_endpoint_auth_method"] == "private_key_jwt" else None
        body = build_create_body(fields, jwks=in_body, client_id=params["client_id"])
        created = self.write("created app '%s'" % params["label"], create_app, body, view["status"] != "INACTIVE")
        app_id = created["id"]
        older = self.older_twin(created)
        if older is not None:
            result = self.update(older, desired_keys, True)
            result["changed"] = True  # an app was created and deleted
            return result
        # Known from now on, also if a later step fails: a hand-off of the issued secret needs the client ID.
        self.result["app"] = dict(id=app_id, label=created.get("label"))
        self.result["client_id"] = app_client_id(created) or app_id
        secret = ((created.get("credentials") or {}).get("oauthClient") or {}).get("client_secret")
        if secret:
            self.issued_with_app(app_id, secret)
        # Keys sent in the create body are there already; any other listed key is added now.
        wrote_keys = False
        if desired_keys and not in_body:
            add, activate, _remove, _after = plan_keys(list_jwks(self.client, app_id), desired_keys, False)
            wrote_keys = self.add_keys(app_id, add, activate)
        for group_id in group_add:
            self.write("assigned group %s" % group_id, assign_group, app_id, group_id)
        if wrote_keys or not isinstance(created.get("settings"), dict):
            app, keys, group_ids = self.read_state(app_id)
        else:
            # The answer to the creation is the new app: reading it back would only repeat it. Its keys are the
            # ones of the body (Okta shows them in the app), its groups the ones just assigned.
            app, keys, group_ids = created, created_keys(created, in_body), group_add
        after = self.result_view(app, keys, group_ids)
        return self.finish(True, after, after["client_id"], {}, after, created=True)

    def older_twin(self, created):
        """After creating: look again by label and marker. When another run created an app with the same label
        at the same time, the younger app is removed by the run that created it, which then uses the older one.
        Returns the older app to use, or None when the one just created is the one to keep."""
        label = created.get("label") or self.params["label"]
        twins = find_own_apps(self.client, label)
        if len(twins) < 2 or twins[0].get("id") == created["id"] or created["id"] not in [a.get("id") for a in twins]:
            return None
        older = twins[0]
        self.module.warn(
            "Another run created the app '%s' at the same time (%s, the older one): the app this run created (%s) "
            "was removed and the older one is used." % (label, older["id"], created["id"]))
        if created.get("status") == "ACTIVE":
            self.write("deactivated the duplicate app %s" % created["id"], deactivate_app, created["id"])
        self.write("deleted the duplicate app %s" % created["id"], delete_app, created["id"])
        # Whatever the duplicate was issued is gone with it.
        for key in ("client_secret", "client_secret_id"):
            self.result.pop(key, None)
        self.result["client_secret_issued"] = False
        self.result["actions"] = []
        return get_app(self.client, older["id"]) or older

    # ---------------------------------------------------------------- update

    def update(self, app, desired_keys, by_label):
        params = self.params
        if app.get("signOnMode") != "OPENID_CONNECT":
            raise OktaInputError("The app '%s' (%s) is a %s app, not an OpenID Connect app integration; this module "
                                 "manages OIDC web and service apps only."
                                 % (app.get("label"), app.get("id"), app.get("signOnMode")))
        current = app_view(app)
        if current["application_type"] not in APPLICATION_TYPES:
            raise OktaInputError("The app '%s' (%s) has application_type '%s'; this module manages web and service "
                                 "apps only." % (current["label"], current["id"], current["application_type"]))
        if params["application_type"] and params["application_type"] != current["application_type"]:
            raise OktaInputError(
                "application_type: the app '%s' (%s) is a %s app and Okta cannot change the type of an app to %s. "
                "Remove it (state=absent) and create it again, or use another label."
                % (current["label"], current["id"], current["application_type"], params["application_type"]),
                "application_type")
        app_id = app["id"]
        # Keys are read only when they matter, group assignments only when this task manages them: a no-op run
        # of a service app sends no request for assignments it never has.
        read_keys = self.keys_matter(desired_keys, current["token_endpoint_auth_method"],
                                     params["token_endpoint_auth_method"])
        existing_keys = list_jwks(self.client, app_id) if read_keys else None
        current_groups = list_assigned_group_ids(self.client, app_id) if self.assignments_matter() else None
        before = self.result_view(app, existing_keys, current_groups)

        fields = desired_fields(params, current, by_label)
        changed_fields = differing_fields(current, fields)
        target = dict(current)
        target.update((name, fields[name]) for name in changed_fields)
        add, activate, remove, keys_after = plan_keys(existing_keys or [], desired_keys, params["exclusive_keys"])
        record = rotation_record(app)
        if record.get("kind") == "key" and existing_keys is not None \
                and record["credential_id"] not in [key.get("kid") for key in existing_keys]:
            record = {}  # its key left the app some other way: the rotation is over
        if record.get("kind") == "key" and any(key.get("kid") == record["credential_id"] for key in remove):
            if params["rotation"] == "closed":
                raise OktaInputError(
                    "rotation: the rotation open in Okta (since %s) issued the key %s, which the hand-off of that "
                    "rotation names; closing it with other keys would retire that key, so nothing was changed. Finish "
                    "the rotation where its new private key is (the hand-off file and the .next key of that rotation)."
                    % (record["opened_at"] or "an unknown time", record["credential_id"]), "rotation")
            # While a rotation is open, its key stays: whatever machine this runs on, whatever its files say.
            add, activate, remove, keys_after = plan_keys(existing_keys or [], desired_keys, params["exclusive_keys"],
                                                          keep_kids=(record["credential_id"],))
        rotating = bool(params["rotate_client_secret"])
        if rotating or (target["token_endpoint_auth_method"] in SECRET_AUTH_METHODS
                        and current["token_endpoint_auth_method"] not in SECRET_AUTH_METHODS):
            self.refuse_secret("rotate_client_secret" if rotating else "switching to %s"
                               % target["token_endpoint_auth_method"])
        jwks_uri = bool(((app.get("settings") or {}).get("oauthClient") or {}).get("jwks_uri"))
        check_target(target, params, keys_after, rotating, jwks_uri=jwks_uri)
        group_add, group_remove = plan_groups(self.client, params, current_groups or [])
        status = params["status"] or current["status"]
        secrets_plan = self.plan_secrets(app_id, current, rotating, record)
        rotation_after, rotation_action = self.plan_rotation(app, secrets_plan["record"], target, keys_after,
                                                             secrets_plan, desired_keys)

        if self.adopting:
            self.plan("adopt app (add the %s marker to its profile)" % MARKER_KEY)
        self.plan(*["add key %s" % jwk["kid"] for jwk in add])
        self.plan(*["activate key %s" % key.get("kid") for key in activate])
        if changed_fields:
            self.plan("update app fields: %s" % ", ".join(sorted(changed_fields)))
        self.plan(*["delete key %s" % key.get("kid") for key in remove])
        if status != current["status"]:
            self.plan("activate app" if status == "ACTIVE" else "deactivate app")
        self.plan(*secrets_plan["actions"])
        self.plan(*["assign group %s" % group_id for group_id in group_add])
        self.plan(*["unassign group %s" % group_id for group_id in group_remove])
        self.plan(*[rotation_action] if rotation_action else [])
        self.result["rotation"] = rotation_after
        if rotation_action:
            self.rotation_diff = (rotation_record(app), rotation_after)
        changed = bool(self.result["actions"])

        planned = dict(target)
        planned["status"] = status
        if existing_keys is not None:
            planned["public_keys"] = keys_after
        if current_groups is not None:
            planned["group_ids"] = sorted([g for g in current_groups if g not in group_remove] + group_add)
        self.check_caller()
        if self.check_mode or not changed:
            return self.finish(changed, planned, current["client_id"], before, planned)

        # New keys first (an app switching to private_key_jwt needs them), unlisted keys last.
        wrote_keys = self.add_keys(app_id, add, activate)
        if changed_fields or self.adopting:
            source = get_app(self.client, app_id) if wrote_keys else app
            body = build_replace_body(source, dict((name, fields[name]) for name in changed_fields),
                                      mark=self.adopting)
            what = "updated app fields %s" % ", ".join(sorted(changed_fields)) if changed_fields else "adopted app"
            answer = self.write(what, replace_app, app_id, body) or {}
            if current["token_endpoint_auth_method"] not in SECRET_AUTH_METHODS \
                    and target["token_endpoint_auth_method"] in SECRET_AUTH_METHODS:
                # Switching to a secret method makes Okta issue a secret. No recording shows whether the answer to
                # the PUT holds it, so when it does not, the secret is read back from the app's secrets list.
                secret = ((answer.get("credentials") or {}).get("oauthClient") or {}).get("client_secret") \
                    or newest_active_secret(list_secrets(self.client, app_id))
                if secret:
                    self.issued_with_app(app_id, secret)
        self.remove_keys(app_id, remove)
        if status != current["status"]:
            if status == "ACTIVE":
                self.write("activated app", activate_app, app_id)
            else:
                self.write("deactivated app", deactivate_app, app_id)
        self.apply_secrets(app_id, secrets_plan)
        for group_id in group_add:
            self.write("assigned group %s" % group_id, assign_group, app_id, group_id)
        for group_id in group_remove:
            self.write("unassigned group %s" % group_id, unassign_group, app_id, group_id)
        if rotation_action:
            self.record_rotation(app_id, rotation_after)
        app, keys, group_ids = self.read_state(app_id, read_keys or bool(add), current_groups is not None)
        after = self.result_view(app, keys, group_ids)
        return self.finish(True, after, after["client_id"], before, after)

    # ---------------------------------------------------------------- steps

    def add_keys(self, app_id, add, activate):
        """Add the new keys and activate them and the listed inactive ones. True when something was written."""
        for jwk in add:
            answer = self.write("added key %s" % jwk["kid"], add_jwk, app_id, jwk) or {}
            if answer.get("id") and answer.get("status") != "ACTIVE":
                self.write("activated key %s" % jwk["kid"], activate_jwk, app_id, answer["id"])
        for key in activate:
            self.write("activated key %s" % key.get("kid"), activate_jwk, app_id, key["id"])
        return bool(add or activate)

    def remove_keys(self, app_id, keys):
        # Deactivate every key first, then delete: Okta deletes inactive keys only.
        for key in keys:
            if key.get("status") == "ACTIVE":
                self.write("deactivated key %s" % key.get("kid"), deactivate_jwk, app_id, key["id"])
        for key in keys:
            self.write("deleted key %s" % key.get("kid"), delete_jwk, app_id, key["id"])

    def plan_secrets(self, app_id, current, rotating, record):
        """Two-step rotation of client secrets: what to create, drop before and retire after.

        A rotation adds a new secret beside the current one (Okta keeps at most two), so the platform can
        move to it while the old one still works. Retiring deactivates and deletes every secret but the
        one to keep: the new one, ``current_client_secret_id``, or else the newest active one.
        """
        params = self.params
        retiring, recording = bool(params["retire_client_secrets"]), params["rotation"] == "open"
        plan = dict(create=False, drop_first=[], retire=[], keep=None, actions=[], known=[], record=record)
        if not (rotating or retiring or recording) or current["token_endpoint_auth_method"] not in SECRET_AUTH_METHODS:
            if retiring and current["token_endpoint_auth_method"] not in SECRET_AUTH_METHODS:
                raise OktaInputError("retire_client_secrets: the app authenticates with %s and has no client secret."
                                     % current["token_endpoint_auth_method"], "retire_client_secrets")
            return plan
        secrets = list_secrets(self.client, app_id)
        plan["known"] = [x.get("id") for x in secrets]
        if record.get("kind") == "client_secret" and record["credential_id"] not in plan["known"]:
            plan["record"] = record = {}  # its secret left the app some other way: the rotation is over
        self.result["client_secrets"] = [secret_summary(x) for x in secrets]
        ordered = sorted(secrets, key=lambda x: (x.get("status") == "ACTIVE", x.get("created") or ""))
        if rotating:
            plan["create"] = True
            room = list(ordered)
            while len(room) >= 2:
                oldest = room[0]
                if oldest.get("status") == "ACTIVE" and not retiring:
                    raise OktaInputError(
                        "rotate_client_secret: the app already has two active client secrets (%s): a rotation was "
                        "started and not finished, and Okta keeps at most two. Finish it first (playbook "
                        "identity.okta.finish_rotation, or retire_client_secrets: true with current_client_secret_id), "
                        "then rotate again." % ", ".join(x.get("id") for x in room), "rotate_client_secret")
                plan["drop_first"].append(oldest)
                room = room[1:]
            plan["actions"].extend("delete client secret %s (%s) to make room" % (x.get("id"), x.get("status"))
                                   for x in plan["drop_first"])
            plan["actions"].append("create a new client secret")
        if retiring:
            keep_id = params["current_client_secret_id"]
            left = [x for x in secrets if x not in plan["drop_first"]]
            if keep_id and not any(x.get("id") == keep_id for x in left):
                raise OktaInputError("current_client_secret_id: the app has no client secret with the id '%s' (it has "
                                     "%s)." % (keep_id, ", ".join(x.get("id") for x in left) or "none"),
                                     "current_client_secret_id")
            if not keep_id and not rotating:
                active = [x for x in left if x.get("status") == "ACTIVE"]
                if not active:
                    raise OktaInputError("retire_client_secrets: the app has no active client secret to keep.",
                                         "retire_client_secrets")
                keep_id = sorted(active, key=lambda x: x.get("created") or "")[-1].get("id")
            if record.get("kind") == "client_secret" and not rotating and keep_id != record["credential_id"]:
                # What a rotation issued and its hand-off names is never retired for another secret: the hand-off
                # here is not the one of that rotation (another machine or AWX job started it, or it is stale).
                raise OktaInputError(
                    "current_client_secret_id: the rotation open in Okta (since %s) issued the client secret %s, which "
                    "the hand-off of that rotation names; keeping %s instead would retire it, so nothing was changed. "
                    "Finish the rotation with the hand-off file of that rotation (client_secret_id %s)."
                    % (record["opened_at"] or "an unknown time", record["credential_id"], keep_id,
                       record["credential_id"]), "current_client_secret_id")
            plan["keep"] = keep_id
            plan["retire"] = [x for x in left if x.get("id") != keep_id] if keep_id else list(left)
            plan["actions"].extend("retire client secret %s" % x.get("id") for x in plan["retire"])
        return plan

    def plan_rotation(self, app, record, target, keys_after, secrets_plan, desired_keys):
        """The rotation record the app's profile should hold after this run, and the action that writes it (None
        when the profile stays as it is). ``record`` is the open rotation of the app whose credential is still
        there."""
        params = self.params
        wanted = params["rotation"]
        if wanted is None:
            return record, None
        profile = app.get("profile") if isinstance(app.get("profile"), dict) else {}
        if wanted == "closed":
            return {}, ("clear the rotation record from the app's profile" if ROTATION_KEY in profile else None)
        kind = "key" if target["token_endpoint_auth_method"] == "private_key_jwt" else "client_secret"
        credential_id = params["rotation_credential_id"]
        if kind == "key":
            if not credential_id or credential_id not in [key.get("kid") for key in keys_after]:
                raise OktaInputError(
                    "rotation_credential_id: rotation=open on an app with private_key_jwt needs the kid of the new key, "
                    "one of the keys the app holds after the task (public_keys); got %s." % (credential_id or "none"),
                    "rotation_credential_id")
        elif secrets_plan["create"]:
            credential_id = None  # the id of the secret this run issues, known once Okta made it
        elif not credential_id or credential_id not in secrets_plan["known"]:
            raise OktaInputError(
                "rotation_credential_id: rotation=open on an app with a client secret records the secret this task "
                "issues (rotate_client_secret: true) or the id of one of its secrets; got %s." % (credential_id or "none"),
                "rotation_credential_id")
        # A new rotation may replace the record only when the task keeps the open rotation's key among its own keys
        # (it became the current key, as when an interrupted rotation already moved it into the key file).
        kept = record.get("kind") == "key" and record["credential_id"] in [jwk["kid"] for jwk in desired_keys or []]
        if record and credential_id and record["credential_id"] != credential_id and not kept:
            raise OktaInputError(
                "rotation: a rotation is already open in Okta (since %s) with the %s %s, which the hand-off of that "
                "rotation names; nothing was changed. Finish it first (finish_rotation, where its hand-off file is), "
                "then rotate again." % (record["opened_at"] or "an unknown time", record["kind"].replace("_", " "),
                                        record["credential_id"]), "rotation")
        opened_at = record["opened_at"] if record and record["credential_id"] == credential_id else \
            datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        after = dict(state="open", kind=kind, credential_id=credential_id, opened_at=opened_at)
        if credential_id and rotation_record(app) == after:
            return after, None
        return after, "record the open rotation (%s %s) in the app's profile" % (
            kind.replace("_", " "), credential_id or "issued by this task")

    def record_rotation(self, app_id, record):
        """Write the rotation record into the app's profile (read afresh: keys and secrets changed since)."""
        if record and not record["credential_id"]:
            record["credential_id"] = self.result.get("client_secret_id")
            if not record["credential_id"]:
                self.module.warn("Okta did not return the id of the new client secret, so the open rotation could not "
                                 "be recorded in the app's profile.")
                self.result["rotation"] = {}
                return
        body = build_replace_body(get_app(self.client, app_id), {})
        body["profile"] = profile_with_rotation(body.get("profile"), record)
        self.write("recorded the open rotation in the app's profile" if record else
                   "cleared the rotation record from the app's profile", replace_app, app_id, body)

    def apply_secrets(self, app_id, plan):
        for secret in plan["drop_first"]:
            self.drop_secret(app_id, secret)
        if plan["create"]:
            new = self.write("created a client secret", create_secret, app_id, plan["known"])
            if not new.get("client_secret"):
                raise OktaLookupError("Okta created the client secret %s but did not return its value; it cannot be "
                                      "read back: rotate again." % new.get("id"))
            self.issued(new["client_secret"], new.get("id"))
        for secret in plan["retire"]:
            self.drop_secret(app_id, secret)
        if plan["create"] or plan["retire"] or plan["drop_first"]:
            self.result["client_secrets"] = [secret_summary(x) for x in list_secrets(self.client, app_id)]

    def drop_secret(self, app_id, secret):
        """Deactivate (when active) and delete one client secret."""
        if secret.get("status") == "ACTIVE":
            self.write("deactivated client secret %s" % secret["id"], deactivate_secret, app_id, secret["id"])
        self.write("deleted client secret %s" % secret["id"], delete_secret, app_id, secret["id"])


def newest_active_secret(secrets):
    """The value of the newest active secret of a list, or None."""
    active = [x for x in secrets if x.get("status") == "ACTIVE" and x.get("client_secret")]
    return sorted(active, key=lambda x: (x.get("created") or "", x.get("id") or ""))[-1]["client_secret"] if active else None
