# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The okta doc fragment must be valid YAML, or no module that uses it has documentation."""

from __future__ import annotations

import yaml

from ansible_collections.identity.okta.plugins.doc_fragments.okta import ModuleDocFragment


def test_fragment_parses_and_keeps_the_delegate_to_note():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    assert set(doc) == {"options", "notes", "requirements"}
    assert any("C(delegate_to: localhost)" in note for note in doc["notes"])
    assert doc["options"]["okta_domain"]["required"] is True
