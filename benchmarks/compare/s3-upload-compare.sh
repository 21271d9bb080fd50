#!/usr/bin/env bash
# stowage upload/download vs the AWS SDK's S3TransferManager (upload/downloadDirectory) vs rclone (--transfers =
# workers), same trees, same EmbeddedS3, one run; prints files/s, MB/s and ratios, then the skip check of an uploaded
# tree and the server's (S3Proxy's) share of it.
# Usage: s3-upload-compare.sh [small|big|skip|all] [WORKERS]
#   small: 10,000 files x 16 KiB    big: 20 files x 64 MiB    skip: 100,000 files x 1 KiB (upload, then skip check)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
if ! command -v rclone >/dev/null; then
  echo "rclone is not installed: the comparison runs without it (Debian/Ubuntu: apt-get install rclone)" >&2
fi
what="${1:-all}"
workers="${2:-16}"
run() { java -Xmx2g -cp "$jar" io.stowage.benchmarks.s3.UploadCompare "$@"; }
case "$what" in
  small) run 10000 16384 "$workers" 1 ;;
  big) run 20 67108864 "$workers" 1 ;;
  skip) run 100000 1024 "$workers" 1 ;;
  all) run 10000 16384 "$workers" 1; run 20 67108864 "$workers" 1 ;;
  *) echo "usage: $0 [small|big|skip|all] [WORKERS]" >&2; exit 2 ;;
esac
