#!/usr/bin/env python
"""Run the integration targets of identity.okta, several at a time.

Every ``tests/integration/targets/<name>/main.yml`` is a playbook (hosts: localhost, connection:
local), run with the command, environment and extra vars that ``run_target.py`` builds (the same
ones the ``runme.sh`` of each target uses under ``ansible-test integration``): the environment
``OKTA_DOMAIN``, ``OKTA_API_TOKEN``, ``OKTA_CA_PATH`` and the extra vars ``okta_domain``,
``okta_api_token``, ``okta_ca_path`` and ``okta_sim_control_url``.

By default one offline Okta simulator (tests/okta_sim) is started and reset before each target.

``--jobs N`` runs N targets at a time, each lane with its own simulator; the output of each target
is then collected in tests/output/integration/<target>.log and printed when the target ends.

With ``OKTA_TEST_DOMAIN`` and ``OKTA_TEST_API_TOKEN`` set (and optionally ``OKTA_TEST_CA_PATH``)
the targets run one at a time against that Okta org instead: no simulator, ``okta_sim_control_url``
is undefined (``okta_ca_path`` is null without ``OKTA_TEST_CA_PATH``), and targets with the alias
``needs/simulator`` are skipped.

A target without an executable ``runme.sh`` or without the alias ``needs/target/setup_okta_sim``
fails before anything runs: ``ansible-test integration`` could not run it.

Usage: run.py [-v...] [--jobs N] [--timeout SECONDS] [--list] [TARGET ...]
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_target import (OUTPUT_DIR, ROOT, TARGETS_DIR, discover, needs_simulator, playbook_command,  # noqa: E402
                        real_org_connection, simulator_connection, target_env, target_problems, write_vars_file)
from okta_sim_process import Simulator, SimulatorError  # noqa: E402  (tests/tools, on sys.path through run_target)

PRINT_LOCK = threading.Lock()


def log(message: str) -> None:
    """Print a message of the runner."""
    with PRINT_LOCK:
        print('integration: %s' % message, flush=True)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process group: SIGINT, then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Lane:
    """Runs targets one after the other against one org (a simulator of its own, or the real org)."""

    def __init__(self, index: int, workdir: str, capture: bool, options: argparse.Namespace, real_org: dict | None) -> None:
        self.index = index
        self.workdir = workdir
        self.capture = capture
        self.options = options
        self.real_org = real_org
        self.simulator: Simulator | None = None
        self.process: subprocess.Popen | None = None
        self.env: dict[str, str] = {}
        self.vars_file = os.path.join(workdir, 'extra_vars.json')
        self.targets_run = 0

    def start(self) -> None:
        """Start the simulator of this lane (unless running against a real org) and prepare vars and env."""
        os.makedirs(self.workdir, exist_ok=True)
        if self.real_org:
            connection = dict(self.real_org)
        else:
            suffix = '' if self.index == 0 else '-%d' % self.index
            self.simulator = Simulator(state_dir=os.path.join(self.workdir, 'state'),
                                       log_path=os.path.join(OUTPUT_DIR, 'okta_sim%s.log' % suffix))
            info = self.simulator.start()
            log('simulator ready at %s (log: %s)' % (info.get('org_url') or info['okta_domain'], os.path.relpath(self.simulator.log_path, ROOT)))
            connection = simulator_connection(info)
        write_vars_file(self.vars_file, connection)
        self.env = target_env(connection)

    def stop(self) -> None:
        """Stop a running playbook and the simulator of this lane."""
        process = self.process
        if process is not None and process.poll() is None:
            stop_group(process)
        if self.simulator:
            self.simulator.stop()

    def run_target(self, name: str) -> str:
        """Run one target; return its result."""
        if self.simulator:
            if self.targets_run:
                try:
                    self.simulator.reset()
                except SimulatorError as exc:
                    log('%s: %s' % (name, exc))
                    return 'failed'
            if not self.simulator.running():
                log('%s: the simulator is not running' % name)
                return 'failed'
        self.targets_run += 1
        command = playbook_command(name, self.vars_file, self.options.verbose)
        output_path = os.path.join(OUTPUT_DIR, '%s.log' % name)
        if not self.capture:
            with PRINT_LOCK:
                print('\n==================== target %s ====================' % name, flush=True)
        with open(output_path, 'wb') if self.capture else open(os.devnull, 'wb') as output:
            stdout = output if self.capture else None
            # its own process group, so that a timeout or an interruption stops its workers too
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=stdout,
                stderr=subprocess.STDOUT if self.capture else None, start_new_session=True,
            )
            try:
                code = self.process.wait(timeout=self.options.timeout)
                result = 'passed' if code == 0 else 'failed'
            except subprocess.TimeoutExpired:
                stop_group(self.process)
                result = 'timeout'
        if self.capture:
            with open(output_path, encoding='utf-8', errors='replace') as handle:
                text = handle.read()
            with PRINT_LOCK:
                print('\n==================== target %s (%s) ====================' % (name, result), flush=True)
                print(text, end='' if text.endswith('\n') else '\n', flush=True)
        if result == 'timeout':
            log('%s: timed out after %.0f s' % (name, self.options.timeout))
        return result


def print_summary(results: list[tuple[str, str, float]]) -> None:
    """Print the table of results and the closing count line."""
    width = max([len('target')] + [len(entry[0]) for entry in results])
    print()
    print('%-*s  %-11s  %8s' % (width, 'target', 'result', 'seconds'))
    print('%s  %s  %s' % ('-' * width, '-' * 11, '-' * 8))
    for name, result, seconds in results:
        print('%-*s  %-11s  %8.1f' % (width, name, result, seconds))
    passed = sum(1 for entry in results if entry[1] == 'passed')
    skipped = sum(1 for entry in results if entry[1] == 'skipped')
    failed = len(results) - passed - skipped
    print()
    print('integration: %d passed, %d failed, %d skipped' % (passed, failed, skipped), flush=True)


def _terminate(signum, frame):
    """Turn SIGTERM into KeyboardInterrupt, so that the simulators are stopped on the way out."""
    raise KeyboardInterrupt()


def main() -> int:
    """Entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description='Run the integration targets against the Okta simulator or a real org.')
    parser.add_argument('targets', nargs='*', metavar='TARGET', help='target names to run (default: all)')
    parser.add_argument('-v', '--verbose', action='count', default=0, help='passed on to ansible-playbook')
    parser.add_argument('-j', '--jobs', type=int, default=1, help='targets run at a time, each with its own simulator (default: %(default)s)')
    parser.add_argument('--timeout', type=float, default=2700,
                        help='seconds allowed per target, a guard against a hung run (default: %(default)s)')
    parser.add_argument('--list', action='store_true', help='list the targets and exit')
    args = parser.parse_args()

    available = discover()
    if args.list:
        for name in available:
            print(name)
        return 0
    unknown = [name for name in args.targets if name not in available]
    if unknown:
        log('unknown target(s): %s (available: %s)' % (', '.join(unknown), ', '.join(available) or 'none'))
        return 2
    selected = args.targets or available
    if not selected:
        log('no targets in %s yet, nothing to run' % os.path.relpath(TARGETS_DIR, ROOT))
        return 0

    results: dict[str, tuple[str, float]] = {}
    for name in selected:
        problems = target_problems(name)
        if problems:
            log('%s: %s' % (name, '; '.join(problems)))
            results[name] = ('failed', 0.0)
    if results:
        print_summary([(name,) + results.get(name, ('not run', 0.0)) for name in selected])
        return 1

    real_org = real_org_connection(os.environ)
    if real_org:
        log('running against the Okta org %s (no simulator)' % real_org['okta_domain'])

    todo: queue.Queue = queue.Queue()
    for name in selected:
        if real_org and needs_simulator(name):
            log('%s: skipped (needs the simulator)' % name)
            results[name] = ('skipped', 0.0)
        else:
            todo.put(name)

    jobs = 1 if real_org else max(1, min(args.jobs, todo.qsize()))
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    stopping = threading.Event()
    interrupted = False

    with tempfile.TemporaryDirectory(prefix='okta-integration-') as tmp:
        lanes = [Lane(index, os.path.join(tmp, 'lane%d' % index), jobs > 1, args, real_org) for index in range(jobs)]

        def work(lane: Lane) -> None:
            while not stopping.is_set():
                try:
                    name = todo.get_nowait()
                except queue.Empty:
                    return
                started = time.monotonic()
                try:
                    result = lane.run_target(name)
                except Exception as exc:  # pylint: disable=broad-except
                    log('%s: %s' % (name, exc))
                    result = 'failed'
                if stopping.is_set() and result != 'passed':
                    result = 'interrupted'
                results[name] = (result, time.monotonic() - started)
                if lane.simulator and not lane.simulator.running():
                    log('the simulator of lane %d stopped:\n%s' % (lane.index, lane.simulator.log_tail()))
                    return

        threads = []
        try:
            for lane in lanes:
                lane.start()
            threads = [threading.Thread(target=work, args=(lane,), name='lane%d' % lane.index, daemon=True) for lane in lanes]
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                for thread in threads:
                    thread.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
            stopping.set()
            log('interrupted')
        except SimulatorError as exc:
            log(str(exc))
            results['(simulator)'] = ('failed', 0.0)
        finally:
            stopping.set()
            for lane in lanes:
                lane.stop()
            for thread in threads:
                thread.join(30)

    ordered = [(name,) + results.get(name, ('not run', 0.0)) for name in selected]
    ordered += [(name,) + value for name, value in results.items() if name not in selected]
    print_summary(ordered)
    if interrupted:
        return 130
    return 0 if all(entry[1] in ('passed', 'skipped') for entry in ordered) else 1


if __name__ == '__main__':
    sys.exit(main())
