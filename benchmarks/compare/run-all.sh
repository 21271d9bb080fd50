#!/usr/bin/env bash
# Runs every comparison script of benchmarks/compare/ in one go, on data they generate, and writes
# benchmarks/REPORT.md (one table per comparison: ours, the other tool, the ratio, runs; machine, date, commit) and
# benchmarks/report.json (the numbers the tables came from, plus each script's whole output).
#   benchmarks/compare/run-all.sh [WORKDIR]          (about 12-15 min on the 2-core development machine)
# The sizes are smaller than each script's defaults, so the whole report stays near 13 minutes (715 s for the first
# eight, 89 s for des-ingest, serve-transcode and transcode-jobs-vs-celery at load 7-15; serve-transcode at the
# issue's 1 GiB adds about a minute: 1 GiB made and uploaded twice, a 10 s warm-up before /status); each script still
# runs both sides in the same run on the same data. Override with the variables below (e.g. ARCHIVE_RUNS=5), or run
# one script alone with its own defaults for the numbers its docs quote. ONLY="archive-plan des-pack-vs-tar" runs
# a subset: the other sections stay in the report (from WORKDIR's earlier run, else carried over from the
# report.json already in OUTDIR with their own date and commit). Needs: java, mvn (to build the jars once), python3,
# bc, psql (the sync scripts' PostgreSQL schema), PostgreSQL (des-ingest, serve-des), redis-server and Redis on 127.0.0.1:6379
# (transcode-jobs-vs-celery starts its own; serve-transcode uses database 9), wrk (serve-transcode, serve-des), rclone and
# python3-celery (optional: s3-upload-compare and transcode-jobs-vs-celery run without them and say so).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/stowage-run-all.XXXXXX")}"
OUTDIR="${OUTDIR:-$ROOT/benchmarks}"
mkdir -p "$WORK/logs"

ARCHIVE_RUNS="${ARCHIVE_RUNS:-3}"            # archive-plan.sh: 350,000 files, RUNS alternating runs
OVERHEAD_ARGS="${OVERHEAD_ARGS:-2 8 640x360 3}" # ArchiveOverhead: clips, seconds, size, rounds
DES_RUNS="${DES_RUNS:-3}"                    # des-pack-vs-tar.sh: 100,000 x 4 KiB and 10,000 x 64 KiB
ES_FETCH_ARGS="${ES_FETCH_ARGS:-16 200 20}"  # es-fetch-hour.sh: workers, segments, modelled latency (ms)
ES_STITCH_MB="${ES_STITCH_MB:-16}"           # es-stitch-vs-cat.sh: MiB of segments
# s3-upload-compare.sh's program (UploadCompare) with a smaller tree than its `small` preset (10,000 x 16 KiB, which
# took over 5 minutes at load 27): files, bytes each, workers, rounds; and 2 warm-up passes of 500 files (the script
# repeats them until the JIT is quiet: up to 8 passes, minutes on a loaded machine)
S3_ARGS="${S3_ARGS:-2000 16384 16 1}"
S3_JAVA_PROPS="${S3_JAVA_PROPS:--Dcompare.warmPasses=2 -Dcompare.warmFiles=500}"
SYNC_TP_N="${SYNC_TP_N:-2000}"               # sync-ledger-throughput.sh: files (S3Proxy stores ~250 small files/s)
SYNC_RERUN_N="${SYNC_RERUN_N:-50000}"        # sync-rerun.sh: files already in the ledger
SYNC_RERUN_RUNS="${SYNC_RERUN_RUNS:-2}"
DES_INGEST_N="${DES_INGEST_N:-10000}"        # des-ingest.sh: 4 KiB objects (warm-up, then 5 rounds: a GET loop, 1, 2, 3 packers)
SERVE_DES_ARGS="${SERVE_DES_ARGS:-10 3 15}"   # serve-des.sh: seconds per round, rounds, warm-up seconds (about 3.5 min)
SERVE_TRANSCODE_ARGS="${SERVE_TRANSCODE_ARGS:-1024 50 10 1}"  # serve-transcode.sh: MiB (the issue's 1 GiB), pollers, seconds, rounds
JOBS_CELERY_ARGS="${JOBS_CELERY_ARGS:-500 2000 8}"  # transcode-jobs-vs-celery.sh: latency jobs, throughput jobs, workers
ONLY="${ONLY:-}"
SCRIPT_TIMEOUT="${SCRIPT_TIMEOUT:-300}"      # seconds per script; one that runs longer is stopped (exit 124)

