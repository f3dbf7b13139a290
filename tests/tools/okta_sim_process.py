"""Start, reset and stop the offline Okta simulator (tests/okta_sim) from test drivers.

``python tests/okta_sim --port 0 --state-dir DIR`` prints one JSON line when it is ready (with
``okta_domain``, ``org_url``, ``ca_bundle``, ``api_token`` and ``control_url``) and stops on SIGTERM.
The simulator's output goes to a log file; the JSON line is read from there.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM_PATH = os.path.join(ROOT, 'tests', 'okta_sim')
REQUIRED_KEYS = ('okta_domain', 'ca_bundle', 'api_token', 'control_url')


class SimulatorError(Exception):
    """The simulator could not be started or used."""


class Simulator:
    """One simulator process; use as a context manager so that it is always stopped."""

    sim_path = SIM_PATH
    required_keys = REQUIRED_KEYS
    title = 'the Okta simulator'

    def __init__(self, state_dir: str, log_path: str, python: str | None = None, startup_timeout: float = 60.0,
                 extra_args: tuple = ()) -> None:
        self.extra_args = list(extra_args)
        self.state_dir = state_dir
        self.log_path = log_path
        self.python = python or sys.executable
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.returncode: int | None = None
        self.info: dict = {}

    def __enter__(self) -> 'Simulator':
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @classmethod
    def available(cls) -> bool:
        """Tell whether the simulator exists in this checkout."""
        return os.path.isfile(os.path.join(cls.sim_path, '__main__.py'))

    def start(self) -> dict:
        """Start the simulator and return the details of its JSON line."""
        if not self.available():
            raise SimulatorError('%s is missing: %s/__main__.py does not exist' % (self.title, os.path.relpath(self.sim_path, ROOT)))
        os.makedirs(self.state_dir, exist_ok=True)
        log_dir = os.path.dirname(self.log_path)
        if log_dir:
            os.makedirs(log_dir, exist_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED='1')
        with open(self.log_path, 'wb') as log:
            # its own session: Ctrl-C in the terminal reaches the driver, which then stops it cleanly
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [self.python, self.sim_path, '--port', '0', '--state-dir', self.state_dir] + self.extra_args,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=ROOT, env=env, start_new_session=True,
            )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            info = self._read_info()
            if info:
                self.info = info
                return info
            if self.process.poll() is not None:
                raise SimulatorError('%s exited with code %s before it was ready:\n%s'
                                     % (self.title, self.process.returncode, self.log_tail()))
            if time.monotonic() > deadline:
                self.stop()
                raise SimulatorError('%s printed no JSON line within %.0f s:\n%s' % (self.title, self.startup_timeout, self.log_tail()))
            time.sleep(0.1)

    def _read_info(self) -> dict:
        """Return the parsed JSON line from the log, or an empty dict when there is none yet."""
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as log:
                lines = log.read().splitlines()
        except OSError:
            return {}
        for line in lines:
            line = line.strip()
            if not line.startswith('{'):
                continue
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and all(data.get(key) for key in self.required_keys):
                return data
        return {}

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of the simulator's output."""
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as log:
                return ''.join(log.readlines()[-lines:])
        except OSError:
            return '(no output)'

    def running(self) -> bool:
        """Tell whether the simulator process is still alive."""
        return self.process is not None and self.process.poll() is None

    def reset(self, timeout: float = 30.0) -> None:
        """Bring the simulator back to its seeded state (POST <control_url>/reset)."""
        if not self.running():
            code = self.process.returncode if self.process else self.returncode
            raise SimulatorError('the Okta simulator is not running (exit code %s):\n%s' % (code, self.log_tail()))
        reset_simulator(self.info['control_url'], self.info['api_token'], self.info['ca_bundle'], timeout=timeout)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the simulator with SIGTERM (SIGKILL if it does not exit in time)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.returncode = process.returncode


def reset_simulator(control_url: str, api_token: str, ca_bundle: str | None, timeout: float = 30.0) -> None:
    """Bring a running simulator back to its seeded state (POST <control_url>/reset), wherever it was started."""
    context = ssl.create_default_context(cafile=ca_bundle or None)
    request = urllib.request.Request(
        control_url.rstrip('/') + '/reset', data=b'{}', method='POST',
        headers={'Authorization': 'SSWS %s' % api_token, 'Content-Type': 'application/json',
                 'Accept': 'application/json'},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # nosec: local test server
            response.read()
    except urllib.error.HTTPError as exc:
        raise SimulatorError('simulator reset failed: HTTP %s %s' % (exc.code, exc.read()[:500])) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SimulatorError('simulator reset failed: %s' % exc) from exc


def collections_root() -> str:
    """Return the folder that holds ansible_collections/identity/okta for this checkout.

    That is the checkout's own parent chain when it already sits at
    ``.../ansible_collections/identity/okta`` (as in the copies that ansible-test runs in), and else
    ``collections/`` in the checkout, where a symlink ``ansible_collections/identity/okta`` to the
    checkout is created when it is missing.
    """
    parent, name = os.path.split(ROOT)
    parent, namespace = os.path.split(parent)
    parent, top = os.path.split(parent)
    if (top, namespace, name) == ('ansible_collections', 'identity', 'okta'):
        return parent
    collections = os.path.join(ROOT, 'collections')
    link = os.path.join(collections, 'ansible_collections', 'identity', 'okta')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.islink(link):
            os.unlink(link)
        try:
            os.symlink(os.path.join('..', '..', '..'), link)
        except FileExistsError:
            pass
    return collections


def collection_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """Return an environment in which ansible finds this collection as identity.okta."""
    env = dict(os.environ if env is None else env)
    collections = collections_root()
    paths = [path for path in env.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep) if path]
    if collections not in paths:
        paths.insert(0, collections)
    env['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join(paths)
    env.setdefault('LC_ALL', 'C.UTF-8')
    # The rate-limit state the modules share (plugins/module_utils/_okta_pacing.py) stays in the tree.
    env.setdefault('OKTA_RATE_LIMIT_STATE_DIR', os.path.join(ROOT, 'tests', 'output', 'rate-limits'))
    return env


def ansible_tool(name: str) -> str:
    """Return the path of an ansible command line tool, preferring the one beside this Python."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.access(candidate, os.X_OK):
        return candidate
    return name
