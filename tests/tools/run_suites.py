#!/usr/bin/env python
"""Run the test suites of ``make test``, several at a time, and print a summary.

Each suite is ``make <suite>``. With ``--jobs 1`` the suites run one after the other and their
output goes straight to the terminal. With more jobs, each suite's output is collected in
``tests/output/suites/<suite>.log`` and printed whole when the suite ends, so that the outputs of
suites running side by side never interleave.

Suites start in the order given. A suite named with ``--after SUITE`` starts only once every other
suite has ended (conformance reads the exchange logs the other suites leave behind).

The summary lists each suite's result and wall time; the figures are also written to
``tests/output/test-summary.txt``. The exit status is 0 when every suite passed.

Usage: run_suites.py [--jobs N] [--after SUITE ...] SUITE ...
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT_DIR = os.path.join(ROOT, 'tests', 'output', 'suites')
SUMMARY = os.path.join(ROOT, 'tests', 'output', 'test-summary.txt')
PRINT_LOCK = threading.Lock()


def say(text: str) -> None:
    """Print a line without mixing it into another thread's output."""
    with PRINT_LOCK:
        print(text, flush=True)


class Runner:
    """Starts suites as ``make`` processes, at most ``jobs`` at a time."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.results: dict[str, tuple[str, float]] = {}
        self.running: dict[str, subprocess.Popen] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self, suite: str) -> tuple[str, float]:
        """Run one suite to its end; return its result and wall time."""
        started = time.monotonic()
        capture = self.jobs > 1
        log_path = os.path.join(OUTPUT_DIR, '%s.log' % suite)
        if not capture:
            say('\n==================== make %s ====================' % suite)
        with open(log_path, 'wb') if capture else open(os.devnull, 'wb') as output:
            process = subprocess.Popen(  # pylint: disable=consider-using-with
                ['make', '--no-print-directory', suite], cwd=ROOT, stdin=subprocess.DEVNULL,
                stdout=output if capture else None, stderr=subprocess.STDOUT if capture else None,
                start_new_session=True)
            with self.lock:
                self.running[suite] = process
            code = process.wait()
            with self.lock:
                self.running.pop(suite, None)
        seconds = time.monotonic() - started
        result = 'passed' if code == 0 else 'FAILED'
        if capture:
            with open(log_path, encoding='utf-8', errors='replace') as handle:
                text = handle.read()
            with PRINT_LOCK:
                print('\n==================== make %s (%s, %.0f s) ====================' % (suite, result, seconds))
                print(text, end='' if text.endswith('\n') else '\n', flush=True)
        return result, seconds

    def stop_all(self) -> None:
        """Start no more suites; interrupt every running suite and its children."""
        self.stopping.set()
        with self.lock:
            processes = list(self.running.values())
        for process in processes:
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(15)
                    break
                except subprocess.TimeoutExpired:
                    continue


def schedule(runner: Runner, first: list[str], last: list[str]) -> None:
    """Run ``first`` with up to ``runner.jobs`` at a time, then ``last`` the same way."""
    for batch in (first, last):
        if runner.stopping.is_set():
            return
        pending = list(batch)
        threads: list[threading.Thread] = []

        def work() -> None:
            while not runner.stopping.is_set():
                with runner.lock:
                    if not pending:
                        return
                    suite = pending.pop(0)
                runner.results[suite] = runner.run(suite)

        for _lane in range(min(runner.jobs, len(pending))):
            thread = threading.Thread(target=work, daemon=True)
            thread.start()
            threads.append(thread)
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(0.5)


def _terminate(signum, frame):
    """Turn SIGTERM into KeyboardInterrupt, so that the running suites are stopped on the way out."""
    raise KeyboardInterrupt()


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description='Run the test suites of make test and print a summary.')
    parser.add_argument('suites', nargs='+', metavar='SUITE')
    parser.add_argument('-j', '--jobs', type=int, default=1, help='suites run at a time (default: %(default)s)')
    parser.add_argument('--after', action='append', default=[], metavar='SUITE',
                        help='start this suite only once every other suite has ended (repeatable)')
    args = parser.parse_args()
    unknown = [suite for suite in args.after if suite not in args.suites]
    if unknown:
        parser.error('--after names suites that are not run: %s' % ', '.join(unknown))
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    runner = Runner(max(1, args.jobs))
    first = [suite for suite in args.suites if suite not in args.after]
    last = [suite for suite in args.suites if suite in args.after]
    started = time.monotonic()
    interrupted = False
    signal.signal(signal.SIGTERM, _terminate)
    try:
        schedule(runner, first, last)
    except KeyboardInterrupt:
        interrupted = True
        say('make test: interrupted')
        runner.stop_all()
    total = time.monotonic() - started

    lines = ['%-24s %-8s %7s' % ('suite', 'result', 'time')]
    for suite in args.suites:
        result, seconds = runner.results.get(suite, ('not run', 0.0))
        lines.append('%-24s %-8s %6.0fs' % (suite, result, seconds))
    lines.append('%-24s %-8s %6.0fs' % ('total (wall)', '', total))
    passed = sum(1 for result, _seconds in runner.results.values() if result == "passed")
    failed = len(args.suites) - passed
    lines.append('suites: %d passed, %d failed or not run (%d at a time)' % (passed, failed, runner.jobs))
    with open(SUMMARY, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')
    say('\n==================== summary ====================\n' + '\n'.join(lines))
    if interrupted:
        return 130
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
