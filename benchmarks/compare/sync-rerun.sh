#!/usr/bin/env bash
# Re-run of a fully uploaded tree with a ledger: `stowage upload --state` over N files (default 300,000) that the
# ledger already has as uploaded, with SQLite and with PostgreSQL. Goal: <= 15 s (walk + ledger diff, no S3 request).
#   benchmarks/compare/sync-rerun.sh [WORKDIR]
# Env: N (files, default 300000), RUNS (timed re-runs, default 3), STOWAGE_TEST_PG_URL (PostgreSQL, default
# jdbc:postgresql://127.0.0.1:5432/test?user=postgres; a schema bench_sync_<pid> is created and dropped, needs psql).
# Seeding (SEED): `upload` uploads the tree once per ledger to a local `stowage s3 serve` (slow: S3Proxy on a loaded
# 2-core machine stores ~100-300 small files/s, so 300,000 files take 20-50 min per ledger); `copy` uploads once with
# SQLite and gives the PostgreSQL ledger the same rows; `synth` (default) creates the project with an empty upload
# and writes one `uploaded` row per file (size, mtime_ns and MD5 from the files themselves, as an upload records
# them) without storing the objects: the re-run does not look at the store, so it does the same work. Then it
# times the re-runs (wall time of the whole command, JVM start-up included, and the session's own duration_s), and
# checks that the re-run made no per-file S3 request (list_requests = head_requests = uploaded = 0; the CLI makes
# one HEAD of the bucket at start).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/sync-rerun.XXXXXX")}"
N="${N:-300000}"
RUNS="${RUNS:-3}"
PORT="${PORT:-19310}"
PG_BASE="${STOWAGE_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
SCHEMA="bench_sync_$$"
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

rm -rf "$WORK/store"; mkdir -p "$WORK/store/bench"
java -jar "$JAR" s3 serve --dir "$WORK/store" --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVE=$!
"${PSQL[@]}" -c "CREATE SCHEMA $SCHEMA"
cleanup() { kill "$SERVE" 2>/dev/null || true; "${PSQL[@]}" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true; }
trap cleanup EXIT
for _ in $(seq 60); do grep -q serving "$WORK/serve.log" && break; sleep 1; done
EP="http://127.0.0.1:$PORT"
sep='?'; [[ "$PG_BASE" == *\?* ]] && sep='&'
declare -A STATE=([sqlite]="$WORK/ledger-$$.db" [postgresql]="$PG_BASE${sep}currentSchema=$SCHEMA")

now() { date +%s.%N; }
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

SEED="${SEED:-synth}"
seed_pg_from_sqlite() { # the PostgreSQL project gets the SQLite ledger's file rows (same bucket/prefix)
  mkdir -p "$WORK/empty"
  java -jar "$JAR" upload "$WORK/empty" "s3://bench/rerun" --endpoint "$EP" --state "${STATE[postgresql]}" \
    --project rerun --json > /dev/null 2>> "$WORK/seed.log"
  python3 - "${STATE[sqlite]}" "$WORK/rows.csv" <<'PY'
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    for row in con.execute("SELECT path, size, mtime_ns, checksum, s3_key, status, attempts, created_at, updated_at, "
                           "uploaded_at FROM file_uploads"):
        w.writerow(row)
PY
  "${PSQL[@]}" -c "SET search_path = $SCHEMA" -c "CREATE TEMP TABLE seed (path TEXT, size BIGINT, mtime_ns BIGINT, checksum TEXT, s3_key TEXT, status TEXT, attempts INT, created_at BIGINT, updated_at BIGINT, uploaded_at BIGINT)" \
    -c "\\copy seed FROM '$WORK/rows.csv' WITH (FORMAT csv)" \
    -c "INSERT INTO file_uploads (project_id, path, size, mtime_ns, checksum, s3_key, status, attempts, created_at, updated_at, uploaded_at) SELECT (SELECT id FROM projects WHERE name = 'rerun'), path, size, mtime_ns, checksum, s3_key, status, attempts, created_at, updated_at, uploaded_at FROM seed" \
    -c "ANALYZE file_uploads"
}

