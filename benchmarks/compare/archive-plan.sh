#!/usr/bin/env bash
# Discovery + planning of `stowage archive` for 100,000 camera recordings, timed as users run it (the whole command,
# JVM start included), next to `find` walking the same trees (the floor: one readdir + stat per file, no planning).
#   benchmarks/compare/archive-plan.sh [WORKDIR]        (RUNS=5 by default; best and median of each side printed)
# Layout (empty files, as the cameras name them): INPUT/YYYY/MM/DD/REO_camN_YYYYMMDDHHMMSS.mp4 + .jpg for 100,000
# recordings over 100 days (10 cameras, 100 clips per camera per day), an output tree INPUT/archived with 50,000
# archived outputs and a trash INPUT/.deleted with 50,000 recordings (MP4 + JPG) of 50 earlier days:
# 350,000 files in 200 day folders. Settle 0 and age/size cleanup on, so every branch of the planner runs.
# The command is `stowage archive --input INPUT --dry-run [--json] --cleanup --age 30d --max-size 1G --clean-output`
# with stdout to a file: every one of the 450,000 actions is built and printed, once as JSON (the goal is held
# against this one: the document a script reads, and the larger output) and once as text. Each runs through
# bin/stowage, as users run it (JVM start, the launcher's JVM options for `archive` and its check for a stale jar
# included). Wall time and CPU time (user + sys, GNU time) are printed for each, and for `find` in the same runs:
# on a loaded machine the wall time is mostly waiting for a core, and CPU time is the steadier measure.
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
ARGS=(archive --input "$IN" --dry-run --settle 0 --cleanup --age 30d --max-size 1G --clean-output)
# one timed command: wall ms, and CPU (user + sys) ms and max RSS from GNU time, into the named arrays
timed() { # timed NAME OUTFILE CMD...
  local name="$1" outf="$2"; shift 2
  local t0 t1
  t0=$(date +%s%N); /usr/bin/time -f "%U %S %M" -o "$WORK/time" "$@" >"$outf"; t1=$(date +%s%N)
  read -r u s m <"$WORK/time"
  eval "${name}_wall+=($(( (t1 - t0) / 1000000 )))"
  eval "${name}_cpu+=($(awk -v u="$u" -v s="$s" 'BEGIN {printf "%d", (u + s) * 1000}'))"
  eval "${name}_rss+=($m)"
  echo "  $name: $(( (t1 - t0) / 1000000 )) ms wall, ${u} s user + ${s} s sys, max RSS ${m} KiB" >&2
}
find_wall=(); find_cpu=(); find_rss=(); json_wall=(); json_cpu=(); json_rss=(); text_wall=(); text_cpu=(); text_rss=()
for ((r = 1; r <= RUNS; r++)); do
  echo "run $r:" >&2
  timed find /dev/null find "$IN" -type f -printf '%s %T@ %p\n'
  timed json "$WORK/plan.json" "$STOWAGE" "${ARGS[@]}" --json
  timed text "$WORK/plan.txt" "$STOWAGE" "${ARGS[@]}"
done
actions=$(grep -c '"action"' "$WORK/plan.json" || true)
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "best %5d ms, median %5d ms", a[1], a[int((NR+1)/2)]}'; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
echo "actions planned: $actions ($(wc -c <"$WORK/plan.json") bytes of JSON, $(wc -c <"$WORK/plan.txt") bytes of text)"
printf '%-36s wall %s; CPU %s; max RSS %d KiB\n' "find -printf (one pass, the floor):" "$(stats "${find_wall[@]}")" \
    "$(stats "${find_cpu[@]}")" "$(best "${find_rss[@]}")"
printf '%-36s wall %s; CPU %s; max RSS %d KiB\n' "stowage archive --dry-run --json:" "$(stats "${json_wall[@]}")" \
    "$(stats "${json_cpu[@]}")" "$(best "${json_rss[@]}")"
printf '%-36s wall %s; CPU %s; max RSS %d KiB\n' "stowage archive --dry-run (text):" "$(stats "${text_wall[@]}")" \
    "$(stats "${text_cpu[@]}")" "$(best "${text_rss[@]}")"
awk -v s="$(best "${json_cpu[@]}")" -v f="$(best "${find_cpu[@]}")" \
    'BEGIN {printf "CPU ratio stowage --json / find (best): %.2f\n", s / (f > 0 ? f : 1)}'
