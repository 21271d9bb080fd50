#!/usr/bin/env bash
# Stitch throughput (JMH, one core) from memory and from a folder against reading the same files like `cat`,
# then `cat` itself over a folder of the same size, and the ratio. Usage: es-stitch-vs-cat.sh [MEGABYTES]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
mb="${1:-64}"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
java -jar "$jar" EsStitchBenchmark -p megabytes="$mb" -p packetsPerRecord=7 -f 1 -wi 3 -i 5 -t 1 \
  -rf json -rff /tmp/es-stitch.json | tail -8
python3 - "$mb" <<'PY'
import json, sys
mb = int(sys.argv[1])
res = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in json.load(open("/tmp/es-stitch.json"))}
nbytes = mb * (1 << 20)
for name, ms in sorted(res.items()):
    print(f"{name:22s} {ms:8.2f} ms/op  {nbytes / (ms / 1000) / 1e9:6.2f} GB/s (approx. {mb} MiB of segments)")
if "catFromDirectory" in res:
    for k in ("stitchFromMemory", "stitchFromDirectory"):
        if k in res:
            print(f"{k} / cat ratio: {res['catFromDirectory'] / res[k]:.2f} (1.00 = as fast as cat)")
PY
