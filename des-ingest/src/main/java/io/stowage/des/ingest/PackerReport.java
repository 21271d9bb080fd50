package io.stowage.des.ingest;

import java.util.List;

/**
 * What one {@link DesPacker#run()} did, with where its time went (for tuning and the benchmark): source database
 * statements, metadata database statements, S3 GETs of source objects (wall time of the parallel fetch), packing
 * (writing entries into the archive stream) and finalizing (completing the upload).
 */
public record PackerReport(long filesPacked, long bytesPacked, int containersUploaded, int containersDiscarded,
                           long rowsFailed, List<String> nameClashes, boolean interrupted, double seconds,
                           double sourceDbSeconds, double stateDbSeconds, double fetchSeconds, double packSeconds,
                           double uploadSeconds) {
    public PackerReport {
        nameClashes = List.copyOf(nameClashes);
    }
}
