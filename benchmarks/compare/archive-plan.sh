#!/usr/bin/env bash
# Discovery + planning of `stowage archive` for 100,000 camera recordings, timed as users run it (the whole command,
# JVM start included), next to `find` walking the same trees (the floor: one readdir + stat per file, no planning).
#   benchmarks/compare/archive-plan.sh [WORKDIR]        (RUNS=5 by default; best and median of each side printed)
# Layout (empty files, as the cameras name them): INPUT/YYYY/MM/DD/REO_camN_YYYYMMDDHHMMSS.mp4 + .jpg for 100,000
# recordings over 100 days (10 cameras, 100 clips per camera per day), an output tree INPUT/archived with 50,000
# archived outputs and a trash INPUT/.deleted with 50,000 recordings (MP4 + JPG) of 50 earlier days:
# 350,000 files in 200 day folders. Settle 0 and age/size cleanup on, so every branch of the planner runs.
# The command is `stowage archive --input INPUT --dry-run --json --cleanup --age 30d --max-size 1G --clean-output`
# with stdout to a file: every one of the 450,000 actions is built and serialised. It runs through bin/stowage, as
# users run it (the launcher's JVM options for `archive` included; the launcher's check for a stale jar is timed too).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/archive-plan.XXXXXX")}"
RUNS="${RUNS:-5}"
mkdir -p "$WORK"
STOWAGE="$ROOT/bin/stowage"
"$STOWAGE" --version >/dev/null # builds the jar first if needed (not timed)
IN="$WORK/camera"

if [[ ! -f "$WORK/.complete" ]]; then
  rm -rf "$IN"
  echo "creating 100,000 recordings (+JPG), 50,000 outputs and 50,000 trashed recordings in $IN ..." >&2
  python3 - "$IN" <<'PY'
import os, sys, datetime
root = sys.argv[1]
def touch(path):
    open(path, "wb").close()
def day_files(base, day, exts, count_per_cam=100, cams=10):
    d = os.path.join(base, day.strftime("%Y/%m/%d"))
    os.makedirs(d, exist_ok=True)
    for cam in range(cams):
        for i in range(count_per_cam):
            t = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=i * 600 + cam)
            stem = "REO_cam%d_%s" % (cam, t.strftime("%Y%m%d%H%M%S"))
            for e in exts:
                touch(os.path.join(d, stem + e))
start = datetime.date(2025, 1, 1)
for n in range(50):       # 50 earlier days: archived (output) and trashed (mp4 + jpg)
    day = start + datetime.timedelta(days=n)
    day_files(os.path.join(root, "archived"), day, [".mp4"])
    day_files(os.path.join(root, ".deleted"), day, [".mp4", ".jpg"])
for n in range(50, 150):  # 100 days of recordings still in the input
    day = start + datetime.timedelta(days=n)
    day_files(root, day, [".mp4", ".jpg"])
PY
  touch "$WORK/.complete"
fi

nfiles=$(find "$IN" -type f | wc -l)
echo "files: $nfiles" >&2
ms() { date +%s%N | cut -c1-13; }
find_times=(); stowage_times=()
for ((r = 1; r <= RUNS; r++)); do
  t0=$(ms); find "$IN" -type f -printf '%s %T@ %p\n' >/dev/null; t1=$(ms)
  find_times+=($((t1 - t0)))
  t0=$(ms)
  /usr/bin/time -f "%M KiB, %U s user + %S s sys" -o "$WORK/rss" "$STOWAGE" archive --input "$IN" --dry-run --json --settle 0 \
      --cleanup --age 30d --max-size 1G --clean-output >"$WORK/plan.json"
  t1=$(ms)
  stowage_times+=($((t1 - t0)))
  echo "run $r: find ${find_times[-1]} ms, stowage archive --dry-run ${stowage_times[-1]} ms (max RSS $(cat "$WORK/rss"))" >&2
done
actions=$(grep -c '"action"' "$WORK/plan.json" || true)
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "best %d ms, median %d ms", a[1], a[int((NR+1)/2)]}'; }
echo "actions planned: $actions"
echo "find -printf (floor):          $(stats "${find_times[@]}")"
echo "stowage archive --dry-run:     $(stats "${stowage_times[@]}")"
best_f=$(printf '%s\n' "${find_times[@]}" | sort -n | head -1)
best_s=$(printf '%s\n' "${stowage_times[@]}" | sort -n | head -1)
awk -v s="$best_s" -v f="$best_f" 'BEGIN {printf "ratio stowage/find (best): %.2f\n", s / f}'
