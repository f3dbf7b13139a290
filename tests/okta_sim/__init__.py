"""Offline simulator of the parts of the Okta API used by the identity.okta collection.

Run it with ``python tests/okta_sim --port 0 --state-dir DIR`` (see README.md).
"""
