#!/usr/bin/env bash
# stowage serve transcode, one run on this machine, both sides against the same store (a separate `stowage s3 serve`):
#  1. POST /upload of a SIZE MiB media file (rawvideo in NUT, made by the bundled ffmpeg) with the service's heap capped
#     at 256 MiB (-Xmx256m), beside `stowage upload` of the same file to the same store: MB/s of each and the ratio
#     (goal: the service at least 80 % of stowage upload);
#  2. GET /status/{job} under POLLERS concurrent pollers for SECONDS seconds (wrk, closed loop, loopback) after a
#     10 s warm-up run that is not measured: requests/s, p50/p99 latency and errors (goal: p99 under 10 ms, no errors).
# The service runs with --workers 0, so nothing transcodes while it is measured. Redis: $STOWAGE_BENCH_REDIS (default
# redis://127.0.0.1:6379/9); the run deletes the stowage:tj:* keys of that database when it ends.
# Usage: serve-transcode.sh [SIZE_MIB=1024] [POLLERS=50] [SECONDS=30] [ROUNDS=2]   (needs wrk: apt-get install wrk)
# Upload rounds alternate which side goes first; the best of each side gives the ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stowage="$root/bin/stowage"
size_mib="${1:-1024}"
pollers="${2:-50}"
seconds="${3:-30}"
rounds="${4:-2}"
redis_url="${STOWAGE_BENCH_REDIS:-redis://127.0.0.1:6379/9}"
redis_db="${redis_url##*/}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/serve-transcode-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if command -v redis-cli >/dev/null; then
    redis-cli -n "$redis_db" --scan --pattern 'stowage:tj:*' | xargs -r redis-cli -n "$redis_db" del >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; cat "$1" >&2; return 1; }

"$stowage" presets >/dev/null  # builds the jar if needed and unpacks the bundled ffmpeg
ffmpeg="$(find "$HOME/.javacpp/cache" -path '*linux-x86_64-gpl/ffmpeg' -type f | head -1)"
mkdir -p "$work/in"
frames=$(( size_mib * 1048576 / 460800 + 1 ))   # 640x480 yuv420p = 460,800 bytes a frame
LD_LIBRARY_PATH="$(dirname "$ffmpeg")" "$ffmpeg" -v error -f lavfi -i "testsrc=size=640x480:rate=25" \
  -frames:v "$frames" -c:v rawvideo -pix_fmt yuv420p -f nut "$work/in/big.nut"
sync  # the input's dirty pages go to disk now, not during the first measured upload
bytes=$(stat -c %s "$work/in/big.nut")
echo "input: $work/in/big.nut, $bytes bytes"

s3port=$(free_port)
"$stowage" s3 serve --dir "$work/store" --port "$s3port" --bucket bench >"$work/s3.out" 2>"$work/s3.err" &
pids+=($!)
wait_for "$work/s3.out" endpoint
endpoint="http://127.0.0.1:$s3port"

svcport=$(free_port)
STOWAGE_JAVA_OPTS="-Xmx256m ${SERVICE_JAVA_OPTS:-}" "$stowage" serve transcode --port "$svcport" --endpoint "$endpoint" --bucket bench \
  --workers 0 --redis "$redis_url" --state-dir "$work/state" --max-upload "$(( size_mib + 64 ))MiB" \
  >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
