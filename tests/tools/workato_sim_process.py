"""Start, reset and stop the offline Workato simulator (tests/workato_sim) from test drivers.

``python tests/workato_sim --port 0 --state-dir DIR [--okta-ca-bundle CA]`` prints one JSON line when it is ready
(``base_url``, ``ca_bundle``, ``api_token``, ``control_url``); see tests/workato_sim/README.md.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request

from okta_sim_process import ROOT, Simulator, SimulatorError


class WorkatoSimulator(Simulator):
    """One Workato simulator process. ``okta_ca_bundle`` lets it verify the Okta simulator it tests credentials
    against."""

    sim_path = os.path.join(ROOT, 'tests', 'workato_sim')
    required_keys = ('base_url', 'ca_bundle', 'api_token', 'control_url')
    title = 'the Workato simulator'

    def __init__(self, state_dir, log_path, okta_ca_bundle=None, extra_args=(), **kwargs):
        args = list(extra_args)
        if okta_ca_bundle:
            args += ['--okta-ca-bundle', okta_ca_bundle]
        super().__init__(state_dir, log_path, extra_args=args, **kwargs)

    def control(self, method, path, body=None, timeout=30.0):
        """Call the control API; return the parsed answer."""
        return workato_control(self.info, method, path, body, timeout)

    def reset(self, timeout=30.0):
        if not self.running():
            raise SimulatorError('the Workato simulator is not running:\n%s' % self.log_tail())
        self.control('POST', '/reset', {}, timeout)


def workato_control(info, method, path, body=None, timeout=30.0):
    """Call the control API of a running Workato simulator described by its JSON line ``info``."""
    context = ssl.create_default_context(cafile=info['ca_bundle'])
    request = urllib.request.Request(
        info['control_url'].rstrip('/') + path, method=method,
        data=None if body is None else json.dumps(body).encode('utf-8'),
        headers={'Authorization': 'Bearer %s' % info['api_token'], 'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # nosec: local test server
            data = response.read()
    except urllib.error.HTTPError as exc:
        raise SimulatorError('Workato simulator control %s %s failed: HTTP %s %s'
                             % (method, path, exc.code, exc.read()[:500])) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SimulatorError('Workato simulator control %s %s failed: %s' % (method, path, exc)) from exc
    return json.loads(data) if data else None
