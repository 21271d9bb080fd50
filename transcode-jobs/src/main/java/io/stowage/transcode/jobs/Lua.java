package io.stowage.transcode.jobs;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts that change jobs: each state change, its index moves, the dead-letter entry and the stream
 * acknowledgement happen in one atomic script. Run with EVALSHA, falling back to EVAL after a Redis restart emptied
 * the script cache. Immutable, so thread-safe.
 *
 * <p>Worker scripts share one calling convention: KEYS = job, stream, dead, expiry; ARGV = state index prefix,
 * group, entry id, consumer, now (ms), retention (ms), max attempts, then the script's own arguments.
 */
final class Lua {
    private static final String COMMON = """
            local function ack() redis.call('XACK', KEYS[2], ARGV[2], ARGV[3]); redis.call('XDEL', KEYS[2], ARGV[3]) end
            local function move(id, from, to) redis.call('ZREM', ARGV[1] .. from, id); redis.call('ZADD', ARGV[1] .. to, 0, id) end
            local function finish(to)
              local id = redis.call('HGET', KEYS[1], 'id')
              local from = redis.call('HGET', KEYS[1], 'state')
              redis.call('HSET', KEYS[1], 'state', to, 'finished_at', ARGV[5], 'worker', '')
              move(id, from, to)
              redis.call('ZADD', KEYS[4], tonumber(ARGV[5]) + tonumber(ARGV[6]), id)
            end
            local function dead(err)
              redis.call('XADD', KEYS[3], '*', 'job', redis.call('HGET', KEYS[1], 'id'), 'user',
                redis.call('HGET', KEYS[1], 'user'), 'error', err, 'attempts', redis.call('HGET', KEYS[1], 'attempts'))
            end
            local function requeue()
              local id = redis.call('HGET', KEYS[1], 'id')
              redis.call('HSET', KEYS[1], 'state', 'PENDING', 'worker', '')
              move(id, 'PROCESSING', 'PENDING')
              ack()
              local sid = redis.call('XADD', KEYS[2], '*', 'job', id, 'user', redis.call('HGET', KEYS[1], 'user'))
              redis.call('HSET', KEYS[1], 'stream_id', sid)
            end
            local function isFinal(st) return st == 'COMPLETED' or st == 'FAILED' or st == 'CANCELLED' end
            local function mine()
              return redis.call('HGET', KEYS[1], 'worker') == ARGV[4] and redis.call('HGET', KEYS[1], 'state') == 'PROCESSING'
            end
            """;

    static final Lua START = worker("""
            if redis.call('EXISTS', KEYS[1]) == 0 then ack(); return {'gone'} end
            local st = redis.call('HGET', KEYS[1], 'state')
            if isFinal(st) then
              if st ~= 'CANCELLED' and redis.call('HGET', KEYS[1], 'notification') == 'PENDING' then return {'notify', st} end
              ack(); return {'final', st}
            end
            if redis.call('HGET', KEYS[1], 'cancel') == '1' then finish('CANCELLED'); ack(); return {'cancelled'} end
            local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            if n > tonumber(ARGV[7]) then
              local err = redis.call('HGET', KEYS[1], 'error')
              if not err or err == '' then err = 'the worker died during each attempt' end
              err = 'gave up after ' .. (n - 1) .. ' attempts: ' .. err
              redis.call('HSET', KEYS[1], 'attempts', n - 1, 'error', err)
              finish('FAILED'); dead(err)
              if redis.call('HGET', KEYS[1], 'notification') == 'PENDING' then return {'notify', 'FAILED'} end
              ack(); return {'final', 'FAILED'}
            end
            redis.call('HSET', KEYS[1], 'state', 'PROCESSING', 'started_at', ARGV[5], 'worker', ARGV[4], 'stream_id', ARGV[3])
            move(redis.call('HGET', KEYS[1], 'id'), st, 'PROCESSING')
            local out = {'run', tostring(n)}
            for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
            return out
            """);

    /** ARGV[8] = error. */
    static final Lua FAIL = worker("""
            if redis.call('EXISTS', KEYS[1]) == 0 then ack(); return {'gone'} end
            if not mine() then return {'lost'} end
            if redis.call('HGET', KEYS[1], 'cancel') == '1' then finish('CANCELLED'); ack(); return {'cancelled'} end
            local n = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
            if n >= tonumber(ARGV[7]) then
              local err = 'failed ' .. n .. ' times, last: ' .. ARGV[8]
              redis.call('HSET', KEYS[1], 'error', err)
              finish('FAILED'); dead(err)
              if redis.call('HGET', KEYS[1], 'notification') == 'PENDING' then return {'notify', 'FAILED'} end
              ack(); return {'final', 'FAILED'}
            end
            redis.call('HSET', KEYS[1], 'error', ARGV[8])
            requeue()
            return {'retry', tostring(n)}
            """);

