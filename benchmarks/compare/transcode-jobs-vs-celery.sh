#!/usr/bin/env bash
# The transcoding queue's own cost against Celery's, same no-op load, same private Redis, one run:
#   queue overhead per job (enqueue -> worker start, idle workers: p50/p99) and throughput (store + stream + ack).
# Usage: benchmarks/compare/transcode-jobs-vs-celery.sh [LATENCY_JOBS=2000] [THROUGHPUT_JOBS=20000] [WORKERS=8]
# CELERY_POOL=prefork|threads (default threads) picks Celery's worker pool.
# Needs redis-server; Celery only if python3-celery is installed (Debian: apt-get install python3-celery python3-redis).
set -euo pipefail
cd "$(dirname "$0")/../.."
LAT=${1:-2000}; THR=${2:-20000}; W=${3:-8}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no >"$DIR/redis.log" 2>&1 &
RPID=$!
trap 'kill $RPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# not offline (-o): a fresh machine may not have the dependency plugin's own dependencies yet
if ! mvn -B -q test-compile dependency:build-classpath -pl transcode-jobs -am -Dmdep.outputFile="$DIR/cp.txt" \
    >"$DIR/mvn.log" 2>&1; then
  echo "building the queue benchmark failed; the end of the Maven log:" >&2
  tail -n 30 "$DIR/mvn.log" >&2
  exit 1
fi
echo "== stowage transcode-jobs (Redis Streams), redis on :$PORT, load: $(cut -d' ' -f1-3 /proc/loadavg)"
STOWAGE_TEST_REDIS_URL="redis://127.0.0.1:$PORT" java -cp "transcode-jobs/target/test-classes:transcode-jobs/target/classes:$(cat "$DIR/cp.txt")" \
  io.stowage.transcode.jobs.QueueBenchmark "$LAT" "$THR" "$W" 2>/dev/null | tee "$DIR/java.txt"
# Debian's python3-celery lives in the system Python (not a pyenv or venv python3 first on PATH)
PY=${CELERY_PYTHON:-/usr/bin/python3}
if "$PY" -c 'import celery, redis' 2>/dev/null; then
  echo "== celery $("$PY" -c 'import celery; print(celery.__version__)') (Redis broker + result backend), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  redis-cli -p "$PORT" flushall >/dev/null
  "$PY" benchmarks/compare/celery_noop.py "redis://127.0.0.1:$PORT/0" "$LAT" "$THR" "$W" | tee "$DIR/celery.txt"
  python3 - "$DIR/java.txt" "$DIR/celery.txt" <<'PY'
import re, sys
j, c = open(sys.argv[1]).read(), open(sys.argv[2]).read()
jp99 = float(re.search(r"p99 ([\d.]+) ms", j).group(1)); cp99 = float(re.search(r"p99 ([\d.]+) ms", c).group(1))
jp50 = float(re.search(r"p50 ([\d.]+) ms", j).group(1)); cp50 = float(re.search(r"p50 ([\d.]+) ms", c).group(1))
jt = float(re.search(r"([\d.]+) jobs/s end to end", j).group(1)); ct = float(re.search(r"([\d.]+) tasks/s end to end", c).group(1))
print("ratio (celery / stowage; above 1: stowage faster): overhead p50 %.1fx, p99 %.1fx; throughput %.1fx"
      % (cp50 / jp50, cp99 / jp99, jt / ct))
PY
else
  echo "== celery not installed (python3-celery): Celery side left out"
fi
