#!/usr/bin/env bash
# Fetch a 1-hour range (900 generated 4 s ES segments) from EmbeddedS3 with 1 worker (sequential) and with N workers
# in the same run, on the same data; prints segments/s and the speed-up. Usage: es-fetch-hour.sh [WORKERS] [SEGMENTS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
exec java -Xmx2g -cp "$jar" io.stowage.benchmarks.es.EsFetchHour "${1:-16}" "${2:-900}" 68 2
