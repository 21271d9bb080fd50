"""The same no-op load as QueueBenchmark, through Celery on Redis (broker and result backend).

Run by transcode-jobs-vs-celery.sh; usage: celery_noop.py REDIS_URL LATENCY_JOBS THROUGHPUT_JOBS WORKERS
Starts a Celery worker (thread pool, WORKERS threads) in a child process, then:
  1. latency: one task at a time, time from apply_async to the task body starting (same clock), p50/p90/p99;
  2. throughput: THROUGHPUT_JOBS tasks sent from one thread, time until every result is stored.
"""
import os
import subprocess
import sys
import time

from celery import Celery

# the worker child imports this module under celery's own argv: the URL travels in the environment
if __name__ == "__main__" and len(sys.argv) > 1:
    os.environ["CELERY_NOOP_REDIS"] = sys.argv[1]
REDIS = os.environ.get("CELERY_NOOP_REDIS", "redis://127.0.0.1:6379/0")
POOL = os.environ.get("CELERY_POOL", "threads")
app = Celery("celery_noop", broker=REDIS, backend=REDIS)
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, result_expires=3600,
                broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)


@app.task(name="noop")
def noop(sent):
    return time.time() - sent


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def main():
    lat_jobs, thr_jobs, workers = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=here)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_noop", "worker", "--pool=" + POOL,
                               "--concurrency=" + str(workers), "--loglevel=WARNING", "--without-gossip",
                               "--without-mingle", "--without-heartbeat"],
                              cwd=here, env=env, stdout=subprocess.DEVNULL, stderr=open(os.devnull, "w") if not os.environ.get("CELERY_NOOP_DEBUG") else None)
    try:
        noop.delay(time.time()).get(timeout=120)      # worker up
        for _ in range(min(500, lat_jobs // 4)):       # warm-up
            noop.delay(time.time()).get(timeout=60)
        lat = [noop.delay(time.time()).get(timeout=60) for _ in range(lat_jobs)]
        print(("celery overhead, send -> task start, %d tasks one at a time, %d idle " + POOL + ": p50 %.2f ms, "
              "p90 %.2f ms, p99 %.2f ms, max %.2f ms") % (lat_jobs, workers, pct(lat, .5) * 1e3, pct(lat, .9) * 1e3,
                                                        pct(lat, .99) * 1e3, max(lat) * 1e3))
        t0 = time.time()
        results = [noop.delay(t0) for _ in range(thr_jobs)]
        sent = time.time()
        for r in results:
            r.get(timeout=600)
        t1 = time.time()
        print(("celery throughput, %d no-op tasks, %d " + POOL + " workers: %.0f tasks/s end to end (%.2f s; send alone "
              "%.0f tasks/s)") % (thr_jobs, workers, thr_jobs / (t1 - t0), t1 - t0, thr_jobs / (sent - t0)))
    finally:
        worker.terminate()
        worker.wait(30)


if __name__ == "__main__":
    main()
