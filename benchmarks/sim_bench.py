"""Start-up time and sequential request throughput of the Okta simulator.

Usage: python benchmarks/sim_bench.py [--requests 500]

Starts ``python tests/okta_sim`` as a subprocess, measures the time until its JSON line is printed,
then sends sequential GET requests over one keep-alive ``requests.Session`` and prints the figures.
Targets: start-up under 2 s, 500 sequential GETs under 5 s.
"""

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM_DIR = os.path.join(REPO_ROOT, 'tests', 'okta_sim')


def main():
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=500, help='number of sequential GETs (default 500)')
    parser.add_argument('--path', default='/api/v1/users/me', help='path to GET (default /api/v1/users/me)')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='okta-sim-bench-') as state_dir:
        env = dict(os.environ)
        env.pop('OKTA_SIM_EXCHANGE_LOG_DIR', None)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, SIM_DIR, '--port', '0', '--state-dir', state_dir],  # pylint: disable=consider-using-with
                                stdout=subprocess.PIPE, env=env, text=True)
        try:
            ready = select.select([proc.stdout], [], [], 30)[0]
            if not ready:
                print('simulator did not start within 30 s', file=sys.stderr)
                return 1
            info = json.loads(proc.stdout.readline())
            startup = time.perf_counter() - started

            session = requests.Session()
            session.trust_env = False
            session.verify = info['ca_bundle']
            session.headers['Authorization'] = 'SSWS ' + info['api_token']
            url = info['org_url'] + args.path
            first = session.get(url, timeout=30)
            first.raise_for_status()
            latencies = []
            begin = time.perf_counter()
            for dummy in range(args.requests):
                t0 = time.perf_counter()
                resp = session.get(url, timeout=30)
                latencies.append(time.perf_counter() - t0)
                if resp.status_code != 200:
                    print('unexpected status %s' % resp.status_code, file=sys.stderr)
                    return 1
            total = time.perf_counter() - begin
            session.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            exit_code = proc.wait(15)
            proc.stdout.close()

    latencies.sort()
    print('start-up (process start to JSON line): %.3f s  (target < 2 s)' % startup)
    print('%d sequential GET %s over one keep-alive session: %.3f s  (target < 5 s for 500)'
          % (args.requests, args.path, total))
    print('throughput: %.0f requests/s; latency p50 %.2f ms, p95 %.2f ms, max %.2f ms' % (
        args.requests / total, latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.95) - 1] * 1000, latencies[-1] * 1000))
    print('simulator exit code after SIGTERM: %d' % exit_code)
    return 0


if __name__ == '__main__':
    sys.exit(main())
