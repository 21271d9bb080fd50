package io.stowage.service.transcode;

import io.stowage.transcode.jobs.JobPage;
import io.stowage.transcode.jobs.JobView;

import java.time.Instant;
import java.util.List;

/**
 * A job as the HTTP API shows it (snake_case, times ISO-8601, sizes in bytes); object keys stay inside.
 *
 * @param id            the job id
 * @param state         PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED
 * @param percent       progress 0-100
 * @param preset        the preset
 * @param name          the uploaded file's safe name
 * @param encoder       the encoder that ran (e.g. libx264), or null
 * @param error         why it failed, or null
 * @param inputSize     bytes uploaded
 * @param outputSize    bytes of the output (0 until COMPLETED)
 * @param attempts      starts so far
 * @param createdAt     submit time
 * @param startedAt     first start, or null
 * @param finishedAt    end, or null
 * @param cancelRequested whether a cancel is pending
 * @param downloadUrl   {@code /download/{id}} when COMPLETED, else null
 */
public record JobJson(String id, String state, double percent, String preset, String name, String encoder,
                      String error, long inputSize, long outputSize, int attempts, String createdAt, String startedAt,
                      String finishedAt, boolean cancelRequested, String downloadUrl) {
    static JobJson of(JobView v) {
        return new JobJson(v.id().value(), v.state().name(), v.percent(), v.preset(), v.safeName(), v.encoder(),
                v.error(), v.inputSize(), v.outputSize(), v.attempts(), time(v.createdAt()), time(v.startedAt()),
                time(v.finishedAt()), v.cancelRequested(),
                v.state().name().equals("COMPLETED") ? "/download/" + v.id().value() : null);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    /** {@code GET /jobs}. @param jobs newest first @param page from 0 @param size page size @param total all jobs */
    public record Page(List<JobJson> jobs, int page, int size, long total) {
        static Page of(JobPage p) {
            return new Page(p.jobs().stream().map(JobJson::of).toList(), p.page(), p.size(), p.total());
        }
    }
}
