package io.stowage.examples;

import java.util.List;

/**
 * The pipelines {@code stowage demo} runs, in order. Each pipeline adds one line here once it works.
 *
 * <p>Thread-safe: the list is immutable.
 */
public final class Demos {
    private Demos() {}

    /** Every demo pipeline in the order the demo runs them. */
    public static List<DemoPipeline> all() {
        return List.of(
                new DesDemo(),
                new DesS3Demo(),
                new S3Demo(),
                new SyncDemo(),
                new EsTsDemo(),
                new TranscodeDemo(),
                new ArchiveDemo(),
                new CameraSiteDemo(),
                new DesIngestDemo(),
                new TranscodeJobsDemo(),
                new TranscodeServiceDemo()
        );
    }
}
