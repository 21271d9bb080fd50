package io.stowage.cli;

import io.stowage.archiver.ArchiveException;
import io.stowage.archiver.ArchiveInvalidOptionException;
import io.stowage.des.DesException;
import io.stowage.des.DesNameException;
import io.stowage.des.DesOutputExistsException;
import io.stowage.des.ingest.DesIngestConfigException;
import io.stowage.des.ingest.DesIngestException;
import io.stowage.es.EsException;
import io.stowage.es.EsInvalidRangeException;
import io.stowage.es.EsOutputExistsException;
import io.stowage.es.EsResumeException;
import io.stowage.s3.S3IoException;
import io.stowage.service.ServiceConfigException;
import io.stowage.service.ServiceException;
import io.stowage.sync.SyncConfigException;
import io.stowage.sync.SyncException;
import io.stowage.transcode.TranscodeException;
import io.stowage.transcode.TranscodeInvalidPresetException;
import io.stowage.transcode.TranscodeOutputExistsException;
import io.stowage.transcode.TranscodeUnknownPresetException;
import io.stowage.transcode.jobs.TranscodeJobsException;
import io.stowage.transcode.jobs.TranscodeJobsInvalidConfigException;
import io.stowage.transcode.jobs.TranscodeJobsInvalidEmailException;
import io.stowage.transcode.jobs.TranscodeJobsInvalidUserException;
import io.stowage.transcode.jobs.TranscodeJobsUnknownPresetException;
import io.stowage.transcode.jobs.TranscodeJobsUnsafeNameException;

import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.util.List;
import java.util.function.Function;

/**
 * The one table from an exception to the command-line contract (DESIGN.md): exit code, {@code error.type} and
 * message. {@code error.type} is always the simple class name of the exception (of the library exception a
 * {@link CliException} re-words), so a renamed exception shows under its new name without a change here; the exit
 * code comes from the first row whose class the exception (the re-worded one for a {@link CliException}) is an
 * instance of: usage errors are 2, every module root and anything else is 1. This is the only place that decides an
 * exit code for an exception, the CLI's own included. docs/cli.md lists every value.
 *
 * <p>{@code ErrorTable.Verdict v = ErrorTable.of(e); return v.exitCode();}
 *
 * <p>Stateless, so thread-safe.
 */
final class ErrorTable {
    private ErrorTable() {
    }

    /** What the CLI reports for an exception: its exit code, {@code error.type} and message. */
    record Verdict(int exitCode, String type, String message) {
    }

    /** One row: exceptions of {@code type} (and its subclasses) exit with {@code exitCode} and say {@code message}. */
    private record Row(Class<? extends Throwable> type, int exitCode, Function<Throwable, String> message) {
        Row(Class<? extends Throwable> type, int exitCode) {
            this(type, exitCode, ErrorTable::messageOf);
        }
    }

    /** First match wins: subclasses before their roots. */
    private static final List<Row> ROWS = List.of(
            // the command line's own failures
            new Row(CliUsageException.class, ExitCodes.USAGE),
            new Row(CliBucketMissingException.class, ExitCodes.FAILED),
            new Row(CliBucketAccessDeniedException.class, ExitCodes.FAILED),
            new Row(CliS3UnreachableException.class, ExitCodes.FAILED),
            new Row(CliTriggerFailedException.class, ExitCodes.FAILED),
            new Row(CliException.class, ExitCodes.FAILED),
            // library failures that are bad usage of the command line (exit 2)
            new Row(DesOutputExistsException.class, ExitCodes.USAGE),
            new Row(DesNameException.class, ExitCodes.USAGE),
            new Row(DesIngestConfigException.class, ExitCodes.USAGE),
            new Row(SyncConfigException.class, ExitCodes.USAGE),
            new Row(io.stowage.des.ingest.DesIngestDriverMissingException.class, ExitCodes.USAGE),
            new Row(EsInvalidRangeException.class, ExitCodes.USAGE),
            new Row(EsOutputExistsException.class, ExitCodes.USAGE),
            new Row(EsResumeException.class, ExitCodes.USAGE),
            new Row(TranscodeUnknownPresetException.class, ExitCodes.USAGE),
            new Row(TranscodeInvalidPresetException.class, ExitCodes.USAGE),
            new Row(TranscodeOutputExistsException.class, ExitCodes.USAGE,
                    e -> ((TranscodeOutputExistsException) e).path()
                            + " already exists; choose another name or add --force"),
            new Row(ArchiveInvalidOptionException.class, ExitCodes.USAGE),
            new Row(TranscodeJobsUnknownPresetException.class, ExitCodes.USAGE),
            new Row(TranscodeJobsInvalidUserException.class, ExitCodes.USAGE),
            new Row(TranscodeJobsUnsafeNameException.class, ExitCodes.USAGE),
            new Row(TranscodeJobsInvalidEmailException.class, ExitCodes.USAGE),
            new Row(TranscodeJobsInvalidConfigException.class, ExitCodes.USAGE),
            new Row(ServiceConfigException.class, ExitCodes.USAGE),
            new Row(IllegalArgumentException.class, ExitCodes.USAGE),
            new Row(DateTimeException.class, ExitCodes.USAGE),
            // the module roots: every other failure of a module (exit 1)
            new Row(DesException.class, ExitCodes.FAILED),
            new Row(DesIngestException.class, ExitCodes.FAILED),
            new Row(S3IoException.class, ExitCodes.FAILED),
            new Row(SyncException.class, ExitCodes.FAILED),
            new Row(EsException.class, ExitCodes.FAILED),
            new Row(ServiceException.class, ExitCodes.FAILED),
            new Row(TranscodeException.class, ExitCodes.FAILED),
            new Row(ArchiveException.class, ExitCodes.FAILED),
            new Row(TranscodeJobsException.class, ExitCodes.FAILED));

    /** The verdict for {@code ex}, thrown by a command. */
    static Verdict of(Throwable ex) {
        // a re-worded library failure: the library exception's row and name, the CLI's message
        Throwable reported = ex instanceof CliException ce ? ce.reported() : ex;
        Throwable t = reported instanceof UncheckedIOException && reported.getCause() != null
                ? reported.getCause() : reported;
        boolean reworded = reported != ex;
        for (Row row : ROWS) {
            if (row.type().isInstance(t)) {
                return new Verdict(row.exitCode(), t.getClass().getSimpleName(),
                        reworded ? messageOf(ex) : row.message().apply(t));
            }
        }
        return new Verdict(ExitCodes.FAILED, t.getClass().getSimpleName(), messageOf(reworded ? ex : t));
    }

    /** The verdict for arguments picocli could not parse (exit 2, {@code CliUsageException}). */
    static Verdict usage(String message) {
        return new Verdict(ExitCodes.USAGE, CliUsageException.class.getSimpleName(), message);
    }

    private static String messageOf(Throwable t) {
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
