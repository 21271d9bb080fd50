#!/usr/bin/env bash
# stowage serve des, one run on this machine: warm GET /files/{name} of 4 KiB entries under 32 clients (wrk, loopback)
# beside a bare S3DesReader read loop of 32 threads in the same JVM and run, both against a separate `stowage s3 serve`
# (the issue's setup; goal: /files at least 70 % of the bare loop's requests/s, p99 under 50 ms), and POST /assign
# names/s under wrk (goal: at least 20,000). It runs service's DesServeBenchmark (a test class run on purpose, so it
# needs Maven and the sources): a warm-up of each side, ROUNDS alternating rounds of SECONDS seconds, best of each.
# Usage: serve-des.sh [SECONDS=10] [ROUNDS=3] [WARMUP=15]   (needs wrk: apt-get install wrk)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-10}"
rounds="${2:-3}"
warmup="${3:-15}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
"$root/bin/stowage" --version >/dev/null   # builds the CLI jar if needed
work="$(mktemp -d "${TMPDIR:-/tmp}/serve-des-bench.XXXXXX")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
java -jar "$root/cli/target/stowage.jar" s3 serve --dir "$work/store" --port "$port" --bucket des-bench \
    >"$work/store.log" 2>&1 &
store=$!
trap 'kill "$store" 2>/dev/null || true; wait "$store" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do grep -q serving "$work/store.log" 2>/dev/null && break; sleep 0.2; done
cd "$root"
STOWAGE_BENCH_S3="http://127.0.0.1:$port" mvn -B -q -pl service -am verify -Dtest=DesServeBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dbench.seconds="$seconds" -Dbench.rounds="$rounds" \
    -Dbench.warmup="$warmup" 2>&1 | grep -vE 'SLF4J|^\[INFO\]|^\s*$| INFO '
