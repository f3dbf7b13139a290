# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_connection_hosts filter: one connection for the play, one per host, or ambiguous."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.filter.okta_connection_hosts import okta_connection_hosts as hosts


def host(name, label="CRM sync", auth_type="client_credentials", output_file="", private_key_path=""):
    return dict(host=name, auth_type=auth_type, label=label, output_file=output_file,
                private_key_path=private_key_path)


def test_hosts_that_share_one_connection_set_it_up_once():
    assert hosts([host("a"), host("b"), host("c")]) == dict(per_host=False, error="")
    assert hosts([host("a")]) == dict(per_host=False, error="")
    assert hosts([]) == dict(per_host=False, error="")


def test_hosts_that_describe_different_connections_get_one_each():
    assert hosts([host("a", label="CRM sync"), host("b", label="HR portal")]) == dict(per_host=True, error="")
    assert hosts([host("a"), host("b", auth_type="authorization_code")])["per_host"] is True


def test_the_same_label_with_other_files_is_ambiguous_and_names_the_variables():
    result = hosts([host("a", private_key_path="/k/a.pem"), host("b", private_key_path="/k/b.pem")])
    assert result["per_host"] is False
    assert "a, b" in result["error"] and "okta_connection_label" in result["error"]
    assert "okta_private_key_path" in result["error"]


def test_some_hosts_sharing_while_others_do_not_is_ambiguous():
    result = hosts([host("a"), host("b"), host("c", label="HR portal")])
    assert "a, b" in result["error"] and "okta_one_connection_per_host" in result["error"]


def test_the_explicit_override_makes_every_host_a_connection():
    same = [host("a", private_key_path="/k/a.pem"), host("b", private_key_path="/k/b.pem")]
    assert hosts(same, one_per_host=True) == dict(per_host=True, error="")
