package io.stowage.examples;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One pipeline of {@code stowage demo}: runs end to end on embedded defaults and proves its result.
 *
 * <p>{@code for (DemoPipeline p : Demos.all()) p.run(Files.createTempDirectory("demo"), System.out);}
 *
 * <p>Implementations are stateless; {@link #run} may be called from any thread, once per work folder.
 */
public interface DemoPipeline {
    /** Short name shown in the summary, e.g. {@code "des"}. */
    String name();

    /** One line saying what it shows. */
    String description();

    /**
     * Runs the pipeline inside {@code workDir} (an empty folder the caller deletes afterwards), printing a short
     * human summary to {@code out}. Any failed check throws; returning normally means every check passed.
     */
    void run(Path workDir, PrintStream out) throws Exception;
}
