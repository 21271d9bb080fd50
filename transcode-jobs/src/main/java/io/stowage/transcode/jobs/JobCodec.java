package io.stowage.transcode.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job hash's fields and their conversion to {@link JobView}. Stateless, so thread-safe. */
final class JobCodec {
    static final String ID = "id";
    static final String USER = "user";
    static final String STATE = "state";
    static final String PERCENT = "percent";
    static final String PRESET = "preset";
    static final String ORIGINAL_NAME = "original_name";
    static final String SAFE_NAME = "safe_name";
    static final String ENCODER = "encoder";
    static final String INPUT_KEY = "input_key";
    static final String INPUT_SIZE = "input_size";
    static final String INPUT_DURATION = "input_duration";
    static final String OUTPUT_KEY = "output_key";
    static final String OUTPUT_SIZE = "output_size";
    static final String ERROR = "error";
    static final String ATTEMPTS = "attempts";
    static final String CREATED_AT = "created_at";
    static final String ENQUEUED_NANOS = "enqueued_at";
    static final String STARTED_AT = "started_at";
    static final String FINISHED_AT = "finished_at";
    static final String EMAIL = "email";
    static final String NOTIFICATION = "notification";
    static final String NOTIFICATION_ERROR = "notification_error";
    static final String CANCEL = "cancel";
    static final String INPUT_REMOVED = "input_removed";
    static final String WORKER = "worker";
    static final String STREAM_ID = "stream_id";

    private JobCodec() {
    }

    /** The fields of a new PENDING job, as alternating names and values. */
    static List<String> newJob(JobId id, String user, String preset, String originalName, String safeName,
            String inputKey, long inputSize, double inputDuration, Instant created, String email) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ID, id.value());
        m.put(USER, user);
        m.put(STATE, JobState.PENDING.name());
        m.put(PERCENT, "0");
        m.put(PRESET, preset);
        m.put(ORIGINAL_NAME, originalName);
        m.put(SAFE_NAME, safeName);
        m.put(INPUT_KEY, inputKey);
        m.put(INPUT_SIZE, Long.toString(inputSize));
        m.put(INPUT_DURATION, Double.toString(inputDuration));
        m.put(OUTPUT_SIZE, "-1");
        m.put(ATTEMPTS, "0");
        m.put(CREATED_AT, Long.toString(created.toEpochMilli()));
        m.put(NOTIFICATION, (email == null ? NotificationState.NOT_REQUESTED : NotificationState.PENDING).name());
        if (email != null) {
            m.put(EMAIL, email);
        }
        m.put(CANCEL, "0");
        m.put(INPUT_REMOVED, "0");
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out;
    }

    /** The view of a hash, or null when the hash is empty (no such job). */
    static JobView view(Map<String, String> h) {
        if (h == null || h.isEmpty() || h.get(ID) == null) {
            return null;
        }
        return new JobView(new JobId(h.get(ID)), h.get(USER), JobState.valueOf(h.get(STATE)),
                dbl(h.get(PERCENT)), h.get(PRESET), h.get(ORIGINAL_NAME), h.get(SAFE_NAME), str(h.get(ENCODER)),
                h.get(INPUT_KEY), lng(h.get(INPUT_SIZE), -1), str(h.get(OUTPUT_KEY)), lng(h.get(OUTPUT_SIZE), -1),
                str(h.get(ERROR)), (int) lng(h.get(ATTEMPTS), 0), time(h.get(CREATED_AT)), time(h.get(STARTED_AT)),
                time(h.get(FINISHED_AT)), str(h.get(EMAIL)),
                h.get(NOTIFICATION) == null ? NotificationState.NOT_REQUESTED
                        : NotificationState.valueOf(h.get(NOTIFICATION)),
                str(h.get(NOTIFICATION_ERROR)), "1".equals(h.get(CANCEL)), "1".equals(h.get(INPUT_REMOVED)));
    }

    static double inputDuration(Map<String, String> h) {
        return dbl(h.get(INPUT_DURATION));
    }

    private static String str(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static double dbl(String s) {
        try {
            return s == null || s.isEmpty() ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long lng(String s, long dflt) {
        try {
            return s == null || s.isEmpty() ? dflt : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static Instant time(String s) {
        long ms = lng(s, -1);
        return ms < 0 ? null : Instant.ofEpochMilli(ms);
    }
}