    /** ARGV[8] = output key, ARGV[9] = output size, ARGV[10] = encoder. */
    static final Lua COMPLETE = worker("""
            if redis.call('EXISTS', KEYS[1]) == 0 then ack(); return {'gone'} end
            if not mine() then return {'lost'} end
            if redis.call('HGET', KEYS[1], 'cancel') == '1' then finish('CANCELLED'); ack(); return {'cancelled'} end
            redis.call('HSET', KEYS[1], 'output_key', ARGV[8], 'output_size', ARGV[9], 'encoder', ARGV[10], 'percent', '100', 'error', '')
            finish('COMPLETED')
            if redis.call('HGET', KEYS[1], 'notification') == 'PENDING' then return {'notify', 'COMPLETED'} end
            ack(); return {'final', 'COMPLETED'}
            """);

    static final Lua CANCELLED = worker("""
            if redis.call('EXISTS', KEYS[1]) == 0 then ack(); return {'gone'} end
            if not mine() then return {'lost'} end
            finish('CANCELLED'); ack(); return {'cancelled'}
            """);

    static final Lua RELEASE = worker("""
            if redis.call('EXISTS', KEYS[1]) == 0 then ack(); return {'gone'} end
            if not mine() then return {'lost'} end
            redis.call('HINCRBY', KEYS[1], 'attempts', -1)
            requeue()
            return {'released'}
            """);

    /** An entry delivered to a worker that is shutting down, never started: back to the queue's tail at once. */
    static final Lua RETURN = worker("""
            local p = redis.call('XPENDING', KEYS[2], ARGV[2], ARGV[3], ARGV[3], 1)
            if not (p[1] and p[1][2] == ARGV[4]) then return {'lost'} end
            ack()
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
            local sid = redis.call('XADD', KEYS[2], '*', 'job', redis.call('HGET', KEYS[1], 'id'), 'user',
              redis.call('HGET', KEYS[1], 'user'))
            redis.call('HSET', KEYS[1], 'stream_id', sid)
            return {'returned'}
            """);

    /** ARGV[8] = SENT or FAILED, ARGV[9] = error. */
    static final Lua NOTIFIED = worker("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('HSET', KEYS[1], 'notification', ARGV[8], 'notification_error', ARGV[9])
            end
            ack(); return {'ok'}
            """);

    /** ARGV[8] = 1 to mark the raw input removed. */
    static final Lua INPUT_REMOVED = worker("""
            if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'input_removed', '1') end
            return {'ok'}
            """);

    /** KEYS = job; ARGV = consumer, percent, encoder. */
    static final Lua PROGRESS = new Lua("""
            if redis.call('HGET', KEYS[1], 'worker') == ARGV[1] and redis.call('HGET', KEYS[1], 'state') == 'PROCESSING' then
              local p = tonumber(redis.call('HGET', KEYS[1], 'percent')) or 0
              if tonumber(ARGV[2]) > p then redis.call('HSET', KEYS[1], 'percent', ARGV[2]) end
              if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'encoder', ARGV[3]) end
              return {'ok'}
            end
            return {'no'}
            """);

    /** KEYS = stream; ARGV = group, consumer, entry id. Refreshes the claim only while this consumer owns it. */
    static final Lua REFRESH = new Lua("""
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
            if p[1] and p[1][2] == ARGV[2] then
              redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
              return {'ok'}
            end
            return {'lost'}
            """);

    /** KEYS = job, history, stream; ARGV = state index prefix, id, created ms, user, field, value, ... */
    static final Lua CREATE = new Lua("""
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
            redis.call('ZADD', ARGV[1] .. 'PENDING', 0, ARGV[2])
            local sid = redis.call('XADD', KEYS[3], '*', 'job', ARGV[2], 'user', ARGV[4])
            redis.call('HSET', KEYS[1], 'stream_id', sid)
            return {sid}
            """);

    /** KEYS = job, stream(unused), dead(unused), expiry; ARGV = state index prefix, user, -, -, now, retention. */
    static final Lua CANCEL = new Lua(COMMON + """
            if redis.call('HGET', KEYS[1], 'user') ~= ARGV[2] then return {'notfound'} end
            local st = redis.call('HGET', KEYS[1], 'state')
            if isFinal(st) then return {st} end
            redis.call('HSET', KEYS[1], 'cancel', '1')
            if st == 'PENDING' then finish('CANCELLED'); return {'CANCELLED'} end
            return {'signal'}
            """);

    /** KEYS = job, history, expiry; ARGV = state index prefix, id, user. */
    static final Lua REMOVE = new Lua("""
            if redis.call('HGET', KEYS[1], 'user') ~= ARGV[3] then return {'notfound'} end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[2])
            redis.call('ZREM', KEYS[3], ARGV[2])
            for _, s in ipairs({'PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'}) do
              redis.call('ZREM', ARGV[1] .. s, ARGV[2])
            end
            return {'removed'}
            """);

    private final String script;
    private final String sha;

    private Lua(String script) {
        this.script = script;
        this.sha = sha1(script);
    }

    private static Lua worker(String body) {
        return new Lua(COMMON + body);
    }

    List<Object> run(RedisCommands<String, String> redis, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(script, ScriptOutputType.MULTI, keys, args);
        }
    }

    CompletionStage<List<Object>> runAsync(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
        return redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
                .exceptionallyCompose(e -> {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (c instanceof RedisNoScriptException) {
                        return redis.eval(script, ScriptOutputType.MULTI, keys, args);
                    }
                    return java.util.concurrent.CompletableFuture.failedStage(c);
                });
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
