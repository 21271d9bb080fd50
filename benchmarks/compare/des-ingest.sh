#!/usr/bin/env bash
# End-to-end DES ingest: N 4 KiB objects (default 20,000) in a separate `stowage s3 serve`, listed in PostgreSQL,
# packed by 1, 2 and 3 packers (threads of one JVM, each its own DesPacker, holder and connections), against a bare
# parallel GET loop over the same objects in the same run: ROUNDS rounds (default 5) alternate a GET loop and the
# packers after a warm-up, and each side's best round is compared (the store warms up for a while: one loop before and
# one after, the earlier method, gave 2,600 then 5,000 objects/s in one run). Prints rows/s, MB/s, the ratio to the
# GET loop and the share of the packers' time in the source database, the state database, S3 GETs, packing, upload.
#   benchmarks/compare/des-ingest.sh [WORKDIR]
# The packer is warmed up first with full-size packs (printed, not counted) until one spends at most WARMUP_JIT
# (default 0.02) s of JIT compiling per 1,000 rows, or WARMUP_ROWS (default 400000) rows were packed: a packer is a
# long-running process and its code reaches the compile thresholds slowly on 2 shared cores (about 200,000 rows here),
# so without it the rounds measured the compiler. The goal line says whether the JIT settled.
# Prints per packer count: rows/s, MB/s, the ratio, the shares of the five (source db .. upload, database seconds
# summed over the packer's threads), and of the wall time: the loop thread's database wait and the summed database time.
# Each round also runs one packer with DB_DELAY_MS (default 100; 0: off) added to every ledger statement (a PostgreSQL
# trigger that sleeps): the wall time lost per second of database time added shows how much of the claim thread's
# database time holds packing up. The "goal" line checks issue 19 for one packer: at least 70 % of the GET loop, and
# the database share of its time on the critical path (the loop thread's database wait, median over rounds) under 20 %.
# Env: N, WARMUP_JIT, WARMUP_ROWS, BENCH_JAR (default benchmarks/target/benchmarks.jar), STOWAGE_JAR, GET_THREADS (default 16), BATCH (the source's batch_size, default 500), PACKERS (up to how many packers,
# default 3), ROUNDS (default 5: the store is hot by the last rounds), BENCH_JAVA_OPTS (e.g. a JFR recording), PORT, STOWAGE_TEST_PG_URL (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# schemas bench_ingest_<pid>_<k> are created and dropped).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/des-ingest.XXXXXX")}"
N="${N:-20000}"
GET_THREADS="${GET_THREADS:-16}"
BATCH="${BATCH:-500}"
PORT="${PORT:-19411}"
PG_BASE="${STOWAGE_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
mkdir -p "$WORK"
JAR="$WORK/stowage.jar"
if [[ -n "${STOWAGE_JAR:-}" ]]; then cp "$STOWAGE_JAR" "$JAR"; else
  [[ -f "$ROOT/cli/target/stowage.jar" ]] || "$ROOT/bin/stowage" --version >/dev/null
  cp "$ROOT/cli/target/stowage.jar" "$JAR"; fi
BENCH="${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}"
[[ -f "$BENCH" ]] || (cd "$ROOT" && mvn -B -q -pl benchmarks -am package -DskipTests)
rm -rf "$WORK/store"; mkdir -p "$WORK/store"
java -jar "$JAR" s3 serve --dir "$WORK/store" --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill "$SERVE" 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -q serving "$WORK/serve.log" && break; sleep 1; done
STORE_PID=$SERVE java ${BENCH_JAVA_OPTS:-} -cp "$BENCH" io.stowage.benchmarks.desingest.DesIngestCompare "http://127.0.0.1:$PORT" "$PG_BASE" "$N" "$GET_THREADS" "$BATCH" "${PACKERS:-3}" "${ROUNDS:-5}"
