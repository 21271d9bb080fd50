package io.stowage.transcode.jobs;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The jobs in Redis: a hash per job ({@code {prefix}job:{id}}: state, percent, preset, encoder, keys, error,
 * attempts, times, owner, notice outcome) and a per-user history ({@code {prefix}user:{user}:jobs}, a sorted set by
 * creation time). Every read takes the user and treats another user's job as not found. Finished jobs and their
 * history entries expire {@link TranscodeJobsConfig#retention()} after they finish (reads stop seeing them at once;
 * workers remove them and their S3 objects within a minute).
 *
 * <p>{@link TranscodeService} and {@link TranscodeWorker} each hold one; open a store alone to read jobs from a
 * dashboard or a script:
 *
 * <pre>{@code
 * try (JobStore store = JobStore.open(config)) {
 *     JobView v = store.get("alice", JobId.parse("alice", "0192f3a4b5c6d7e8f9a0b1c2"));
 *     JobPage page = store.history("alice", 0, 20);
 * }
 * }</pre>
 *
 * <p>Thread-safe: one Lettuce connection shared by all callers. Writes are package-private (only the service and
 * the worker change jobs).
 */
public final class JobStore implements AutoCloseable {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final TranscodeJobsConfig config;
    private final Keys keys;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final RedisAsyncCommands<String, String> async;

