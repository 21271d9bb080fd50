#!/usr/bin/env bash
# Fresh upload of N small files (default 100,000) to a local `stowage s3 serve`, three times in one run: without a
# ledger, with a SQLite ledger and with a PostgreSQL ledger. Prints files/s of each, the ledger rows written per
# second (inserts, claims and outcome updates) and the slow-down against the run without a ledger.
#   benchmarks/compare/sync-ledger-throughput.sh [WORKDIR]
# Env: N, WORKERS (default 16), STOWAGE_TEST_PG_URL (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# a schema bench_tp_<pid> is created and dropped with psql).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/sync-throughput.XXXXXX")}"
N="${N:-100000}"
WORKERS="${WORKERS:-16}"
PORT="${PORT:-19311}"
PG_BASE="${STOWAGE_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
SCHEMA="bench_tp_$$"
mkdir -p "$WORK"
JAR="$WORK/stowage.jar"
if [[ -n "${STOWAGE_JAR:-}" ]]; then cp "$STOWAGE_JAR" "$JAR"; else
  [[ -f "$ROOT/cli/target/stowage.jar" ]] || "$ROOT/bin/stowage" --version >/dev/null
  cp "$ROOT/cli/target/stowage.jar" "$JAR"; fi   # a copy: a rebuild must not swap it mid-run
command -v psql >/dev/null || { echo "psql is needed to create the PostgreSQL schema (apt-get install postgresql-client)" >&2; exit 2; }
PSQL=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres test)

SRC="$WORK/src-$N"
if [[ ! -f "$SRC/.complete" ]]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  echo "creating $N files in $SRC ..." >&2
  python3 - "$SRC" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "d%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%06d.txt" % i), "w") as f:
        f.write("file %d %s\n" % (i, "x" * (i % 200)))
PY
  touch "$SRC/.complete"
fi
rm -rf "$WORK/store"; mkdir -p "$WORK/store/bench"   # every run starts from an empty store
java -jar "$JAR" s3 serve --dir "$WORK/store" --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVE=$!
"${PSQL[@]}" -c "CREATE SCHEMA $SCHEMA"
cleanup() { kill "$SERVE" 2>/dev/null || true; "${PSQL[@]}" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true; }
trap cleanup EXIT
for _ in $(seq 60); do grep -q serving "$WORK/serve.log" && break; sleep 1; done
EP="http://127.0.0.1:$PORT"
sep='?'; [[ "$PG_BASE" == *\?* ]] && sep='&'
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

printf "%-11s %9s %10s %10s %12s %14s %9s\n" "ledger" "uploaded" "session s" "files/s" "ledger rows" "ledger rows/s" "vs none"
base=""
for kind in none sqlite postgresql; do
  case $kind in
    none) extra=() ;;
    sqlite) extra=(--state "$WORK/ledger-$$.db" --project tp) ;;
    postgresql) extra=(--state "$PG_BASE${sep}currentSchema=$SCHEMA" --project tp) ;;
  esac
  java -jar "$JAR" upload "$SRC" "s3://bench/$kind" --endpoint "$EP" --workers "$WORKERS" "${extra[@]}" --json \
    > "$WORK/$kind.json" 2> "$WORK/$kind.log" || { echo "upload failed, see $WORK/$kind.log" >&2; exit 1; }
  up=$(field "$WORK/$kind.json" uploaded)
  secs=$(field "$WORK/$kind.json" duration_s)
  rows=0; rps=0
  if [[ $kind != none ]]; then rows=$(field "$WORK/$kind.json" ledger_rows); rps=$(echo "$rows / $secs" | bc -l); fi
  fps=$(echo "$up / $secs" | bc -l)
  [[ -z "$base" ]] && base=$secs
  printf "%-11s %9d %10.1f %10.0f %12d %14.0f %9.2f\n" "$kind" "$up" "$secs" "$fps" "$rows" "$rps" "$(echo "$secs / $base" | bc -l)"
done
echo "(vs none: session time relative to the upload without a ledger; 1.00 = the ledger costs nothing; work folder: $WORK)"
