#!/usr/bin/env bash
# Fetch a 1-hour range (900 generated 4 s ES segments, ~90 KB each) from EmbeddedS3 with 1 worker (sequential) and
# with N workers in the same run, on the same data; prints segments/s and the speed-up. Then the same with every GET
# delayed by LATENCY_MS to model a store across a network (loopback S3Proxy answers in ~1 ms, so the first run is
# CPU-bound). Both S3 paths are shown (issue 24): the direct HTTP path s3-io takes for an --endpoint store, and the
# AWS SDK path AWS users run (-Dstowage.s3.direct=false). Usage: es-fetch-hour.sh [WORKERS] [SEGMENTS] [LATENCY_MS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
for path in direct sdk; do
  flag=true
  [[ "$path" == sdk ]] && flag=false
  echo "== S3 path: $path (-Dstowage.s3.direct=$flag)"
  java -Xmx2g -Dstowage.s3.direct="$flag" -cp "$jar" io.stowage.benchmarks.es.EsFetchHour "${1:-16}" "${2:-900}" 68 2 0 \
    2>&1 | grep -v '^SLF4J'
  java -Xmx2g -Dstowage.s3.direct="$flag" -cp "$jar" io.stowage.benchmarks.es.EsFetchHour "${1:-16}" "${2:-900}" 68 1 \
    "${3:-20}" 2>&1 | grep -v '^SLF4J'
done
