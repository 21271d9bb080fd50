package io.stowage.transcode.jobs;

import java.util.List;

/**
 * One page of a user's history, newest first.
 *
 * <pre>{@code
 * JobPage p = service.history("alice", 0, 20);
 * p.jobs().forEach(j -> System.out.println(j.id() + " " + j.state()));
 * boolean more = (p.page() + 1L) * p.size() < p.total();
 * }</pre>
 *
 * @param jobs  the jobs on this page, newest first
 * @param page  the page number, from 0
 * @param size  the page size asked for
 * @param total how many jobs the user has in all
 *
 * <p>Immutable, so thread-safe.
 */
public record JobPage(List<JobView> jobs, int page, int size, long total) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
