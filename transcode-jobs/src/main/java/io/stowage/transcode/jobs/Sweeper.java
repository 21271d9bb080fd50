package io.stowage.transcode.jobs;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.stowage.s3.S3Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Removes jobs whose retention has passed: their S3 objects (raw input if still there, output), hash, history and
 * index entries. Several processes may sweep at once; each removal is idempotent. Thread-safe.
 */
final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final TranscodeJobsConfig config;
    private final JobStore store;
    private final S3Objects objects;

    Sweeper(TranscodeJobsConfig config, JobStore store, S3Objects objects) {
        this.config = config;
        this.store = store;
        this.objects = objects;
    }

    /**
     * Deletes consumers of the group that hold nothing and were idle for {@code idleMs} (names of worker processes
     * that ended); returns how many.
     */
    int dropIdleConsumers(long idleMs) {
        int n = 0;
        for (Object o : store.redis().xinfoConsumers(store.keys().stream(), Keys.GROUP)) {
            if (!(o instanceof List<?> fields)) {
                continue;
            }
            String name = null;
            long pending = -1;
            long idle = -1;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String k = String.valueOf(fields.get(i));
                Object v = fields.get(i + 1);
                switch (k) {
                    case "name" -> name = String.valueOf(v);
                    case "pending" -> pending = ((Number) v).longValue();
                    case "idle" -> idle = ((Number) v).longValue();
                    default -> { }
                }
            }
            if (name != null && pending == 0 && idle >= idleMs) {
                store.redis().xgroupDelconsumer(store.keys().stream(),
                        io.lettuce.core.Consumer.from(Keys.GROUP, name));
                n++;
            }
        }
        return n;
    }

    /** Removes up to 100 expired jobs; returns how many. */
    int sweep() {
        Keys keys = store.keys();
        List<String> ids = store.redis().zrangebyscore(keys.expiry(),
                Range.create(0d, (double) System.currentTimeMillis()), Limit.create(0, 100));
        int n = 0;
        for (String id : ids) {
            Map<String, String> h = store.redis().hgetall(keys.job(id));
            JobView v = JobCodec.view(h);
            if (v == null) {
                store.redis().zrem(keys.expiry(), id);
                continue;
            }
            if (!v.inputRemoved()) {
                objects.delete(config.bucket(), v.inputKey());
            }
            if (v.outputKey() != null) {
                objects.delete(config.bucket(), v.outputKey());
            }
            if (store.remove(v.user(), v.id())) {
                n++;
                LOG.info("job {} of {} expired: removed with its objects", id, v.user());
            }
        }
        return n;
    }
}