synth_rows() { # kind: an empty upload creates the project, then one 'uploaded' row per file of $SRC
  local kind=$1
  mkdir -p "$WORK/empty"
  java -jar "$JAR" upload "$WORK/empty" "s3://bench/rerun" --endpoint "$EP" --state "${STATE[$kind]}" \
    --project rerun --json > /dev/null 2>> "$WORK/seed.log"
  python3 - "$SRC" "$WORK/rows.csv" <<'PY'
import csv, hashlib, os, sys, time
src = sys.argv[1]
now = int(time.time() * 1000)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    for dirpath, dirs, files in os.walk(src):
        for name in files:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, src).replace(os.sep, "/")
            st = os.stat(p)
            with open(p, "rb") as fh:
                md5 = hashlib.md5(fh.read()).hexdigest()
            w.writerow([rel, st.st_size, st.st_mtime_ns, md5, "rerun/" + rel, "uploaded", 1, now, now, now])
PY
  if [[ $kind == sqlite ]]; then
    python3 - "${STATE[sqlite]}" "$WORK/rows.csv" <<'PY'
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
pid = con.execute("SELECT id FROM projects WHERE name = 'rerun'").fetchone()[0]
with open(sys.argv[2]) as f:
    con.executemany("INSERT INTO file_uploads (project_id, path, size, mtime_ns, checksum, s3_key, status, attempts, "
                    "created_at, updated_at, uploaded_at) VALUES (%d, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" % pid, csv.reader(f))
con.commit()
PY
  else
    "${PSQL[@]}" -c "SET search_path = $SCHEMA" -c "CREATE TEMP TABLE seed (path TEXT, size BIGINT, mtime_ns BIGINT, checksum TEXT, s3_key TEXT, status TEXT, attempts INT, created_at BIGINT, updated_at BIGINT, uploaded_at BIGINT)" \
      -c "\\copy seed FROM '$WORK/rows.csv' WITH (FORMAT csv)" \
      -c "INSERT INTO file_uploads (project_id, path, size, mtime_ns, checksum, s3_key, status, attempts, created_at, updated_at, uploaded_at) SELECT (SELECT id FROM projects WHERE name = 'rerun'), path, size, mtime_ns, checksum, s3_key, status, attempts, created_at, updated_at, uploaded_at FROM seed" \
      -c "ANALYZE file_uploads"
  fi
}

printf "%-11s %8s %14s %14s %16s %14s\n" "ledger" "files" "seed s" "re-run wall s" "re-run session s" "S3 requests"
for kind in sqlite postgresql; do
  t0=$(now)
  if [[ $SEED == synth ]]; then
    synth_rows "$kind"
  elif [[ $kind == postgresql && $SEED == copy ]]; then
    seed_pg_from_sqlite
  else
    java -jar "$JAR" upload "$SRC" "s3://bench/rerun" --endpoint "$EP" --state "${STATE[$kind]}" --project rerun \
      --json > "$WORK/first-$kind.json" 2> "$WORK/first-$kind.log" || { echo "first upload failed, see $WORK/first-$kind.log" >&2; exit 1; }
  fi
  first=$(echo "$(now) - $t0" | bc -l)
  best=""; bests=""
  for _ in $(seq "$RUNS"); do
    t0=$(now)
    java -jar "$JAR" upload "$SRC" "s3://bench/rerun" --endpoint "$EP" --state "${STATE[$kind]}" --project rerun \
      --json > "$WORK/rerun-$kind.json" 2> "$WORK/rerun-$kind.log"
    dt=$(echo "$(now) - $t0" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$dt < $best" | bc -l) )); then best=$dt; bests=$(field "$WORK/rerun-$kind.json" duration_s); fi
  done
  reqs=$(( $(field "$WORK/rerun-$kind.json" list_requests) + $(field "$WORK/rerun-$kind.json" head_requests) + $(field "$WORK/rerun-$kind.json" uploaded) ))
  unchanged=$(field "$WORK/rerun-$kind.json" unchanged)
  printf "%-11s %8d %14.1f %14.2f %16.2f %14d\n" "$kind" "$unchanged" "$first" "$best" "$bests" "$reqs"
done
echo "(postgresql first upload: SEED=$SEED; re-run: best of $RUNS, whole command incl. JVM start-up; goal <= 15 s; S3 requests = list + HEAD + PUT of the re-run; work folder: $WORK)"
