#!/usr/bin/env bash
# Packs the same folders with `tar -cf` and with `stowage des pack` in one run and prints the ratios.
#   benchmarks/compare/des-pack-vs-tar.sh [WORKDIR]        (RUNS=5 by default; best run of each side counts)
# Folders: 100,000 x 4 KiB and 10,000 x 64 KiB (large enough that JVM start-up does not dominate).
#
# Fairness: both sides read warm files (page cache) and write to the same disk, runs alternate (tar, tar+fsync,
# des, tar, ...), and `sync` runs (untimed) before each run so no run pays for flushing another's dirty pages.
# `des pack` fsyncs its archive before renaming it into place and computes a CRC-32C per entry; tar does neither.
# So two ratios are printed: against plain `tar -cf` (the issue's goal) and against `tar -cf` followed by an fsync
# of the tar file (`sync FILE`), which is the same durability as des pack gives.
# Every run starts with no output file: `tar -cf` truncates an existing archive and writes into the page-cache pages
# it just freed, while `des pack` writes a temporary file and renames it over the old archive at the end, so with the
# old file left in place DES alone would need fresh pages (on this VM that costs a host fault per page; it made
# des/tar swing between 0.5 and 0.85 from run to run).
# DES runs through bin/stowage, as users run it (the launcher's JVM options for `des` included).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/des-vs-tar.XXXXXX")}"
RUNS="${RUNS:-5}"
mkdir -p "$WORK"
STOWAGE="$ROOT/bin/stowage"
"$STOWAGE" --version >/dev/null # builds the jar first if needed (not timed)

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

timed() { # command... ; prints wall seconds
  local t0 t1
  rm -f "$WORK/out.tar" "$WORK/out.des" # every run writes a new file (see "Fairness" above)
  sync
  t0=$(now); "$@" >/dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l
}

min() { if [[ -z "$1" ]] || (( $(echo "$2 < $1" | bc -l) )); then echo "$2"; else echo "$1"; fi; }

tar_fsync() { tar -cf "$1" -C "$2" . && sync "$1"; }

printf "%-14s %8s %8s %9s %8s %9s %9s %8s %10s\n" "dataset" "files" "tar s" "tar+fs s" "des s" "tar f/s" "des f/s" \
  "des/tar" "des/tar+fs"
for spec in "100000 4096" "10000 65536"; do
  set -- $spec
  count=$1; size=$2
  dir="$WORK/in-${count}x${size}"
  make_folder "$dir" "$count" "$size"
  find "$dir" -type f -exec cat {} + > /dev/null # warm the page cache for both sides
  tar_s=""; tarfs_s=""; des_s=""
  for _ in $(seq "$RUNS"); do
    tar_s=$(min "$tar_s" "$(timed tar -cf "$WORK/out.tar" -C "$dir" .)")
    tarfs_s=$(min "$tarfs_s" "$(timed tar_fsync "$WORK/out.tar" "$dir")")
    des_s=$(min "$des_s" "$(timed "$STOWAGE" des pack "$WORK/out.des" "$dir" --force)")
  done
  files=$((count + 1)) # + .complete marker, packed by both
  printf "%-14s %8d %8.3f %9.3f %8.3f %9.0f %9.0f %8.2f %10.2f\n" "${count}x${size}" "$files" "$tar_s" "$tarfs_s" \
    "$des_s" "$(echo "$files / $tar_s" | bc -l)" "$(echo "$files / $des_s" | bc -l)" \
    "$(echo "$tar_s / $des_s" | bc -l)" "$(echo "$tarfs_s / $des_s" | bc -l)"
  rm -f "$WORK/out.tar" "$WORK/out.des"
done
echo "(ratios > 1 mean DES packs faster; best of $RUNS alternating runs each; work folder: $WORK)"