echo "building the jars if needed (not timed)..." >&2
"$ROOT/bin/stowage" --version >/dev/null || exit 1
if [[ ! -f "$ROOT/benchmarks/target/benchmarks.jar" ]]; then
  (cd "$ROOT" && mvn -B -q -pl benchmarks -am package -DskipTests) || exit 1
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
t_all=$(date +%s)
# With ONLY, the other scripts' results already in WORKDIR stay in the report (re-run one script into a full report).
touch "$WORK/runs.tsv"
if [[ -n "$ONLY" ]]; then
  for n in $ONLY; do grep -v "^$n	" "$WORK/runs.tsv" >"$WORK/runs.tmp"; mv "$WORK/runs.tmp" "$WORK/runs.tsv"; done
else
  : >"$WORK/runs.tsv"
fi
# run NAME RUNS COMMAND...: the script's output to logs/NAME.txt; name, runs, exit code, seconds, load average at its
# start, UTC start time and command to runs.tsv
run() {
  local name="$1" runs="$2"; shift 2
  if [[ -n "$ONLY" && " $ONLY " != *" $name "* ]]; then return; fi
  echo "== $name: $*" >&2
  local t0 t1 rc load start
  load="$(cut -d' ' -f1 /proc/loadavg)"
  start="$(date -u +%H:%M)"
  t0=$(date +%s.%N)
  (cd "$ROOT" && timeout -k 10 "$SCRIPT_TIMEOUT" "$@") >"$WORK/logs/$name.txt" 2>"$WORK/logs/$name.err"
  rc=$?
  t1=$(date +%s.%N)
  printf '%s\t%s\t%s\t%.1f\t%s\t%s\t%s\n' "$name" "$runs" "$rc" "$(echo "$t1 - $t0" | bc -l)" "$load" "$start" "$*" \
      >>"$WORK/runs.tsv"
  echo "   exit $rc in $(echo "$t1 - $t0" | bc -l | cut -c1-6) s" >&2
}
run archive-plan "$ARCHIVE_RUNS" env RUNS="$ARCHIVE_RUNS" bash "$HERE/archive-plan.sh" "$WORK/archive-plan"
# shellcheck disable=SC2086
run archive-overhead "$(echo $OVERHEAD_ARGS | cut -d' ' -f4)" java -cp "$ROOT/benchmarks/target/benchmarks.jar" \
    io.stowage.benchmarks.archiver.ArchiveOverhead $OVERHEAD_ARGS
run des-pack-vs-tar "$DES_RUNS" env RUNS="$DES_RUNS" bash "$HERE/des-pack-vs-tar.sh" "$WORK/des-pack"
# shellcheck disable=SC2086
run es-fetch-hour 2 bash "$HERE/es-fetch-hour.sh" $ES_FETCH_ARGS
run es-stitch-vs-cat 5 bash "$HERE/es-stitch-vs-cat.sh" "$ES_STITCH_MB"
# shellcheck disable=SC2086
run s3-upload-compare "$(echo $S3_ARGS | cut -d' ' -f4)" java -Xmx2g $S3_JAVA_PROPS \
    -cp "$ROOT/benchmarks/target/benchmarks.jar" io.stowage.benchmarks.s3.UploadCompare $S3_ARGS
run sync-ledger-throughput 1 env N="$SYNC_TP_N" bash "$HERE/sync-ledger-throughput.sh" "$WORK/sync-tp"
run sync-rerun "$SYNC_RERUN_RUNS" env N="$SYNC_RERUN_N" RUNS="$SYNC_RERUN_RUNS" bash "$HERE/sync-rerun.sh" \
    "$WORK/sync-rerun"
run des-ingest 5 env N="$DES_INGEST_N" BATCH=1000 ROUNDS=5 bash "$HERE/des-ingest.sh" "$WORK/des-ingest"
# shellcheck disable=SC2086
run serve-des "$(echo $SERVE_DES_ARGS | cut -d' ' -f2)" bash "$HERE/serve-des.sh" $SERVE_DES_ARGS
# shellcheck disable=SC2086
run serve-transcode "$(echo $SERVE_TRANSCODE_ARGS | cut -d' ' -f4)" bash "$HERE/serve-transcode.sh" \
    $SERVE_TRANSCODE_ARGS
# shellcheck disable=SC2086
run transcode-jobs-vs-celery 1 bash "$HERE/transcode-jobs-vs-celery.sh" $JOBS_CELERY_ARGS
total=$(( $(date +%s) - t_all ))

commit="${COMMIT:-}" # COMMIT names it for a copy without .git (git archive)
if [[ -z "$commit" ]]; then
  commit="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then commit="$commit+changes"; fi
fi
ONLY="$ONLY" python3 "$HERE/report.py" "$WORK" "$OUTDIR" "$commit" "$load_before" "$total" || exit 1
echo "wrote $OUTDIR/REPORT.md and $OUTDIR/report.json in ${total} s (logs: $WORK/logs)" >&2