    private JobStore(TranscodeJobsConfig config, RedisClient client) {
        this.config = config;
        this.keys = new Keys(config.keyPrefix());
        this.client = client;
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
            throw new TranscodeJobsBackendException("redis", "cannot connect to " + redacted(config.redisUrl())
                    + ": " + e.getMessage(), e);
        }
        this.redis = connection.sync();
        this.async = connection.async();
    }

    /**
     * Connects to {@link TranscodeJobsConfig#redisUrl()}.
     *
     * @throws TranscodeJobsBackendException when Redis cannot be reached
     */
    public static JobStore open(TranscodeJobsConfig config) {
        return new JobStore(config, newClient(config));
    }

    static RedisClient newClient(TranscodeJobsConfig config) {
        // reconnect quickly after a Redis restart: 10 ms doubling to at most 1 s (Lettuce's default grows to 30 s)
        ClientResources res = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient c = RedisClient.create(res, RedisURI.create(config.redisUrl()));
        c.setOptions(ClientOptions.builder().autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build()).build());
        c.setDefaultTimeout(config.pollTimeout().plusSeconds(30));
        return c;
    }

    static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//****@");
    }

    /**
     * The job, if it exists, has not expired and belongs to {@code user}.
     *
     * @throws TranscodeJobsInvalidUserException for a user id that cannot be a key part
     */
    public Optional<JobView> find(String user, JobId id) {
        checkUser(user);
        Map<String, String> h = hash(id);
        return Optional.ofNullable(visible(user, h));
    }

    /**
     * The job.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public JobView get(String user, JobId id) {
        return find(user, id).orElseThrow(() -> new TranscodeJobsNotFoundException(user, id.value()));
    }

    /**
     * One page of the user's jobs, newest first.
     *
     * @param page from 0
     * @param size 1 to 1000
     * @throws IllegalArgumentException for a negative page or a size outside 1..1000
     */
    public JobPage history(String user, int page, int size) {
        checkUser(user);
        if (page < 0 || size < 1 || size > 1000) {
            throw new IllegalArgumentException("page " + page + " size " + size
                    + ": page must be 0 or more and size 1 to 1000");
        }
        String hkey = keys.history(user);
        List<JobView> jobs = new ArrayList<>();
        long start = (long) page * size;
        try {
            List<String> ids = redis.zrevrange(hkey, start, start + size - 1);
            List<RedisFuture<Map<String, String>>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(async.hgetall(keys.job(id)));
            }
            List<String> stale = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                JobView v = visible(user, futures.get(i).get(30, TimeUnit.SECONDS));
                if (v == null) {
                    stale.add(ids.get(i));
                } else {
                    jobs.add(v);
                }
            }
            if (!stale.isEmpty()) {
                // expired (not yet swept) or removed: drop the entries so totals and later pages are right
                redis.zrem(hkey, stale.toArray(String[]::new));
            }
            long total = redis.zcard(hkey);
            return new JobPage(jobs, page, size, Math.max(total, jobs.size()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeJobsBackendException("redis", "interrupted while reading history", e);
        } catch (Exception e) {
            throw backend("reading the history of " + user, e);
        }
    }

    /** How many unexpired jobs are in each state (for metrics; counted from a per-state index, O(states)). */
    public Map<JobState, Long> countByState() {
        Map<JobState, Long> m = new EnumMap<>(JobState.class);
        try {
            for (JobState s : JobState.values()) {
                m.put(s, redis.zcard(keys.stateIndex(s)));
            }
        } catch (RedisException e) {
            throw backend("counting jobs", e);
        }
        return m;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    // ---- package-private: used by the service and the worker ----

    TranscodeJobsConfig config() {
        return config;
    }

    Keys keys() {
        return keys;
    }

    RedisClient client() {
        return client;
    }

    RedisCommands<String, String> redis() {
        return redis;
    }

    RedisAsyncCommands<String, String> async() {
        return async;
    }

    static void checkUser(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new TranscodeJobsInvalidUserException(String.valueOf(user),
                    user == null || user.isEmpty() ? "it is empty"
                            : user.length() > 128 ? "it has " + user.length() + " characters"
                            : "it has characters outside A-Z a-z 0-9 . _ @ -");
        }
    }

    Map<String, String> hash(JobId id) {
        try {
            return redis.hgetall(keys.job(id.value()));
        } catch (RedisException e) {
            throw backend("reading job " + id, e);
        }
    }

    /** The view when the hash belongs to {@code user} and has not expired; else null. */
    JobView visible(String user, Map<String, String> h) {
        JobView v = JobCodec.view(h);
        if (v == null || !v.user().equals(user) || expired(v)) {
            return null;
        }
        return v;
    }

    boolean expired(JobView v) {
        return v.finishedAt() != null && v.finishedAt().plus(config.retention()).isBefore(Instant.now());
    }

    /** Records a new PENDING job and queues it, atomically. Returns the stream entry id. */
    String create(JobId id, String user, List<String> fields, Instant created) {
        List<String> args = new ArrayList<>();
        args.add(keys.stateIndexPrefix());
        args.add(id.value());
        args.add(Long.toString(created.toEpochMilli()));
        args.add(user);
        args.addAll(fields);
        try {
            List<Object> r = Lua.CREATE.run(redis, new String[] {keys.job(id.value()), keys.history(user),
                    keys.stream()}, args.toArray(String[]::new));
            return (String) r.get(0);
        } catch (RedisException e) {
            throw backend("queuing job " + id, e);
        }
    }

    /** Cancel: "notfound", a final state's name, "CANCELLED" (was pending) or "signal" (a worker must stop it). */
    String cancel(String user, JobId id) {
        try {
            List<Object> r = Lua.CANCEL.run(redis, new String[] {keys.job(id.value()), keys.stream(), keys.dead(),
                    keys.expiry()}, keys.stateIndexPrefix(), user, "", "",
                    Long.toString(System.currentTimeMillis()), Long.toString(config.retention().toMillis()));
            return (String) r.get(0);
        } catch (RedisException e) {
            throw backend("cancelling job " + id, e);
        }
    }

    void publishCancel(JobId id) {
        try {
            redis.publish(keys.cancelChannel(), id.value());
        } catch (RedisException e) {
            throw backend("announcing the cancel of job " + id, e);
        }
    }

    /** Removes the hash, the history entry and the index entries; false when the job is not the user's. */
    boolean remove(String user, JobId id) {
        try {
            List<Object> r = Lua.REMOVE.run(redis, new String[] {keys.job(id.value()), keys.history(user),
                    keys.expiry()}, keys.stateIndexPrefix(), id.value(), user);
            return "removed".equals(r.get(0));
        } catch (RedisException e) {
            throw backend("removing job " + id, e);
        }
    }

    /** Runs a worker script for one stream entry. */
    List<Object> workerScript(Lua script, String jobId, String entryId, String consumer, String... extra) {
        String[] args = new String[7 + extra.length];
        args[0] = keys.stateIndexPrefix();
        args[1] = Keys.GROUP;
        args[2] = entryId;
        args[3] = consumer;
        args[4] = Long.toString(System.currentTimeMillis());
        args[5] = Long.toString(config.retention().toMillis());
        args[6] = Integer.toString(config.maxAttempts());
        System.arraycopy(extra, 0, args, 7, extra.length);
        return script.run(redis, new String[] {keys.job(jobId), keys.stream(), keys.dead(), keys.expiry()}, args);
    }

    TranscodeJobsBackendException backend(String what, Exception e) {
        return new TranscodeJobsBackendException("redis", what + " at " + redacted(config.redisUrl()) + ": "
                + e.getMessage(), e);
    }
}
