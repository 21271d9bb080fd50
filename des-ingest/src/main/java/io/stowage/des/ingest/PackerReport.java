package io.stowage.des.ingest;

import java.util.List;

/**
 * What one {@link DesPacker#run()} did, with where its time went (for tuning and the benchmark): source database
 * statements, metadata database statements, S3 GETs of source objects (wall time of the parallel fetch), packing
 * (naming a claimed batch's entries at admission, on the claim thread, and writing entries into the archive stream)
 * and finalizing (completing the upload).
 *
 * <p>The packer claims on a thread of its own while its loop thread writes, so the database seconds are summed over
 * its threads ({@code sourceDbSeconds}, {@code stateDbSeconds}: claims on the claim thread plus the loop thread's own
 * statements) and can overlap the other shares; {@code loopDbWaitSeconds} is the loop thread's wait for the databases
 * alone (its own statements plus the time it waited for a claim to be done): the database's share of the critical
 * path.
 */
public record PackerReport(long filesPacked, long bytesPacked, int containersUploaded, int containersDiscarded,
                           long rowsFailed, List<String> nameClashes, boolean interrupted, double seconds,
                           double sourceDbSeconds, double stateDbSeconds, double fetchSeconds, double packSeconds,
                           double uploadSeconds, double loopDbWaitSeconds) {
    public PackerReport {
        nameClashes = List.copyOf(nameClashes);
    }
}