svcpid=$!  # bin/stowage execs java: the service's own pid
wait_for "$work/serve.out" "^open "
base="http://127.0.0.1:$svcport"
token="$("$stowage" token create --user bench --state-dir "$work/state" --ttl 2h)"
heap_max=$(curl -s "$base/metrics" | awk '/^jvm_memory_max_bytes\{area="heap"/ {s += ($NF > 0 ? $NF : 0)} END {printf "%d", s}')
echo "service heap max (jvm_memory_max_bytes, heap pools): $(( heap_max / 1048576 )) MiB"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$svcpid/stat"; }  # user + system, in 1/100 s
svc_upload() {  # prints seconds; the job id goes to $work/job, the service's CPU seconds to $work/svc-cpu
  local code t c0
  c0=$(cpu_ticks)
  read -r code t < <(curl -sS -o "$work/upload.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $token" -F preset=copy -F "file=@$work/in/big.nut" "$base/upload")
  [[ "$code" == 201 ]] || { echo "POST /upload answered $code: $(cat "$work/upload.json")" >&2; exit 1; }
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/upload.json" >"$work/job"
  echo "$(( $(cpu_ticks) - c0 ))" | awk '{printf "%.1f", $1 / 100}' >"$work/svc-cpu"
  echo "$t"
}
cli_upload() {  # prints seconds (process start included)
  local t0 t1
  t0=$(date +%s.%N)
  "$stowage" upload "$work/in" "s3://bench/cli-$1" --endpoint "$endpoint" --json >"$work/cli.json"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
best_svc=999999; best_cli=999999
for round in $(seq 1 "$rounds"); do
  # alternate the order: the machine is shared, so each side gets the first slot once
  if (( round % 2 == 1 )); then t_svc=$(svc_upload); t_cli=$(cli_upload "$round")
  else t_cli=$(cli_upload "$round"); t_svc=$(svc_upload); fi
  printf 'round %d: POST /upload (heap -Xmx256m) %.1f s, %.1f MB/s, service CPU %s s; stowage upload %.1f s, %.1f MB/s; ratio %.2f; load %s\n' \
    "$round" "$t_svc" "$(echo "$bytes / $t_svc / 1000000" | bc -l)" "$(cat "$work/svc-cpu")" "$t_cli" \
    "$(echo "$bytes / $t_cli / 1000000" | bc -l)" "$(echo "$t_cli / $t_svc" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  best_svc=$(echo "if ($t_svc < $best_svc) $t_svc else $best_svc" | bc -l)
  best_cli=$(echo "if ($t_cli < $best_cli) $t_cli else $best_cli" | bc -l)
done
job="$(cat "$work/job")"
heap_used=$(curl -s "$base/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%d", s}')
printf 'best of %d: POST /upload %.1f MB/s, stowage upload %.1f MB/s, ratio service/upload %.2f (goal >= 0.80); ' \
  "$rounds" "$(echo "$bytes / $best_svc / 1000000" | bc -l)" "$(echo "$bytes / $best_cli / 1000000" | bc -l)" \
  "$(echo "$best_cli / $best_svc" | bc -l)"
echo "service heap used now: $(( heap_used / 1048576 )) MiB of 256"

# A server runs warm: the first seconds under load are the JIT compiling the request path (C2 took a fifth of the
# CPU in perf during a cold run), which is not what a poller of a running service sees.
warm=$(( seconds < 10 ? seconds : 10 ))
echo "warm-up, not measured: $pollers pollers for ${warm}s on /status"
wrk -t2 -c"$pollers" -d"${warm}s" -H "Authorization: Bearer $token" "$base/status/$job" >/dev/null
# the service's own view of the measured run: CPU, bytes allocated (young generation, counted at each collection)
# and GC pauses, per request: less sensitive to a loaded machine than the latencies
gcstat() { curl -s "$base/metrics" | awk '/^jvm_gc_memory_allocated_bytes_total/ {a = $NF}
  /^jvm_gc_pause_seconds_count/ {c += $NF} /^jvm_gc_pause_seconds_sum/ {s += $NF} END {printf "%d %d %.4f\n", a, c, s}'; }
read -r a0 gc0 gs0 < <(gcstat)
cpu0=$(cpu_ticks)
echo "GET /status/$job: $pollers pollers, ${seconds}s (wrk, warm server; load average $(cut -d' ' -f1-3 /proc/loadavg))"
wrk -t2 -c"$pollers" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/status/$job" | tee "$work/wrk.txt"
cpu1=$(cpu_ticks)
read -r a1 gc1 gs1 < <(gcstat)
reqs=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
if (( reqs > 0 )); then
  printf 'service per request: %.0f us CPU, %d bytes allocated; GC pauses in the run: %d, %.0f ms in all\n' \
    "$(echo "($cpu1 - $cpu0) * 10000 / $reqs" | bc -l)" "$(( (a1 - a0) / reqs ))" "$(( gc1 - gc0 ))" \
    "$(echo "($gs1 - $gs0) * 1000" | bc -l)"
fi
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
sockerr=$(grep -c "Socket errors" "$work/wrk.txt" || true)
echo "status p99: $p99 (goal < 10ms); non-2xx: ${non2xx:-0}; socket error lines: $sockerr"
