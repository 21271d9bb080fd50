#!/usr/bin/env bash
# Packs the same folders with `tar -cf` and with `stowage des pack` in one run and prints the ratios.
#   benchmarks/compare/des-pack-vs-tar.sh [WORKDIR]
# Folders: 100,000 x 4 KiB and 10,000 x 64 KiB (large enough that JVM start-up does not dominate).
# Both sides read warm files (page cache) and write to the same disk; `des pack` also fsyncs its archive
# and computes CRC-32C per entry (tar does neither), so the comparison is conservative for DES.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/des-vs-tar.XXXXXX")}"
RUNS="${RUNS:-3}"
mkdir -p "$WORK"
JAR="$ROOT/cli/target/stowage.jar"
[[ -f "$JAR" ]] || "$ROOT/bin/stowage" --version >/dev/null

make_folder() { # dir count size
  local dir="$1" count="$2" size="$3"
  if [[ -f "$dir/.complete" ]]; then return; fi
  rm -rf "$dir"; mkdir -p "$dir"
  echo "creating $count files of $size bytes in $dir ..." >&2
  python3 - "$dir" "$count" "$size" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = os.urandom(size + 4096)
for i in range(n):
    with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
        off = i % 4096
        f.write(rnd[off:off + size])
PY
  touch "$dir/.complete"
}

now() { date +%s.%N; }

best_of() { # command... ; prints best wall seconds of $RUNS runs
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1 dt
    t0=$(now); "$@" >/dev/null; t1=$(now)
    dt=$(echo "$t1 - $t0" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$dt < $best" | bc -l) )); then best=$dt; fi
  done
  echo "$best"
}

printf "%-22s %10s %12s %12s %10s %10s %8s\n" "dataset" "files" "tar s" "des s" "tar f/s" "des f/s" "des/tar"
for spec in "100000 4096" "10000 65536"; do
  set -- $spec
  count=$1; size=$2
  dir="$WORK/in-${count}x${size}"
  make_folder "$dir" "$count" "$size"
  find "$dir" -type f -exec cat {} + > /dev/null # warm the page cache for both sides
  tar_s=$(best_of tar -cf "$WORK/out.tar" -C "$dir" .)
  des_s=$(best_of java -jar "$JAR" des pack "$WORK/out.des" "$dir" --force)
  files=$((count + 1)) # + .complete marker, packed by both
  printf "%-22s %10d %12.3f %12.3f %10.0f %10.0f %8.2f\n" "${count}x${size}" "$files" "$tar_s" "$des_s" \
    "$(echo "$files / $tar_s" | bc -l)" "$(echo "$files / $des_s" | bc -l)" "$(echo "$tar_s / $des_s" | bc -l)"
  rm -f "$WORK/out.tar" "$WORK/out.des"
done
echo "(des/tar > 1 means DES packs faster than tar; best of $RUNS runs each; work folder: $WORK)"
