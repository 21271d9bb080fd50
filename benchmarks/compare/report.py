#!/usr/bin/env python3
"""Turns the outputs of run-all.sh's scripts into benchmarks/report.json and benchmarks/REPORT.md.

report.py WORKDIR OUTDIR COMMIT LOAD_BEFORE TOTAL_SECONDS

Each parser reads one script's own output (the lines it prints for people) and returns rows of
{measure, ours, other_tool, other, unit, ratio, note}. ratio is always "how many times faster ours is" (the other's
time / ours, or our rate / the other's): above 1 means ours is faster. A script whose output does not parse still gets
its section, with its whole output and no table rows, so nothing is silently dropped.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

work, outdir, commit, load_before, total = sys.argv[1:6]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def row(measure, ours, other_tool, other, unit, ratio=None, note=""):
    if ratio is None and ours and other:
        ratio = other / ours if unit in ("s", "ms", "ms/op") else ours / other
    return {"measure": measure, "ours": ours, "other_tool": other_tool, "other": other, "unit": unit,
            "ratio": None if ratio is None else round(ratio, 3), "note": note}


def archive_plan(text):
    rows = []
    m = {k: re.search(re.escape(k) + r"\s+wall best\s+(\d+) ms, median\s+(\d+) ms; CPU best\s+(\d+) ms, median\s+"
                      r"(\d+) ms; max RSS (\d+) KiB", text)
         for k in ("find -printf (one pass, the floor):", "stowage archive --dry-run --json:",
                   "stowage archive --dry-run (text):")}
    f = m["find -printf (one pass, the floor):"]
    for k, label in (("stowage archive --dry-run --json:", "dry run --json"),
                     ("stowage archive --dry-run (text):", "dry run (text)")):
        s = m[k]
        if s and f:
            rows.append(row(label + ", wall time (best; goal < 2 s)", int(s.group(1)), "find -printf",
                            int(f.group(1)), "ms", note="median %s vs %s ms" % (s.group(2), f.group(2))))
            rows.append(row(label + ", CPU time user+sys (best)", int(s.group(3)), "find -printf", int(f.group(3)),
                            "ms", note="max RSS %d MB vs %d MB" % (int(s.group(5)) // 1024, int(f.group(5)) // 1024)))
    return rows


def archive_overhead(text):
    m = re.search(r"median: Transcoder alone ([\d.]+) s, CameraArchiver ([\d.]+) s, ratio ([\d.]+) \(overhead "
                  r"([-+\d.]+) %, ([-+\d.]+) ms per clip\)", text)
    if not m:
        return []
    rows = [row("clips archived one after another, wall time (median round; goal: overhead < 3 %)",
                float(m.group(2)), "Transcoder alone", float(m.group(1)), "s",
                note="overhead %s %%, %s ms per clip" % (m.group(4), m.group(5)))]
    c = re.search(r"median CPU: Transcoder alone ([\d.]+) s, CameraArchiver ([\d.]+) s, ratio ([\d.]+) \(overhead "
                  r"([-+\d.]+) %, ([-+\d.]+) ms per clip\)", text)
    if c:
        rows.append(row("the same, CPU time of the JVM + ffmpeg/ffprobe (median round)", float(c.group(2)),
                        "Transcoder alone", float(c.group(1)), "s",
                        note="overhead %s %%, %s ms per clip" % (c.group(4), c.group(5))))
    return rows


def des_pack(text):
    rows = []
    for m in re.finditer(r"^(\d+x\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)",
                         text, re.M):
        ds, files, tar, tarfs, des = m.group(1), int(m.group(2)), float(m.group(3)), float(m.group(4)), float(
            m.group(5))
        rows.append(row("pack %s files (%s)" % (files, ds), des, "tar -cf", tar, "s"))
        rows.append(row("pack %s files (%s), same durability" % (files, ds), des, "tar -cf + fsync", tarfs, "s"))
    return rows


def es_fetch(text):
    rows = []
    path = None
    latency = "loopback"
    for line in text.splitlines():
        p = re.match(r"== S3 path: (\w+)", line)
        if p:
            path, latency = p.group(1), "loopback"
        d = re.match(r"every GET delayed by (\d+) ms", line)
        if d:
            latency = d.group(1) + " ms per GET"
        b = re.match(r"best: sequential (\d+) segments/s, (\d+) workers (\d+) segments/s", line)
        if b:
            rows.append(row("fetch of ES segments, %s path, %s" % (path, latency), int(b.group(3)),
                            "sequential fetch (1 worker)", int(b.group(1)), "segments/s",
                            note="%s workers" % b.group(2)))
    return rows


def es_stitch(text):
    res = dict(re.findall(r"^(\w+)\s+([\d.]+) ms/op", text, re.M))
    rows = []
    if "catFromDirectory" in res:
        for k in ("stitchFromMemory", "stitchFromDirectory"):
            if k in res:
                rows.append(row("stitch ES to TS, " + k, float(res[k]), "cat (read the same files)",
                                float(res["catFromDirectory"]), "ms/op"))
    return rows


def s3_compare(text):
    rows = []
    tree = re.search(r"tree: (\d+) files x (\d+) bytes", text)
    size = "%s x %s B" % (tree.group(1), tree.group(2)) if tree else ""
    best = {}
    for m in re.finditer(r"^(upload|download|skip)\s+(\S+)\s+([\d.]+) s\s+(\d+) files/s\s+([\d.]+) MB/s", text, re.M):
        best[(m.group(1), m.group(2))] = float(m.group(3))
    for (what, tool), secs in best.items():
        ours = best.get((what, "stowage"))
        if tool != "stowage" and ours:
            rows.append(row("%s %s" % (what, size), ours, tool, secs, "s"))
    return rows


def sync_tp(text):
    rows = []
    base = re.search(r"^none\s+(\d+)\s+([\d.]+)\s+(\d+)", text, re.M)
    for m in re.finditer(r"^(sqlite|postgresql)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)", text, re.M):
        if base:
            rows.append(row("upload of %s files with a %s ledger" % (m.group(2), m.group(1)), float(m.group(3)),
                            "the same upload without a ledger", float(base.group(2)), "s",
                            note="%s ledger rows/s" % m.group(6)))
    return rows


def sync_rerun(text):
    rows = []
    for m in re.finditer(r"^(sqlite|postgresql)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)", text, re.M):
        rows.append(row("re-run over %s files already uploaded, %s ledger (whole command)" % (m.group(2), m.group(1)),
                        float(m.group(4)), "goal", 15.0, "s",
                        note="session %s s, %s S3 requests" % (m.group(5), m.group(6))))
    return rows


def des_ingest(text):
    rows = []
    get = re.search(r"bare GET loop best of \d+ rounds: (\d+)", text) or re.search(r"mean of both (\d+)", text)
    n = re.findall(r"(\d+) packer\(s\): (\d+) rows", text)   # the first is the warm-up pack
    size = "%s x 4 KiB" % n[-1][1] if n else "4 KiB objects"
    # CPU seconds per 1,000 rows (objects) of each side's best round: this JVM, store, PostgreSQL
    cpu = {c.group(1): c.group(2, 3, 4) for c in re.finditer(
        r"^\| (bare GET loop|\d) (?:packer\(s\) )?\| \d+ \| ([\d.]+) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| ([\d.]+) \| "
        r"([\d.]+) \|", text, re.M)}
    # the database share over all rounds: median (min-max) of the five, and of the loop thread's wait
    spread = {m.group(1): m.group(2, 3, 4, 5, 6, 7, 8) for m in re.finditer(
        r"^\| (\d) \| (\d+) \| (\d+) % \((\d+)-(\d+)\) \| (\d+) % \((\d+)-(\d+)\) \|", text, re.M)}
    goal = re.search(r"database share of its time on the critical path (\d+) %.*PostgreSQL's share of all CPU (\d+) %", text)
    steady = re.search(r"^goal, 1 packer: \d+ % of the bare GET loop \(best rounds, ([^;]+);", text, re.M)
    same = re.search(r"same round, 1 packer against that round's GET loop: median (\d+) % \((\d+)-(\d+) %\) of (\d+)", text)
    warm = re.search(r"packer warm-up: (\d+) packs, (\d+) rows", text)
    probe = re.search(r"\+(\d+) ms on every ledger statement \(median ([\d.]+) s.*?\n(?:.*\n)*?delay probe: (-?[\d.]+) s of "
                      r"wall time lost per second of database time added \(median of (\d+)", text)
    for m in re.finditer(r"^\| (\d) \| (\d+) \| ([\d.]+) \| \d+ % \| (\d+) % \| (\d+) % \| (\d+) % \| (\d+) % \| "
                         r"(\d+) % \|(?: (\d+) % \| (\d+) % \|)?", text, re.M):
        if get:
            waits = "" if m.group(9) is None else (
                "; database wait on the packer's loop thread %s %% of the wall time, database seconds of all its threads "
                "%s %%" % m.group(9, 10))
            if m.group(1) in spread:
                waits += ("; over all %s rounds the database share (source + state) median %s %% (%s-%s), the loop "
                          "thread's database wait median %s %% (%s-%s)" % spread[m.group(1)])
            if m.group(1) == "1" and goal:
                waits += ("; issue 19's measure: the database share of the packer's time on its critical path (the "
                          "loop thread's wait, median over rounds) %s %%, PostgreSQL's share of all CPU %s %%"
                          % goal.group(1, 2))
            if m.group(1) == "1" and steady:
                waits += "; %s%s" % (steady.group(1), " (after %s warm-up packs, %s rows)" % warm.group(1, 2)
                                     if warm else "")
            if m.group(1) == "1" and same:
                waits += ("; the same round's packer against its GET loop: median %s %% (%s-%s %%) of %s rounds"
                          % same.group(1, 2, 3, 4))
            if m.group(1) == "1" and probe:
                waits += ("; delay probe (+%s ms on each ledger statement, %s s of database time a run): %s s of wall "
                          "lost per second added (median of %s paired rounds; 1 = all on the critical path)"
                          % probe.group(1, 2, 3, 4))
            if m.group(1) in cpu and "bare GET loop" in cpu:
                waits += ("; CPU s per 1,000 rows: packer JVM %s, store %s, PostgreSQL %s (GET loop per 1,000 objects: "
                          "JVM %s, store %s)" % (cpu[m.group(1)] + cpu["bare GET loop"][:2]))
            rows.append(row("pack %s listed in PostgreSQL, %s packer(s)" % (size, m.group(1)), float(m.group(2)),
                            "bare parallel GET loop of the same objects", float(get.group(1)), "rows/s",
                            note="%s MB/s; time in source db %s %%, state db %s %%, S3 GETs %s %%, packing %s %%, "
                                 "upload %s %%%s" % (m.group(3, 4, 5, 6, 7, 8) + (waits,))))
    return rows


def wrk_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else None


def serve_transcode(text):
    rows = []
    inp = re.search(r"input: \S+, (\d+) bytes", text)
    mib = "%d MiB" % (int(inp.group(1)) // 1048576) if inp else "a large file"
    best = re.search(r"best of (\d+): POST /upload ([\d.]+) MB/s, stowage upload ([\d.]+) MB/s", text)
    if best:
        rows.append(row("POST /upload of %s, service heap 256 MiB (best of %s)" % (mib, best.group(1)),
                        float(best.group(2)), "stowage upload (same file, same store)", float(best.group(3)), "MB/s",
                        note="goal: ratio >= 0.8"))
    pollers = re.search(r"GET /status/\S+: (\d+) pollers, (\d+)s", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    if p99 and pollers:
        rows.append(row("GET /status p99, %s pollers for %s s (wrk)" % pollers.group(1, 2), wrk_ms(p99.group(1)),
                        "goal", 10.0, "ms", note="%s req/s, p50 %s" % (rps.group(1) if rps else "?",
                                                                    p50.group(1) if p50 else "?")))
    return rows


def jobs_vs_celery(text):
    rows = []
    j = re.search(r"queue overhead.*?p50 ([\d.]+) ms.*?p99 ([\d.]+) ms", text)
    c = re.search(r"celery overhead.*?p50 ([\d.]+) ms.*?p99 ([\d.]+) ms", text)
    jt = re.search(r"throughput, (\d+) no-op jobs.*?([\d.]+) jobs/s end to end", text)
    ct = re.search(r"([\d.]+) tasks/s end to end", text)
    pool = re.search(r"celery overhead.*?idle (\w+):", text)
    tool = "Celery %s (Redis broker)" % (pool.group(1) if pool else "")
    if j and c:
        rows.append(row("queue overhead enqueue -> worker start, p50", float(j.group(1)), tool, float(c.group(1)),
                        "ms"))
        rows.append(row("queue overhead enqueue -> worker start, p99", float(j.group(2)), tool, float(c.group(2)),
                        "ms"))
    if jt and ct:
        rows.append(row("throughput, %s no-op jobs" % jt.group(1), float(jt.group(2)), tool, float(ct.group(1)),
                        "jobs/s"))
    elif j:
        rows.append(row("queue overhead p99 (Celery not installed)", float(j.group(2)), "goal", 20.0, "ms"))
    return rows


def serve_des(text):
    rows = []
    bare = re.search(r"best bare S3DesReader loop :\s+(\d+) req/s", text)
    files = re.search(r"best wrk GET /files/\{name\} :\s+(\d+) req/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", text)
    if bare and files:
        rows.append(row("GET /files/{name}, 4 KiB entries, 32 clients (wrk), best round", float(files.group(1)),
                        "bare S3DesReader loop, 32 threads, best round", float(bare.group(1)), "req/s",
                        note="goal: ratio >= 0.7; /files p50 %s ms, p99 %s ms (goal < 50)" % files.group(2, 3)))
    assign = re.search(r"wrk /assign:.*?=> (\d+) req/s\s+p50 ([\d.]+) ms\s+p99 ([\d.]+) ms", text, re.S)
    if assign:
        rows.append(row("POST /assign, 32 clients (wrk)", float(assign.group(1)), "goal", 20000.0, "names/s",
                        note="p50 %s ms, p99 %s ms" % assign.group(2, 3)))
    return rows


PARSERS = {
    "archive-plan": ("camera archive: discovery + plan of 350,000 files vs find", archive_plan),
    "archive-overhead": ("camera archive: per-clip overhead of CameraArchiver over the Transcoder alone",
                         archive_overhead),
    "des-pack-vs-tar": ("DES pack vs tar", des_pack),
    "es-fetch-hour": ("ES segments: parallel fetch vs sequential", es_fetch),
    "es-stitch-vs-cat": ("ES segments: stitch into TS vs cat (JMH, one core)", es_stitch),
    "s3-upload-compare": ("S3 upload/download vs rclone and the AWS TransferManager", s3_compare),
    "sync-ledger-throughput": ("ledgered upload vs the same upload without a ledger", sync_tp),
    "sync-rerun": ("ledgered re-run of an uploaded tree vs the 15 s goal", sync_rerun),
    "des-ingest": ("DES ingest: packers over a PostgreSQL source vs a bare parallel GET loop", des_ingest),
    "serve-des": ("serve des: GET /files vs a bare S3DesReader loop; POST /assign", serve_des),
    "serve-transcode": ("serve transcode: POST /upload vs stowage upload; GET /status under load", serve_transcode),
    "transcode-jobs-vs-celery": ("transcoding queue (Redis Streams) vs Celery, no-op jobs", jobs_vs_celery),
}


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return ""


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem_kb = int(sh("grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2") or 0)
machine = {
    "cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1048576, 1), "kernel": platform.release(),
    "java": sh("java -version 2>&1 | head -1"), "load_before": load_before,
    "load_after": " ".join(open("/proc/loadavg").read().split()[:3]),
}
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
comparisons = []
for line in open(os.path.join(work, "runs.tsv")):
    name, runs, rc, secs, load, start, command = line.rstrip("\n").split("\t", 6)
    text = open(os.path.join(work, "logs", name + ".txt"), errors="replace").read()
    err = open(os.path.join(work, "logs", name + ".err"), errors="replace").read()
    title, parse = PARSERS[name]
    try:
        rows = parse(text)
    except Exception as e:  # a parser bug must not hide the output
        rows = []
        err += "\nreport.py: could not parse: %r" % e
    comparisons.append({"name": name, "title": title, "script": command, "runs": int(runs), "exit_code": int(rc),
                        "seconds": float(secs), "load_at_start": float(load), "started_utc": start, "rows": rows,
                        "output": text, "stderr_tail": err[-2000:]})

# ONLY=...: the sections not re-run now are carried over from the report already in OUTDIR, with their own date
# and commit, so a partial run updates the report instead of replacing it
if os.environ.get("ONLY"):
    ran = {c["name"] for c in comparisons}
    try:
        old = json.load(open(os.path.join(outdir, "report.json")))
    except (OSError, ValueError):
        old = {"comparisons": []}
    kept = []
    for c in old.get("comparisons", []):
        if c["name"] not in ran and c["name"] in PARSERS:
            c.setdefault("date", old.get("date"))
            c.setdefault("commit", old.get("commit"))
            kept.append(c)
    order = list(PARSERS)
    comparisons = sorted(kept + comparisons, key=lambda c: order.index(c["name"]))
for c in comparisons:
    c.setdefault("date", now)
    c.setdefault("commit", commit)

total = sum(c["seconds"] for c in comparisons)
doc = {"date": now, "commit": commit, "machine": machine, "total_s": int(total), "comparisons": comparisons}
with open(os.path.join(outdir, "report.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return ("%.3f" % v).rstrip("0").rstrip(".") if v < 100 else "%.0f" % v
    return str(v)


md = ["# Benchmark report", "",
      "Written by `benchmarks/compare/run-all.sh` (reproduce: `benchmarks/compare/run-all.sh` on a clone at the "
      "commit below; the numbers are in [report.json](report.json), with each script's whole output). Every script "
      "runs both sides in the same run on the same generated data. **ratio** = how many times faster ours is (the "
      "other's time / ours, or our rate / the other's): above 1 means Stowage is faster.", "",
      "| | |", "|---|---|",
      "| date | %s |" % now, "| commit | `%s` |" % commit,
      "| machine | %s CPUs (%s), %s GiB, Linux %s, %s |" % (machine["cpus"], machine["cpu"], machine["memory_gib"],
                                                         machine["kernel"], machine["java"]),
      "| load average | %s before, %s after (1, 5 and 15 minutes; the benchmarks' own threads count too, and each "
      "section gives the load at its start: a 1-minute load well above the CPU count there means other work shared "
      "the machine) |" % (
          load_before, machine["load_after"]),
      "| run time | %d s for all scripts (the sum of the sections' times) |" % int(total)]
if os.environ.get("ONLY"):
    md.append("| this run | `ONLY=\"%s\"`: only these sections were re-run at the date and commit above; the others "
              "are carried over from earlier runs, each section with its own date and commit |" % os.environ["ONLY"])
md.append("")
for c in comparisons:
    md += ["## %s" % c["title"], "",
           "`%s`: %d run(s), exit %d%s, %.0f s, started %s %s UTC at load average %.1f, commit `%s`." % (
               re.sub(r"\S*/benchmarks/", "benchmarks/", c["script"]), c["runs"], c["exit_code"],
               " (stopped at run-all's time limit)" if c["exit_code"] == 124 else "", c["seconds"],
               (c["date"] or "")[:10], c["started_utc"], c["load_at_start"], c["commit"]), ""]
    if c["rows"]:
        md += ["| measure | ours | other tool | other | unit | ratio | runs | note |",
               "|---|---:|---|---:|---|---:|---:|---|"]
        for r in c["rows"]:
            md.append("| %s | %s | %s | %s | %s | %s | %d | %s |" % (r["measure"], fmt(r["ours"]), r["other_tool"],
                                                                   fmt(r["other"]), r["unit"], fmt(r["ratio"]),
                                                                   c["runs"], r["note"]))
    else:
        md.append("No numbers could be read from the output (see it below and the `.err` log).")
    md += ["", "<details><summary>output</summary>", "", "```", c["output"].rstrip(), "```", "", "</details>", ""]
with open(os.path.join(outdir, "REPORT.md"), "w") as f:
    f.write("\n".join(md) + "\n")
