#!/usr/bin/env bash
# stowage upload/download vs the AWS SDK's S3TransferManager (upload/downloadDirectory) vs rclone (--transfers =
# workers), same trees, same EmbeddedS3, one run; prints files/s, MB/s and ratios, then the skip check of an uploaded
# tree and the server's (S3Proxy's) share of it. stowage runs on both of its request paths: `stowage` is the direct
# path (taken for any endpoint: S3Proxy, MinIO, Ceph), `stowage-sdk` the SDK path (the one AWS users run: every request
# through the SDK client, as with -Dstowage.s3.direct=false). -Dcompare.tools=... in JAVA_PROPS picks tools.
# Usage: s3-upload-compare.sh [small|big|skip|all] [WORKERS] [ROUNDS]   (ROUNDS > 1: best of each)
#   small: 10,000 files x 16 KiB    big: 20 files x 64 MiB
#   skip: 100,000 files x 1 KiB in 1,000 folders: stowage and rclone upload it, then each re-runs over it (the skip
#         check); no downloads, no TransferManager (it has no skip check)
# Every tool first uploads and downloads a smaller tree untimed, in passes until the JIT is quiet (the server runs in
# the same JVM: no tool pays the JIT warm-up of the server or of the others); the order of the tools rotates per
# round. Each line prints the CPU seconds of the server's threads, of the client (the rest of the JVM but its
# compiler threads, or rclone's own process) and of the JVM's compiler threads (JIT) during that run.
# Downloads also print TOOL+sync for the TransferManager and rclone: that download followed by a `sync`, the same
# durability stowage's downloads give (each file fsynced before its rename; neither other tool fsyncs).
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
rounds="${3:-1}"
run() { java -Xmx2g $JAVA_PROPS -cp "$jar" io.stowage.benchmarks.s3.UploadCompare "$@"; }
JAVA_PROPS="${JAVA_PROPS:-}"
case "$what" in
  small) run 10000 16384 "$workers" "$rounds" ;;
  big) run 20 67108864 "$workers" "$rounds" ;;
  skip) JAVA_PROPS="$JAVA_PROPS -Dcompare.tools=stowage,stowage-sdk,rclone -Dcompare.noDownload=true -Dcompare.warmFiles=2000"
        run 100000 1024 "$workers" 1 ;;
  all) run 10000 16384 "$workers" "$rounds"; run 20 67108864 "$workers" "$rounds" ;;
  *) echo "usage: $0 [small|big|skip|all] [WORKERS] [ROUNDS]" >&2; exit 2 ;;
esac
